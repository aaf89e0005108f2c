"""The `optout` command: a thin layer over optout.runner. Heavy modules load lazily, so
`optout --help` never imports Playwright and commands that need no browser never start one."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from optout import output
from optout.exitcodes import ExitCode

app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                  help="Find the AI-training switches platforms bury, turn them off, and prove they stay off.")
flows_app = typer.Typer(no_args_is_help=True, help="Validate and list flow files.")
credentials_app = typer.Typer(no_args_is_help=True, help="Keep sign-in details in the OS keyring.")
app.add_typer(flows_app, name="flows")
app.add_typer(credentials_app, name="credentials")

TargetsArg = typer.Argument(None, help="A platform (linkedin) or one setting (linkedin/generative-ai). "
                                       "None: every platform with credentials or a saved session.")
OriginMapOpt = typer.Option(None, "--origin-map", metavar="HOST=ADDR:PORT",
                            help="Serve HOST from ADDR:PORT (a replica); repeatable. Also OPTOUT_ORIGIN_MAP.")
JsonOpt = typer.Option(False, "--json", help="Print exactly one JSON document on stdout.")
HeadedOpt = typer.Option(False, "--headed", help="Show the browser window.")
NonInteractiveOpt = typer.Option(False, "--non-interactive", help="Never prompt or wait for a person.")


def handled(command):
    """Expected errors become one message on stderr and their exit code; bugs still surface."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from optout.errors import describe

        try:
            return command(*args, **kwargs)
        except typer.Exit:
            raise
        except Exception as exc:
            known = describe(exc)
            if known is None:
                raise
            message, code = known
            output.error(message)
            raise typer.Exit(int(code)) from None

    return wrapper


def make_runner(origin_map: list[str] | None, headed: bool, non_interactive: bool):
    from optout.originmap import parse_origin_map
    from optout.runner import Runner

    if non_interactive:
        os.environ["OPTOUT_NON_INTERACTIVE"] = "1"
    mappings = parse_origin_map(origin_map)
    if mappings:
        routes = ", ".join(str(m) for m in mappings)
        output.warn(f"ORIGIN MAP ACTIVE: {routes}. Pages come from there, not the real sites, "
                    "and certificate errors are ignored.")
    return Runner(mappings, headless=not headed, progress=output.progress, warn=output.warn)


def finish(results, as_json: bool, title: str | None = None) -> None:
    from optout.results import exit_code_for

    if as_json:
        output.emit_json({"results": [r.to_json() for r in results]})
    else:
        output.show_results(results, title)
    raise typer.Exit(int(exit_code_for(results)))


@app.command()
@handled
def check(targets: Optional[List[str]] = TargetsArg, origin_map: Optional[List[str]] = OriginMapOpt,
          headed: bool = HeadedOpt, as_json: bool = JsonOpt, non_interactive: bool = NonInteractiveOpt) -> None:
    """Read each setting without changing anything."""
    runner = make_runner(origin_map, headed, non_interactive)
    finish(runner.run(runner.load(targets or []), apply=False), as_json)


@app.command()
@handled
def apply(targets: Optional[List[str]] = TargetsArg, dry_run: bool = typer.Option(False, "--dry-run",
          help="Read and say what would change, without changing it."),
          origin_map: Optional[List[str]] = OriginMapOpt, headed: bool = HeadedOpt, as_json: bool = JsonOpt,
          non_interactive: bool = NonInteractiveOpt) -> None:
    """Turn off every setting that is opted in, then reload and verify it stayed off."""
    runner = make_runner(origin_map, headed, non_interactive)
    finish(runner.run(runner.load(targets or []), apply=True, dry_run=dry_run), as_json)


@app.command()
@handled
def login(platform: str = typer.Argument(..., help="The platform to sign in to."),
          origin_map: Optional[List[str]] = OriginMapOpt,
          timeout: float = typer.Option(600, help="Seconds to wait for you to sign in.")) -> None:
    """Sign in yourself in a browser window (passkeys, codes, CAPTCHAs); the session is saved."""
    from optout.credentials import is_interactive
    from optout.errors import UsageError

    if not is_interactive():
        raise UsageError(f"`optout login` needs a person at a screen; this session is not interactive. "
                         f"Sign in on your own machine and use the saved session.")
    runner = make_runner(origin_map, headed=True, non_interactive=False)
    flow = runner.load([platform])[0].flow
    if not runner.login(flow, timeout):
        output.error(f"Not signed in to {flow.name} within {timeout:g}s; nothing was saved.")
        raise typer.Exit(int(ExitCode.UNDETERMINED))
    output.say(f"Signed in to {flow.name}; the session is saved (encrypted).")


