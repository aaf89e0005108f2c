"""schedule install/status/remove, and `scheduled`: what the OS scheduler runs."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import List, Optional

import typer

from optout.cli import output
from optout.cli.accounts import read_secret
from optout.cli.options import AnyAddressOpt, JsonOpt, OriginMapOpt, ScanOpt, typer_app
from optout.cli.run import finish, make_runner
from optout.errors import UsageError

schedule_app = typer_app("Re-check on a schedule, with the OS's own scheduler.")


@schedule_app.command("install")
def schedule_install(every: str = typer.Option(..., "--every", metavar="daily|weekly|Nh",
                                               help="daily, weekly (Mondays), or Nh: 1h, 2h, 3h, 4h, 6h, 8h, 12h."),
                     at: str = typer.Option("09:00", "--at", metavar="HH:MM", help="Time of day (local)."),
                     fix: bool = typer.Option(False, "--fix", help="Scheduled runs also turn off what they find on; "
                                                                   "without it they only check and alert."),
                     scan: bool = typer.Option(False, "--scan", help="Scheduled runs also scan for AI settings no "
                                                                     "flow covers yet, and alert on new ones."),
                     webhook: Optional[str] = typer.Option(None, "--webhook", metavar="URL",
                                                           help="Also POST alerts as JSON to URL: https://, or "
                                                                "http:// to this machine. A URL here shows in "
                                                                "ps and the shell history: see --webhook-stdin."),
                     webhook_stdin: bool = typer.Option(False, "--webhook-stdin",
                                                        help="Read the webhook URL from the first line of stdin, "
                                                             "so its token stays out of ps and shell history."),
                     scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="NAME",
                                                             help="systemd, cron, launchd or schtasks "
                                                                  "(default: the one this system has).")) -> None:
    """Install (or replace) the scheduled re-check."""
    from optout import schedule

    try:
        plan = schedule.Schedule.parse(every, at, fix, scan)
        chosen = schedule.pick_scheduler(scheduler)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    url = webhook_option(webhook, webhook_stdin)  # checked before anything is installed
    installed = schedule.replace(plan, chosen, webhook=url)
    output.say(f"Scheduled with {chosen}: {plan.describe()}.")
    for entry in installed.entries:
        output.say(output.Verbatim(f"  {entry}"))
    warn_if_it_will_not_run(chosen)
    warn_if_nothing_to_check()


def warn_if_it_will_not_run(scheduler: str) -> None:
    """Installed is not running: say what on this machine keeps the schedule, or its alerts, from working."""
    from optout import alerts, schedule

    for caveat in schedule.scheduler_caveats(scheduler):
        output.warn(f"{scheduler}: {caveat}")
    problem = alerts.desktop_problem()
    if problem:
        output.warn(f"Desktop notifications are unavailable: {problem} Scheduled runs alert only in the log, "
                    "by their exit code, and to a webhook when one is set.")


def webhook_option(webhook: str | None, from_stdin: bool) -> str | None:
    """The webhook URL of --webhook or --webhook-stdin, checked; it is never echoed, only its host."""
    from optout import alerts

    if webhook and from_stdin:
        raise UsageError("Use --webhook or --webhook-stdin, not both.")
    if from_stdin:
        url = read_secret(True, "webhook URL", "--webhook-stdin", not_done="installed").strip()
        return alerts.check_webhook_url(url, "The URL read by --webhook-stdin")
    return alerts.check_webhook_url(webhook, "--webhook") if webhook else None


def warn_if_nothing_to_check() -> None:
    from optout.runner import platforms_with_accounts

    if not platforms_with_accounts():
        output.warn("No platform has credentials or a saved session yet, so scheduled runs have nothing to check "
                    "until you run `optout login PLATFORM` or `optout credentials set PLATFORM`.")


@schedule_app.command("status")
def schedule_status(as_json: bool = JsonOpt) -> None:
    """What is scheduled, how alerts go out, and how the last scheduled run ended."""
    from optout import alerts, history, schedule

    installed = schedule.load_installed()
    last = next((run for run in reversed(history.runs()) if run.trigger == "schedule"), None)
    url = alerts.usable_webhook(output.warn)
    document: dict = {
        "installed": installed is not None,
        "schedule": installed.schedule.describe() if installed else None,
        "scheduler": installed.scheduler if installed else None,
        "entries": installed.entries if installed else [],
        "webhook": alerts.describe_url(url) if url else None,
        "last_run": dataclasses.asdict(last) if last else None,
        "scheduler_says": schedule.scheduler_says(installed.scheduler) if installed else None,
    }
    if installed is None:
        lines = ["No schedule installed: `optout schedule install --every daily`."]
    else:
        lines = [f"Scheduled with {installed.scheduler} since {history.readable_time(installed.installed_at)}: "
                 f"{document['schedule']}.",
                 f"Alerts: the log and exit code, desktop notifications, "
                 f"{'webhook ' + document['webhook'] if url else 'no webhook'}."]
    if last:
        ended = f"exit code {last.exit_code}" if last.finished else "did not finish"
        lines.append(f"Last scheduled run: {history.readable_time(last.started_at)}, {ended}.")
    if installed and document["scheduler_says"]:
        lines.append(output.Verbatim(document["scheduler_says"]))
    output.show(as_json, document, lines=lines)


@schedule_app.command("remove")
def schedule_remove() -> None:
    """Remove the scheduled re-check (and the webhook saved with it), and anything an earlier one left."""
    from optout import schedule

    removed = schedule.remove()
    installed = removed.installed
    if installed is not None:
        output.say(f"Removed the {installed.scheduler} schedule ({installed.schedule.describe()}).")
    elif not removed.leftovers:
        output.say("No schedule installed.")
    if removed.leftovers:
        output.say("Removed what an earlier schedule left behind:")
        for entry in removed.leftovers:
            output.say(output.Verbatim(f"  {entry}"))


def scheduled(fix: bool = typer.Option(False, "--fix", help="Turn off what is found on, then verify."),
              jitter: float = typer.Option(0, "--jitter", metavar="SECONDS",
                                           help="First wait a random time of up to SECONDS."),
              home: Optional[Path] = typer.Option(None, "--home", metavar="DIR", help="Use this OPTOUT_HOME.",
                                                  readable=False),  # checked as OPTOUT_HOME, in one line
              origin_map: Optional[List[str]] = OriginMapOpt, any_address: bool = AnyAddressOpt,
              scan: bool = ScanOpt) -> None:
    """What a schedule runs: every platform with an account, never asking, alerting on drift."""
    from optout.scheduled import run_scheduled

    if home is not None:
        os.environ["OPTOUT_HOME"] = str(home)
    runner = make_runner(origin_map, headed=False, non_interactive=True, any_address=any_address)
    run = run_scheduled(runner, fix=fix, jitter=jitter, scan=scan)
    finish(run.results, as_json=False, not_recorded=run.not_recorded, code=run.code, scan=run.scan)
