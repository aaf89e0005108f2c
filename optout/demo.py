"""`optout demo`: the real LinkedIn flow, unchanged, against the bundled replica, with a demo
account, in a home of its own so a person's real sessions and keyring entries are untouched."""

from __future__ import annotations

import os

from optout.credentials import keyring_problem
from optout.home import optout_home
from optout.originmap import Mapping
from optout.progress import Progress
from optout.results import Result
from optout.runner import Runner


def run_demo(*, headless: bool, progress: Progress, warn: Progress) -> list[tuple[str, list[Result]]]:
    from optout.replica import HOSTS, start_replica
    from optout.replica.linkedin import DEMO_PASSWORD, DEMO_USERNAME

    os.environ["OPTOUT_HOME"] = str(optout_home() / "demo")
    os.environ["OPTOUT_LINKEDIN_USERNAME"] = DEMO_USERNAME
    os.environ["OPTOUT_LINKEDIN_PASSWORD"] = DEMO_PASSWORD
    problem = keyring_problem()
    if problem:  # a demo run silently signing in afresh each time would hide what a desktop does
        warn(f"Sessions are not being saved: {problem}. Each run signs in again; `scripts/demo` runs with a "
             "throwaway keyring that saves them.")
    with start_replica("linkedin") as replica:
        progress(f"LinkedIn replica listening on 127.0.0.1:{replica.port}")
        mappings = [Mapping(host, "127.0.0.1", replica.port) for host in HOSTS["linkedin"]]
        runner = Runner(mappings, headless=headless, may_prompt=False, progress=progress, warn=warn)
        selection = runner.load(["linkedin"])
        phases = [("check", False), ("apply", True), ("check again", False)]
        return [(name, runner.run(selection, apply=apply).results) for name, apply in phases]
