"""check, apply, scan, login and demo: the commands that run flows in a browser."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import List, Optional, Sequence

import typer

from optout.cli import output
from optout.cli.options import (
    AnyAddressOpt,
    BrowserOpt,
    DiagnosticsOpt,
    HeadedOpt,
    JsonOpt,
    NonInteractiveOpt,
    OriginMapOpt,
    ReportOpt,
    ScanOpt,
    TargetsArg,
)
from optout.cli.requests import hand_over
from optout.errors import OptoutError, UsageError


def check(targets: Optional[List[str]] = TargetsArg, origin_map: Optional[List[str]] = OriginMapOpt,
          headed: bool = HeadedOpt, as_json: bool = JsonOpt, non_interactive: bool = NonInteractiveOpt,
          report: Optional[List[str]] = ReportOpt, diagnostics: Optional[Path] = DiagnosticsOpt,
          any_address: bool = AnyAddressOpt, scan: bool = ScanOpt) -> None:
    """Read each setting without changing anything."""
    specs = report_specs(report)
    runner = make_runner(origin_map, headed, non_interactive, diagnostics, any_address)
    outcome = runner.run(runner.load(targets or []), apply=False, scan=scan)
    finish(outcome.results, as_json, reports=specs, command="optout check", not_recorded=outcome.not_recorded,
           scan=outcome.scan)


def apply(targets: Optional[List[str]] = TargetsArg, dry_run: bool = typer.Option(False, "--dry-run",
          help="Read and say what would change, without changing it."),
          origin_map: Optional[List[str]] = OriginMapOpt, headed: bool = HeadedOpt, as_json: bool = JsonOpt,
          non_interactive: bool = NonInteractiveOpt, report: Optional[List[str]] = ReportOpt,
          diagnostics: Optional[Path] = DiagnosticsOpt, any_address: bool = AnyAddressOpt,
          scan: bool = ScanOpt) -> None:
    """Turn off every setting that is opted in, then reload and verify it stayed off."""
    specs = report_specs(report)
    runner = make_runner(origin_map, headed, non_interactive, diagnostics, any_address)
    selections = runner.load(targets or [])
    outcome = runner.run(selections, apply=True, dry_run=dry_run, scan=scan)
    hand_over(outcome.results, selections, as_json)
    finish(outcome.results, as_json, reports=specs, command="optout apply", not_recorded=outcome.not_recorded,
           scan=outcome.scan)


def scan(targets: Optional[List[str]] = TargetsArg, origin_map: Optional[List[str]] = OriginMapOpt,
         headed: bool = HeadedOpt, as_json: bool = JsonOpt, non_interactive: bool = NonInteractiveOpt,
         any_address: bool = AnyAddressOpt) -> None:
    """Look for AI-training controls no flow covers yet, on the pages the flows visit (and their
    scan: pages). Changes nothing. Exit 0: none found; 1: some need a look; 3: a page could not be read."""
    runner = make_runner(origin_map, headed, non_interactive, any_address=any_address)
    found = runner.scan(runner.load(targets or []))
    if as_json:
        output.show(True, scan_document(found))
    else:
        show_scan(found)
    raise typer.Exit(int(found.exit_code()))


def scan_document(found) -> dict:
    """`scan --json` (json_text adds its version); `check --scan --json` adds these keys to its own."""
    return {"findings": [finding.to_json() for finding in found.findings],
            "unread": [{"platform": u.platform, "url": u.url, "detail": u.detail} for u in found.unread]}


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def show_scan(found) -> None:
    """The findings as a table, each one's flow snippet, where the screenshots are; unread pages on stderr."""
    rows = [[f.platform, f'{f.role} "{f.name}"', f.state or "", f.url, shorten(f.context, 100)] for f in found.findings]
    snippets = [f"Flow snippet for {f.describe()}:\n{f.snippet()}" for f in found.findings]
    folders = sorted({str(Path(f.evidence).parent) for f in found.findings if f.evidence})
    pages = len({u.url for u in found.unread})
    output.show(False, {}, ["platform", "control", "state", "page", "section"], rows,
                empty="No AI controls that no flow covers were found." if not found.unread else
                f"No AI controls that no flow covers were found on the pages read; {pages} could not be read.",
                lines=snippets + [f"Screenshots: {folder}" for folder in folders],
                notes=unread_notes(found.unread), under=("page", "section"))


def unread_notes(unread) -> list[str]:
    """One line per platform and reason: a platform nobody can sign in to fails every page alike."""
    pages: dict[tuple[str, str], list[str]] = {}
    for page in unread:
        pages.setdefault((page.platform, page.detail), []).append(page.url)
    return [f"{platform}: could not read {', '.join(urls)}: {detail}" for (platform, detail), urls in pages.items()]


