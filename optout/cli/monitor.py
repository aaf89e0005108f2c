"""status, history and report: what the history says, without a browser."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from optout.cli import output
from optout.cli.options import JsonOpt
from optout.errors import UsageError


def status(as_json: bool = JsonOpt) -> None:
    """The last known state of every setting, when it was last verified, since when it is opted out."""
    from optout import history

    summary = history.statuses(history.rows())
    found = history.current_findings()  # what --scan found that no flow covers, until a scan no longer finds it
    shown = history.readable_time
    output.show(as_json, {"settings": [s.to_json() for s in summary],
                          "findings": [{**row.finding.to_json(), "found_at": row.found_at} for row in found]},
                ["setting", "state", "last verified", "detail"],
                [[s.latest.target, s.latest.state.value, shown(s.verified.checked_at if s.verified else None),
                  " ".join(part for part in (f"Opted out since {shown(s.opted_out_since)}." if s.opted_out_since
                                             else "", s.latest.detail) if part)] for s in summary]
                + [[f"{row.finding.platform}: {row.finding.role} \"{row.finding.name}\"", "new_setting",
                    shown(row.found_at), f"An AI setting no flow covers yet, on {row.finding.url}: see "
                    f"`optout scan {row.finding.platform}`."] for row in found],
                empty="No checks recorded yet: run `optout check`.")


def history_command(platform: Optional[str] = typer.Argument(None, metavar="PLATFORM", help="Only this platform."),
                    since: Optional[str] = typer.Option(None, "--since", metavar="DATE",
                                                        help="From this date or time on (local time)."),
                    limit: int = typer.Option(20, "--limit", metavar="N", min=0,
                                              help="Only the last N results (0: all)."),
                    as_json: bool = JsonOpt) -> None:
    """Recorded checks and applies, one line per result, oldest first; runs that did not finish too."""
    from optout import history

    try:
        since_utc = history.parse_since(since) if since else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    platform = platform.lower() if platform else None
    everything = history.run_log(platform=platform, since=since_utc)
    if platform and not any(record.results for record in everything):
        from optout.runner import known_platform  # the runner's imports only for this message

        known_platform(platform)
    records = history.last_lines(everything, limit)
    lines = [line for record in records for line in history_lines(record)]
    total = sum(max(len(record.results), 1) for record in everything)
    output.show(as_json, {"runs": [record.to_json() for record in records]},
                ["when", "run", "setting", "state", "changed"], lines,
                empty="No runs recorded" + (f" since {since}." if since else " yet: run `optout check`."),
                lines=[f"The last {len(lines)} results of {total}; `--limit 0` shows all."][:len(lines) < total])


def history_lines(record) -> list[list[str]]:
    """A line per result: when, which run (and how it was started, unless by hand), what it found;
    one line for a run without results."""
    from optout import history

    run = record.run
    started = [history.readable_time(run.started_at),
               f"#{run.id} " + (f"{run.trigger} " if run.trigger != "manual" else "") + run.command]
    if record.results:
        return [started + [r.target, r.state.value, "yes" if r.changed else ""] for r in record.results]
    if not run.finished:
        return [started + ["", "did not finish", ""]]
    return [started + ["", f"ended without results (exit code {run.exit_code})", ""]]


def report(html: Path = typer.Option(..., "--html", metavar="PATH", help="Write one self-contained HTML page "
                                                                       "(screenshots embedded) to PATH.")) -> None:
    """Each setting with its timeline and the screenshots that prove it: to keep, or attach to a complaint."""
    from optout import history, htmlreport

    found = history.rows()
    try:
        htmlreport.write(html, found, history.current_findings())
    except OSError as exc:
        raise UsageError(f"Cannot write {html}: {exc.strerror}.") from None
    output.say(f"Wrote {html}: {len(history.by_target(found))} settings from {len({r.run_id for r in found})} runs.")
