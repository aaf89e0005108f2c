"""The `optout` command: a thin layer over optout.runner. Heavy modules load lazily, so
`optout --help` never imports Playwright and commands that need no browser never start one."""

from __future__ import annotations

import dataclasses
import functools
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from optout import output
from optout.exitcodes import ExitCode


def typer_app(summary: str, **options) -> typer.Typer:
    """Every app and sub-app: a bug's traceback must never show local variables, where
    passwords, passphrases and webhook tokens live (older Typer showed them by default)."""
    return typer.Typer(no_args_is_help=True, pretty_exceptions_show_locals=False, help=summary, **options)


app = typer_app("Find the AI-training switches platforms bury, turn them off, and prove they stay off.",
                add_completion=False, rich_markup_mode=None)
flows_app = typer_app("Validate and list flow files.")
credentials_app = typer_app("Keep sign-in details in the OS keyring.")
session_app = typer_app("Carry a saved session to CI, encrypted with a passphrase.")
app.add_typer(flows_app, name="flows")
app.add_typer(credentials_app, name="credentials")
app.add_typer(session_app, name="session")
schedule_app = typer_app("Re-check on a schedule, with the OS's own scheduler.")
app.add_typer(schedule_app, name="schedule")

TargetsArg = typer.Argument(None, help="A platform (linkedin) or one setting (linkedin/generative-ai). "
                                       "None: every platform with credentials or a saved session.")
OriginMapOpt = typer.Option(None, "--origin-map", metavar="HOST=ADDR:PORT",
                            help="Serve HOST from ADDR:PORT (a replica); repeatable. Also OPTOUT_ORIGIN_MAP.")
AnyAddressOpt = typer.Option(False, "--origin-map-any-address",
                             help="Let --origin-map send a host to an address that is not loopback "
                                  "(127.0.0.0/8, ::1). Also OPTOUT_ORIGIN_MAP_ANY_ADDRESS=1.")
JsonOpt = typer.Option(False, "--json", help="Print exactly one JSON document on stdout.")
HeadedOpt = typer.Option(False, "--headed", help="Show the browser window.")
NonInteractiveOpt = typer.Option(False, "--non-interactive", help="Never prompt or wait for a person.")
ReportOpt = typer.Option(None, "--report", metavar="FORMAT:PATH",
                         help="Also write the results to PATH as junit, markdown or json; repeatable. "
                              "With GITHUB_STEP_SUMMARY set, the Markdown table is appended to it.")
DiagnosticsOpt = typer.Option(None, "--diagnostics", metavar="DIR",
                              help="For each setting that could not be determined, save a screenshot, a "
                                   "Playwright trace and the accessibility snapshot (secrets scrubbed) in DIR.")


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


def make_runner(origin_map: list[str] | None, headed: bool, non_interactive: bool, diagnostics: Path | None = None,
                any_address: bool = False):
    from optout import alerts
    from optout.credentials import is_interactive
    from optout.originmap import parse_origin_map
    from optout.runner import Runner

    if non_interactive:
        os.environ["OPTOUT_NON_INTERACTIVE"] = "1"
    if headed and not is_interactive():  # nobody is there to look at a window
        output.warn("--headed is ignored: this session is not interactive, so the browser stays hidden.")
        headed = False
    mappings = parse_origin_map(origin_map, any_address=any_address)
    if mappings:
        routes = ", ".join(str(m) for m in mappings)
        output.warn(f"ORIGIN MAP ACTIVE: {routes}. Pages come from there, not the real sites, and the "
                    "certificates found there are accepted for those hosts only.")
    warn_if_flows_replaced()
    trigger = "ci" if os.environ.get("CI") else "manual"
    return Runner(mappings, headless=not headed, progress=output.progress, warn=output.warn,
                  diagnostics_dir=diagnostics, trigger=trigger,
                  alert=functools.partial(alerts.send, trigger=trigger, log=output.warn, desktop=False))


def warn_if_flows_replaced() -> None:
    """OPTOUT_FLOWS is for flow authors; whoever set it must not forget it is set."""
    from optout.loader import flows_dir

    if os.environ.get("OPTOUT_FLOWS"):
        output.warn(f"OPTOUT_FLOWS ACTIVE: flows come from {flows_dir()}, not the bundled ones; stored logins "
                    "are only given to flows that would type them on the sites they were stored for.")