def login(platform: str = typer.Argument(..., metavar="PLATFORM", help="The platform to sign in to."),
          origin_map: Optional[List[str]] = OriginMapOpt,
          timeout: float = typer.Option(600, metavar="SECONDS", help="Seconds to wait for you to sign in."),
          any_address: bool = AnyAddressOpt, browser: Optional[str] = BrowserOpt,
          cdp: Optional[str] = typer.Option(None, "--cdp", metavar="URL",
                                            help="Instead, take the platform's cookies (and no others) from the "
                                                 "browser you run with --remote-debugging-port, e.g. "
                                                 "http://localhost:9222.")) -> None:
    """Sign in yourself in a browser window (passkeys, codes, CAPTCHAs); the session is saved.
    The window is your installed Google Chrome or Microsoft Edge when there is one, with optout's
    own profile."""
    from optout.credentials import is_interactive

    if cdp:
        runner = make_runner(origin_map, headed=False, non_interactive=True, any_address=any_address)
        flow = runner.load([platform])[0].flow
        taken = runner.take_session(flow, cdp)
        output.say(f"Took the cookies of {', '.join(taken)} from the browser at {cdp}, and no others; "
                   f"the session for {flow.name} is saved (encrypted).")
        return
    if not is_interactive():
        raise UsageError("`optout login` needs a person at a screen; this session is not interactive. "
                         "Sign in on your own machine and use the saved session.")
    runner = make_runner(origin_map, headed=True, non_interactive=False, any_address=any_address, browser=browser)
    flow = runner.load([platform])[0].flow
    if not runner.login(flow, timeout):
        raise OptoutError(f"Not signed in to {flow.name} within {timeout:g}s; nothing was saved.")
    output.say(f"Signed in to {flow.name}; the session is saved (encrypted).")


def demo(as_json: bool = JsonOpt, headed: bool = HeadedOpt) -> None:
    """Run check, apply and check against the bundled LinkedIn replica with a demo account."""
    from optout.demo import run_demo
    from optout.results import exit_code_for

    phases = run_demo(headless=not headed, progress=output.progress, warn=output.warn)
    output.show_results(as_json, {"phases": [{"phase": name, "results": [r.to_json() for r in results]}
                                             for name, results in phases]}, phases)
    raise typer.Exit(int(exit_code_for(phases[-1][1])))


def make_runner(origin_map: list[str] | None, headed: bool, non_interactive: bool, diagnostics: Path | None = None,
                any_address: bool = False, browser: str | None = None):
    """The runner of a command: whether a person may be asked is decided here, once."""
    from optout import alerts
    from optout.credentials import is_interactive
    from optout.originmap import parse_origin_map
    from optout.runner import Runner

    may_prompt = not non_interactive and is_interactive()
    if headed and not may_prompt:  # nobody is there to look at a window
        output.warn("--headed is ignored: this session is not interactive, so the browser stays hidden.")
        headed = False
    mappings = parse_origin_map(origin_map, any_address=any_address)
    if mappings:
        routes = ", ".join(str(m) for m in mappings)
        output.warn(f"ORIGIN MAP ACTIVE: {routes}. Pages come from there, not the real sites, and the "
                    "certificates found there are accepted for those hosts only.")
    warn_if_flows_replaced()
    trigger = "ci" if os.environ.get("CI") else "manual"
    return Runner(mappings, headless=not headed, may_prompt=may_prompt, progress=output.progress,
                  warn=output.warn, diagnostics_dir=diagnostics, trigger=trigger,
                  alert=functools.partial(alerts.send, trigger=trigger, log=output.warn, desktop=False),
                  browser_choice=browser)


def warn_if_flows_replaced() -> None:
    """OPTOUT_FLOWS is for flow authors; whoever set it must not forget it is set."""
    from optout.flow.loader import flows_dir

    if os.environ.get("OPTOUT_FLOWS"):
        output.warn(f"OPTOUT_FLOWS ACTIVE: flows come from {flows_dir()}, not the bundled ones; stored logins "
                    "are only given to flows that would type them on the sites they were stored for.")


def report_specs(reports: list[str] | None) -> list:
    """Parsed before the run, so a mistyped --report fails at once rather than after it."""
    from optout.reports import parse_spec

    return [parse_spec(text) for text in reports or []]


def finish(results, as_json: bool, title: str | None = None, reports: Sequence = (), command: str = "optout",
           not_recorded: Exception | None = None, code: int | None = None, scan=None) -> None:
    """Show the results (and what a --scan found), then (never instead) say they could not be kept
    in the history; the exit code stays the results' own (or `code`)."""
    from optout import reports as report_files
    from optout.results import exit_code_for

    report_files.write(results, list(reports), command)
    document = report_files.results_document(results)
    output.show_results(as_json, {**document, **scan_document(scan)} if scan else document, [(title, results)])
    if scan and not as_json:
        show_scan(scan)
    if not_recorded is not None:
        sys.stdout.flush()  # the results come first, even where stdout and stderr share a pipe
        output.error(f"These results are not in the history: {not_recorded}")
    raise typer.Exit(int(exit_code_for(results) if code is None else code))
