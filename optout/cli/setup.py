"""optout setup: the guided first run. Each step asks first and can be skipped; running it again
starts from what is already done (a platform signed in stays signed in)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, List, Optional

import typer

from optout.cli import output
from optout.cli.options import AnyAddressOpt, BrowserOpt, OriginMapOpt
from optout.cli.run import make_runner
from optout.errors import OptoutError, UsageError

if TYPE_CHECKING:
    from optout.flow import Flow, LoadedFlow
    from optout.results import Result
    from optout.runner import Runner

SIGN_IN_MINUTES = 10


def setup(ctx: typer.Context, origin_map: Optional[List[str]] = OriginMapOpt, any_address: bool = AnyAddressOpt,
          browser: Optional[str] = BrowserOpt) -> None:
    """Step by step: pick your platforms, sign in, see what is on, turn it off, check weekly."""
    from optout import guide
    from optout.credentials import is_interactive

    if not is_interactive():
        raise UsageError("optout setup asks questions, so it needs a terminal; without one, use `optout check` "
                         "and `optout apply`.")
    runner = make_runner(origin_map, headed=False, non_interactive=False, any_address=any_address, browser=browser)
    flows, known = guide.platforms()
    chosen = choose_platforms(flows, known)
    ready = [flow.platform for flow in chosen if sign_in(runner, flow, known)]
    skipped = [flow.platform for flow in chosen if flow.platform not in ready]
    if ready and typer.confirm(f"Check {', '.join(ready)} now (nothing is changed)?", default=True):
        turn_off(runner, check(runner, ready))
    offer_schedule(ctx)
    if skipped:
        output.say(f"Not signed in: {', '.join(skipped)}. Run `optout setup` again when you want to add them.")


def choose_platforms(flows: dict[str, LoadedFlow], known: set[str]) -> list[Flow]:
    """The flows of the platforms the person says they use; Enter keeps those signed in already."""
    from optout import guide
    from optout.runner import select

    output.say("optout knows these platforms (* signed in already):")
    for label, members in guide.by_group([loaded.flow for loaded in flows.values()]):
        output.say(f"  {label}: " + ", ".join(f.platform + ("*" if f.platform in known else "") for f in members))
    while True:
        answer = typer.prompt("Which do you use? Names with spaces between them (Enter: those marked *, "
                              "- for none)", default=" ".join(sorted(known)) or "-", show_default=False)
        names = answer.replace(",", " ").split()
        if names in ([], ["-"]):
            return []
        try:
            return [selection.flow for selection in select(flows, names, known=set())]
        except UsageError as exc:  # a typo: say which, with the suggestion, and ask again
            output.error(exc.message)


def sign_in(runner: Runner, flow: Flow, known: set[str]) -> bool:
    """Whether the platform can be checked: signed in already, signed in now, or nothing to sign in to."""
    if flow.login is None:
        output.say(f"{flow.name}: nothing to sign in to.")
        return True
    if flow.platform in known:
        output.say(f"{flow.name}: signed in already.")
        return True
    ways = {"b": "in a browser window", "s": "skip"}
    if flow.login.method == "password":
        ways = {"p": "with your password, kept in the keyring", **ways}
    question = f"{flow.name}: sign in " + ", ".join(f"{how} ({key})" for key, how in ways.items()) + "?"
    way = ask(question, list(ways))
    try:
        if way == "p":
            return store_password(flow)
        if way == "b":
            return sign_in_by_person(runner, flow)
    except OptoutError as exc:  # one platform's problem does not end the set-up
        output.error(exc.message)
    return False


def ask(question: str, answers: list[str]) -> str:
    """One of `answers` (the first by default), asked again until it is one."""
    while True:
        answer = typer.prompt(question, default=answers[0]).strip().lower()
        if answer in answers:
            return answer
        output.error(f"Answer {', '.join(answers[:-1])} or {answers[-1]}.")


def store_password(flow: Flow) -> bool:
    from optout import credentials

    login = credentials.prompt(flow.platform, domains=flow.password_domains())
    if login is None:
        return False
    credentials.store(flow.platform, login.username, login.password, login.totp_secret,
                      domains=flow.password_domains())
    output.say(f"Stored the login for {flow.name} in the keyring, for {', '.join(flow.password_domains())}.")
    return True


def sign_in_by_person(runner: Runner, flow: Flow) -> bool:
    visible = dataclasses.replace(runner, headless=False)
    if visible.login(flow, SIGN_IN_MINUTES * 60):
        output.say(f"Signed in to {flow.name}; the session is saved (encrypted).")
        return True
    output.say(f"Not signed in to {flow.name} within {SIGN_IN_MINUTES} minutes.")
    return False


def check(runner: Runner, platforms: list[str]) -> list[Result]:
    outcome = runner.run(runner.load(platforms), apply=False)
    output.show_results(False, {}, [("What is on now:", outcome.results)])
    return outcome.results


def turn_off(runner: Runner, results: list[Result]) -> None:
    """Ask before changing anything, then apply to exactly the settings found on."""
    from optout.results import State

    found_on = list(dict.fromkeys(f"{r.platform}/{r.setting}" for r in results if r.state == State.OPTED_IN))
    if not found_on:
        output.say("Nothing found on: nothing to turn off.")
        return
    if not typer.confirm(f"Turn off {', '.join(found_on)}?", default=False):
        output.say("Nothing was changed. `optout apply` turns them off when you are ready.")
        return
    outcome = runner.run(runner.load(found_on), apply=True)
    output.show_results(False, {}, [("After turning off and re-reading:", outcome.results)])


def offer_schedule(ctx: typer.Context) -> None:
    """A weekly check that alerts on drift, installed by `optout schedule install` itself."""
    from optout import schedule

    installed = schedule.load_installed()
    if installed is not None:
        output.say(f"Scheduled already with {installed.scheduler}: {installed.schedule.describe()}.")
        return
    if not typer.confirm("Check every week and alert you when a setting is switched back on?", default=True):
        output.say("No schedule: `optout schedule install --every weekly` sets one up later.")
        return
    root = ctx.find_root()
    install = root.command.get_command(root, "schedule").get_command(root, "install")  # type: ignore[attr-defined]
    try:  # as if typed: every other option of `schedule install` at its default
        install.main(["--every", "weekly"], prog_name="optout schedule install", standalone_mode=False)
    except OptoutError as exc:
        output.error(exc.message)