def report_specs(reports: list[str] | None) -> list:
    """Parsed before the run, so a mistyped --report fails at once rather than after it."""
    from optout.reports import parse_spec

    return [parse_spec(text) for text in reports or []]


def finish(results, as_json: bool, title: str | None = None, reports: list = (), command: str = "optout",
           not_recorded: Exception | None = None, code: int | None = None) -> None:
    """Show the results, then (never instead) say they could not be kept in the history; the
    exit code stays the results' own (or `code`)."""
    from optout import reports as report_files
    from optout.results import exit_code_for

    report_files.write(results, list(reports), command)
    if as_json:
        output.emit_json(report_files.results_document(results))
    else:
        output.show_results(results, title)
    if not_recorded is not None:
        sys.stdout.flush()  # the results come first, even where stdout and stderr share a pipe
        output.error(f"These results are not in the history: {not_recorded}")
    raise typer.Exit(int(exit_code_for(results) if code is None else code))


@app.command()
@handled
def check(targets: Optional[List[str]] = TargetsArg, origin_map: Optional[List[str]] = OriginMapOpt,
          headed: bool = HeadedOpt, as_json: bool = JsonOpt, non_interactive: bool = NonInteractiveOpt,
          report: Optional[List[str]] = ReportOpt, diagnostics: Optional[Path] = DiagnosticsOpt,
          any_address: bool = AnyAddressOpt) -> None:
    """Read each setting without changing anything."""
    specs = report_specs(report)
    runner = make_runner(origin_map, headed, non_interactive, diagnostics, any_address)
    results = runner.run(runner.load(targets or []), apply=False)
    finish(results, as_json, reports=specs, command="optout check", not_recorded=runner.not_recorded)


@app.command()
@handled
def apply(targets: Optional[List[str]] = TargetsArg, dry_run: bool = typer.Option(False, "--dry-run",
          help="Read and say what would change, without changing it."),
          origin_map: Optional[List[str]] = OriginMapOpt, headed: bool = HeadedOpt, as_json: bool = JsonOpt,
          non_interactive: bool = NonInteractiveOpt, report: Optional[List[str]] = ReportOpt,
          diagnostics: Optional[Path] = DiagnosticsOpt, any_address: bool = AnyAddressOpt) -> None:
    """Turn off every setting that is opted in, then reload and verify it stayed off."""
    specs = report_specs(report)
    runner = make_runner(origin_map, headed, non_interactive, diagnostics, any_address)
    results = runner.run(runner.load(targets or []), apply=True, dry_run=dry_run)
    finish(results, as_json, reports=specs, command="optout apply", not_recorded=runner.not_recorded)


@app.command()
@handled
def login(platform: str = typer.Argument(..., help="The platform to sign in to."),
          origin_map: Optional[List[str]] = OriginMapOpt,
          timeout: float = typer.Option(600, help="Seconds to wait for you to sign in."),
          any_address: bool = AnyAddressOpt) -> None:
    """Sign in yourself in a browser window (passkeys, codes, CAPTCHAs); the session is saved.
    The window is your installed Google Chrome when there is one (else as `check`)."""
    from optout.credentials import is_interactive
    from optout.errors import UsageError

    if not is_interactive():
        raise UsageError("`optout login` needs a person at a screen; this session is not interactive. "
                         "Sign in on your own machine and use the saved session.")
    runner = make_runner(origin_map, headed=True, non_interactive=False, any_address=any_address)
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

    loaded_flows = list(load_flows().values())
    if as_json:
        output.emit_json({"flows": [flow_summary(loaded) for loaded in loaded_flows]})
        return
    output.show_rows(["setting", "title", "sign-in", "regions"], [
        [f"{loaded.flow.platform}/{s.id}" + (" (local)" if loaded.local else ""), s.title,
         sign_in_method(loaded.flow), s.regions or s.advice or ""]
        for loaded in loaded_flows for s in loaded.flow.settings])
    for loaded in loaded_flows:
        if loaded.local:
            output.warn(f"{loaded.flow.platform}: your local flow {loaded.path} replaces the bundled one.")


def sign_in_method(flow) -> str:
    if flow.login is None:
        return "none needed"
    return "password or `optout login`" if flow.login.method == "password" else "`optout login` only"