@app.command()
@handled
def demo(as_json: bool = JsonOpt, headed: bool = HeadedOpt) -> None:
    """Run check, apply and check against the bundled LinkedIn replica with a demo account."""
    from optout.demo import run_demo

    phases = run_demo(headless=not headed, progress=output.progress, warn=output.warn)
    final = phases[-1][1]
    if as_json:
        output.emit_json({"phases": [{"phase": name, "results": [r.to_json() for r in results]}
                                     for name, results in phases]})
    else:
        for name, results in phases:
            output.show_results(results, title=name)
    from optout.results import exit_code_for

    raise typer.Exit(int(exit_code_for(final)))


@flows_app.command("validate")
@handled
def flows_validate(paths: List[Path] = typer.Argument(..., help="Flow files to check.")) -> None:
    """Check flow files against the schema (no browser)."""
    from optout.loader import FlowFileError, load_flow

    failed = False
    for path in paths:
        try:
            loaded = load_flow(path)
        except FlowFileError as exc:
            failed = True
            for problem in exc.problems:
                output.error(str(problem))
            continue
        output.say(f"{path}: ok ({loaded.flow.platform}, {len(loaded.flow.settings)} settings)")
    if failed:
        raise typer.Exit(int(ExitCode.USAGE))


@flows_app.command("list")
@handled
def flows_list(as_json: bool = JsonOpt) -> None:
    """List platforms, their settings, regions and how they sign in."""
    from optout.loader import load_flows

    flows = [loaded.flow for loaded in load_flows().values()]
    if as_json:
        output.emit_json({"flows": [flow_summary(flow) for flow in flows]})
        return
    output.show_rows(["setting", "title", "sign-in", "regions"], [
        [f"{flow.platform}/{s.id}", s.title, sign_in_method(flow), s.regions or s.advice or ""]
        for flow in flows for s in flow.settings])


def sign_in_method(flow) -> str:
    if flow.login is None:
        return "none needed"
    return "password or `optout login`" if flow.login.method == "password" else "`optout login` only"


def flow_summary(flow) -> dict:
    return {
        "platform": flow.platform, "name": flow.name, "sign_in": sign_in_method(flow),
        "settings": [{"id": s.id, "title": s.title, "url": s.url, "regions": s.regions,
                      "confidence": s.confidence, "advice": s.advice} for s in flow.settings],
        "sources": [source.url for source in flow.sources],
    }


@credentials_app.command("set")
@handled
def credentials_set(platform: str = typer.Argument(...), username: str = typer.Option(..., "--username"),
                    password_stdin: bool = typer.Option(False, "--password-stdin",
                                                        help="Read the password from stdin."),
                    totp: bool = typer.Option(False, "--totp", help="Also ask for a TOTP secret (hidden).")) -> None:
    """Store a username and password (and optional TOTP secret) in the OS keyring."""
    from optout import credentials
    from optout.errors import UsageError

    known_platform(platform)
    if password_stdin:
        password = sys.stdin.read().removesuffix("\n")
    elif credentials.is_interactive():
        password = typer.prompt("Password", hide_input=True)
    else:
        raise UsageError("No terminal to ask for the password: use --password-stdin.")
    if not password:
        raise UsageError("The password is empty; nothing was stored.")
    totp_secret = typer.prompt("TOTP secret", hide_input=True) if totp else None
    credentials.store(platform, username, password, totp_secret)
    output.say(f"Stored credentials for {platform} ({username}) in the keyring.")


@credentials_app.command("list")
@handled
def credentials_list(as_json: bool = JsonOpt) -> None:
    """Platforms with stored credentials or a saved session (no secrets shown)."""
    from optout import credentials
    from optout.sessions import SessionStore

    stored = credentials.stored_platforms()
    sessions = set(SessionStore().saved_platforms())
    rows = [{"platform": p, "username": stored.get(p), "session": p in sessions}
            for p in sorted(set(stored) | sessions)]
    if as_json:
        output.emit_json({"accounts": rows})
    elif not rows:
        output.say("No credentials or sessions stored.")
    else:
        output.show_rows(["platform", "username", "saved session"],
                         [[r["platform"], r["username"] or "", "yes" if r["session"] else ""] for r in rows])


@credentials_app.command("remove")
@handled
def credentials_remove(platform: str = typer.Argument(...)) -> None:
    """Remove a platform's stored credentials and saved session."""
    from optout import credentials
    from optout.sessions import SessionStore

    removed = [what for what, gone in (("credentials", credentials.remove(platform)),
                                       ("saved session", SessionStore().delete(platform))) if gone]
    output.say(f"Removed {' and '.join(removed)} for {platform}." if removed else f"Nothing stored for {platform}.")


def known_platform(platform: str) -> None:
    from optout.errors import UsageError
    from optout.loader import load_flows

    flows = load_flows()
    if platform not in flows:
        raise UsageError(f"Unknown platform {platform!r}. Known: {', '.join(sorted(flows))}.")


def main() -> None:
    app()
