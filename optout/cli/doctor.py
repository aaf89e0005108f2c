"""doctor: whether this machine has what optout needs, each problem with its fix."""

from __future__ import annotations

import typer

from optout.cli import output
from optout.cli.options import JsonOpt
from optout.exitcodes import ExitCode


def doctor(as_json: bool = JsonOpt) -> None:
    """Check the browser, keyring, home, flows, origin map, scheduler and notifications. Exit 1 when
    something check and apply need is missing; a missing scheduler or notifications are warnings."""
    from optout import doctor as checks

    findings = checks.examine()
    ready = checks.ready(findings)
    fixes = [f"{f.check}: {f.fix}" for f in findings if f.fix]
    verdict = ("Ready: check and apply have what they need." if ready
               else "Not ready: check and apply need what is marked problem.")
    output.show(as_json, {"version": 1, "ready": ready, "checks": [f.to_json() for f in findings]},
                ["check", "status", "found"], [[f.check, f.status, f.found] for f in findings],
                lines=[*(["To fix:"] if fixes else []), *(f"  {fix}" for fix in fixes), verdict], under=("found",))
    raise typer.Exit(int(ExitCode.OK if ready else ExitCode.NOT_READY))