def flow_summary(loaded) -> dict:
    flow = loaded.flow
    return {
        "platform": flow.platform, "name": flow.name, "sign_in": sign_in_method(flow),
        "local": str(loaded.path) if loaded.local else None, "languages": flow.languages,
        "settings": [{"id": s.id, "title": s.title, "url": s.url, "regions": s.regions,
                      "confidence": s.confidence, "advice": s.advice} for s in flow.settings],
        "sources": [source.url for source in flow.sources],
    }


@credentials_app.command("set")
@handled
def credentials_set(platform: str = typer.Argument(...), username: str = typer.Option(..., "--username"),
                    password_stdin: bool = typer.Option(False, "--password-stdin",
                                                        help="Read the password from the first line of stdin."),
                    totp: bool = typer.Option(False, "--totp", help="Also ask for a TOTP secret (hidden)."),
                    totp_stdin: bool = typer.Option(False, "--totp-stdin",
                                                    help="Also read a TOTP secret from stdin: the line after the "
                                                         "password with --password-stdin, else the first line.")
                    ) -> None:
    """Store a username and password (and optional TOTP secret) in the OS keyring, for the sites
    where the platform's flow signs in: only a flow for those sites is given the login."""
    from optout import credentials
    from optout.errors import UsageError

    flow = platform_flow(platform)
    if totp and totp_stdin:
        raise UsageError("Use --totp or --totp-stdin, not both.")
    password = read_secret(password_stdin, "password", "--password-stdin", not_done="stored")
    asked = totp or totp_stdin
    totp_secret = read_secret(totp_stdin, "TOTP secret", "--totp-stdin", not_done="stored") if asked else None
    domains = flow.password_domains()
    credentials.store(platform, username, password, totp_secret, domains=domains)
    output.say(f"Stored credentials for {platform} ({username}) in the keyring, for {', '.join(domains)}.")


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

    platform_flow(platform)
    removed = [what for what, gone in (("credentials", credentials.remove(platform)),
                                       ("saved session", SessionStore().delete(platform))) if gone]
    output.say(f"Removed {' and '.join(removed)} for {platform}." if removed else f"Nothing stored for {platform}.")


@session_app.command("export")
@handled
def session_export(platform: str = typer.Argument(..., help="The platform whose saved session to export."),
                   passphrase_stdin: bool = typer.Option(False, "--passphrase-stdin",
                                                         help="Read the passphrase from stdin (at least 12 "
                                                              "characters).")) -> None:
    """Print the saved session encrypted with a passphrase, for OPTOUT_<PLATFORM>_SESSION in CI."""
    from optout.sessions import SessionStore

    known_platform(platform)
    passphrase = read_secret(passphrase_stdin, "passphrase", "--passphrase-stdin", not_done="exported",
                             confirm=True)
    sys.stdout.write(SessionStore().export_blob(platform, passphrase) + "\n")


def read_secret(from_stdin: bool, what: str, flag: str, *, not_done: str, confirm: bool = False) -> str:
    """A secret from stdin or a hidden prompt (on stderr), never from the command line where `ps` shows it."""
    from optout.credentials import is_interactive
    from optout.errors import UsageError

    if from_stdin:  # one line: the next secret may follow on the next one
        secret = sys.stdin.readline().removesuffix("\n")
    elif is_interactive():
        secret = typer.prompt(what[0].upper() + what[1:], hide_input=True, confirmation_prompt=confirm, err=True)
    else:
        raise UsageError(f"No terminal to ask for the {what}: use {flag}.")
    if not secret:
        raise UsageError(f"The {what} is empty; nothing was {not_done}.")
    return secret


@app.command()
@handled
def scheduled(fix: bool = typer.Option(False, "--fix", help="Turn off what is found on, then verify."),
              jitter: float = typer.Option(0, "--jitter", metavar="SECONDS",
                                           help="First wait a random time of up to SECONDS."),
              home: Optional[Path] = typer.Option(None, "--home", help="Use this OPTOUT_HOME.",
                                                  readable=False),  # checked as OPTOUT_HOME, in one line
              origin_map: Optional[List[str]] = OriginMapOpt, any_address: bool = AnyAddressOpt) -> None:
    """What a schedule runs: every platform with an account, never asking, alerting on drift."""
    from optout.scheduled import run_scheduled

    if home is not None:
        os.environ["OPTOUT_HOME"] = str(home)
    runner = make_runner(origin_map, headed=False, non_interactive=True, any_address=any_address)
    run = run_scheduled(runner, fix=fix, jitter=jitter)
    finish(run.results, as_json=False, not_recorded=run.not_recorded, code=run.code)


@app.command()
@handled
def status(as_json: bool = JsonOpt) -> None:
    """The last known state of every setting, when it was last verified, since when it is opted out."""
    from optout import history

    summary = history.statuses(history.rows())
    if as_json:
        output.emit_json({"settings": [s.to_json() for s in summary]})
    elif not summary:
        output.say("No checks recorded yet: run `optout check`.")
    else:
        shown = history.readable_time
        output.show_rows(["setting", "state", "last verified", "opted out since", "detail"], [
            [s.latest.target, s.latest.state.value, shown(s.verified.checked_at if s.verified else None),
             shown(s.opted_out_since), s.latest.detail] for s in summary])


@app.command("history")
@handled
def history_command(platform: Optional[str] = typer.Argument(None, help="Only this platform."),
                    since: Optional[str] = typer.Option(None, "--since", metavar="DATE",
                                                        help="From this date or time on (local time)."),
                    as_json: bool = JsonOpt) -> None:
    """Every recorded check and apply, oldest first; runs that did not finish are shown too."""
    from optout import history
    from optout.errors import UsageError

    try:
        since_utc = history.parse_since(since) if since else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    found = history.rows(platform=platform, since=since_utc)
    if platform and not found:
        known_platform(platform)
    # A run that ended by an error (a browser that would not start) is recorded without results.
    with_results = {row.run_id for row in (history.rows(since=since_utc) if platform else found)}
    runs = [run for run in history.runs(since=since_utc)
            if not run.finished or run.id not in with_results or any(row.run_id == run.id for row in found)]
    if as_json:
        output.emit_json({"runs": [{**dataclasses.asdict(run), "finished": run.finished,
                                    "results": [r.to_json() for r in found if r.run_id == run.id]} for run in runs]})
        return
    table = []
    for run in runs:
        started = [str(run.id), history.readable_time(run.started_at), run.trigger, run.command]
        if not run.finished:
            table.append(started + ["", "did not finish", "", ""])
        elif run.id not in with_results:
            table.append(started + ["", f"ended without results (exit code {run.exit_code})", "", ""])
        table += [started + [r.target, r.state.value, "yes" if r.changed else "", r.detail]
                  for r in found if r.run_id == run.id]
    if table:
        output.show_rows(["run", "started", "trigger", "command", "setting", "state", "changed", "detail"], table)
    else:
        output.say("No runs recorded" + (f" since {since}." if since else " yet: run `optout check`."))


@app.command()
@handled
def report(html: Path = typer.Option(..., "--html", metavar="PATH",
                                     help="Write one self-contained HTML page (screenshots embedded) to PATH.")) -> None:
    """Each setting with its timeline and the screenshots that prove it: to keep, or attach to a complaint."""
    from optout import history, htmlreport
    from optout.errors import UsageError

    found = history.rows()
    try:
        htmlreport.write(html, found)
    except OSError as exc:
        raise UsageError(f"Cannot write {html}: {exc.strerror}.") from None
    output.say(f"Wrote {html}: {len(history.by_target(found))} settings from {len({r.run_id for r in found})} runs.")


@schedule_app.command("install")
@handled
def schedule_install(every: str = typer.Option(..., "--every", metavar="daily|weekly|Nh",
                                               help="daily, weekly (Mondays), or Nh: 1h, 2h, 3h, 4h, 6h, 8h, 12h."),
                     at: str = typer.Option("09:00", "--at", metavar="HH:MM", help="Time of day (local)."),
                     fix: bool = typer.Option(False, "--fix", help="Scheduled runs also turn off what they find on; "
                                                                   "without it they only check and alert."),
                     webhook: Optional[str] = typer.Option(None, "--webhook", metavar="URL",
                                                           help="Also POST alerts as JSON to URL: https://, or "
                                                                "http:// to this machine. A URL here shows in "
                                                                "`ps` and the shell history: see --webhook-stdin."),
                     webhook_stdin: bool = typer.Option(False, "--webhook-stdin",
                                                        help="Read the webhook URL from the first line of stdin, "
                                                             "so its token stays out of `ps` and shell history."),
                     scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="NAME",
                                                             help="systemd, cron, launchd or schtasks "
                                                                  "(default: the one this system has).")) -> None:
    """Install (or replace) the scheduled re-check."""
    from optout import alerts, schedule
    from optout.errors import UsageError
    from optout.results import utc_now

    try:
        plan = schedule.Schedule.parse(every, at, fix)
        chosen = schedule.pick_scheduler(scheduler)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    url = webhook_option(webhook, webhook_stdin)  # checked before anything is installed
    previous = schedule.load_installed()
    if previous and previous.scheduler != chosen:
        schedule.uninstall(previous.scheduler)
    entries = schedule.install(plan, chosen)
    schedule.save_installed(schedule.Installed(plan, chosen, entries, utc_now()))
    if url:
        alerts.save_webhook(url)
    output.say(f"Scheduled with {chosen}: {plan.describe()}.")
    for entry in entries:
        output.say(f"  {entry}")
    warn_if_nothing_to_check()


def webhook_option(webhook: str | None, from_stdin: bool) -> str | None:
    """The webhook URL of --webhook or --webhook-stdin, checked; it is never echoed, only its host."""
    from optout import alerts
    from optout.errors import UsageError

    if webhook and from_stdin:
        raise UsageError("Use --webhook or --webhook-stdin, not both.")
    if from_stdin:
        url = read_secret(True, "webhook URL", "--webhook-stdin", not_done="installed").strip()
        return alerts.check_webhook_url(url, "The URL read by --webhook-stdin")
    return alerts.check_webhook_url(webhook, "--webhook") if webhook else None


def warn_if_nothing_to_check() -> None:
    from optout.errors import UsageError
    from optout.runner import Runner

    try:
        Runner([]).load([])
    except UsageError:
        output.warn("No platform has credentials or a saved session yet, so scheduled runs have nothing to check "
                    "until you run `optout login PLATFORM` or `optout credentials set PLATFORM`.")


@schedule_app.command("status")
@handled
def schedule_status(as_json: bool = JsonOpt) -> None:
    """What is scheduled, how alerts go out, and how the last scheduled run ended."""
    from optout import alerts, history, schedule

    installed = schedule.load_installed()
    last = next((run for run in reversed(history.runs()) if run.trigger == "schedule"), None)
    url = alerts.usable_webhook(output.warn)
    document = {
        "installed": installed is not None,
        "schedule": installed.schedule.describe() if installed else None,
        "scheduler": installed.scheduler if installed else None,
        "entries": installed.entries if installed else [],
        "webhook": alerts.describe_url(url) if url else None,
        "last_run": dataclasses.asdict(last) if last else None,
        "scheduler_says": schedule.scheduler_says(installed.scheduler) if installed else None,
    }
    if as_json:
        output.emit_json(document)
        return
    if installed is None:
        output.say("No schedule installed: `optout schedule install --every daily`.")
    else:
        output.say(f"Scheduled with {installed.scheduler} since {history.readable_time(installed.installed_at)}: "
                   f"{document['schedule']}.")
        output.say(f"Alerts: the log and exit code, desktop notifications, "
                   f"{'webhook ' + document['webhook'] if url else 'no webhook'}.")
    if last:
        ended = f"exit code {last.exit_code}" if last.finished else "did not finish"
        output.say(f"Last scheduled run: {history.readable_time(last.started_at)}, {ended}.")
    if document["scheduler_says"]:
        output.say(document["scheduler_says"])


@schedule_app.command("remove")
@handled
def schedule_remove() -> None:
    """Remove the scheduled re-check (and the webhook saved with it)."""
    from optout import alerts, schedule

    installed = schedule.load_installed()
    if installed is None:
        output.say("No schedule installed.")
        return
    schedule.uninstall(installed.scheduler)
    schedule.forget_installed()
    alerts.save_webhook(None)
    output.say(f"Removed the {installed.scheduler} schedule ({installed.schedule.describe()}).")


def platform_flow(platform: str):
    """The active flow of a platform named exactly, for the `credentials` commands: a setting
    (linkedin/generative-ai) or a path (../x) names no login. Unknown names as known_platform."""
    from optout.errors import UsageError
    from optout.loader import load_flows
    from optout.runner import select

    if "/" in platform:
        raise UsageError(f"{platform!r} is not a platform name (such as linkedin); nothing was changed.")
    return select(load_flows(), [platform], known=set())[0].flow


def known_platform(platform: str) -> None:
    """The same check, and message, as naming the platform to `check`."""
    from optout.loader import load_flows
    from optout.runner import select

    select(load_flows(), [platform.partition("/")[0]], known=set())


def main() -> None:
    app()
