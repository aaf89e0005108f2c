"""Run flows: open each setting's page, find the control, read it, and (for apply) turn it off
and prove it stayed off. Talks to the browser only through the driver protocol.

The package, top down (at run time each module imports only those below it):
  __init__  Engine: which settings need a page, platforms run concurrently, the watchdogs
  run       PlatformRun: one platform's settings on one page (open, find, read, change, verify)
  controls  one reader and changer per control kind; missing: what to say when one is not there
  requests  opt-outs that are an e-mail the person sends: written once, confirmed by the person
  signin    signing in with the account's login (once per run, one-time codes), or by the person
  scan      discovery: controls worded about AI that no setting of the flow covers (reads only)
  wait      poll_until(), the one deadline loop
  account   the Account protocol the engine gets logins and sessions from, and Outcome
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from optout.driver import Driver, Page
from optout.engine.account import Account, AccountUnusable, Outcome, SignInSecrets
from optout.engine.requests import Email, compose, request_result
from optout.engine.run import PlatformRun, file_name
from optout.engine.scan import ScanReport, Unread, scan_pages, scan_platform
from optout.engine.signin import SignInRefused, on_sign_in_page, path_matches, refused_message, sign_in_by_person
from optout.engine.wait import poll_until
from optout.flow import Flow, Setting
from optout.flow.controls import Form
from optout.progress import Progress
from optout.results import Result, State

__all__ = ["Account", "AccountUnusable", "Email", "Engine", "EngineResult", "Job", "Outcome", "PlatformRun", "Progress",
           "RunOptions", "ScanReport", "SignInRefused", "SignInSecrets", "Unread", "compose", "file_name",
           "on_sign_in_page", "path_matches", "poll_until", "refused_message", "scan_pages", "sign_in_by_person"]

CLOSE_PAGE_SECONDS = 10


@dataclass
class RunOptions:
    apply: bool = False
    dry_run: bool = False
    evidence_dir: Path | None = None
    diagnostics_dir: Path | None = None  # a bundle per undetermined setting, to fix the flow from
    concurrency: int = 5  # platforms at once: 33 fit in 1 GiB this way (scripts/benchmark.py)
    retry_delays: tuple[float, ...] = (1.0, 4.0)  # backoff before each retry of a failed page load
    # Watchdogs: a page, a pattern or a browser that stops answering ends with `error`, never a hang.
    setting_seconds: float = 300.0  # one setting (or one per-item setting), sign-in included
    run_seconds: float = 1800.0  # the whole run


@dataclass
class Job:
    """The settings of one platform to run, with what the engine needs for that platform."""

    flow: Flow
    settings: list[Setting]
    account: Account
    scan: list[str] | None = None  # pages to scan for unknown AI controls after the settings; None: no scan


@dataclass
class EngineResult:
    results: list[Result]
    scan: ScanReport = field(default_factory=ScanReport)


class Engine:
    def __init__(self, driver: Driver, options: RunOptions, progress: Progress = lambda _: None):
        self.driver = driver
        self.options = options
        self.progress = progress

    async def run(self, jobs: list[Job]) -> list[Result]:
        return (await self.run_and_scan(jobs)).results

    async def run_and_scan(self, jobs: list[Job]) -> EngineResult:
        """Platforms run concurrently (bounded); a platform's settings run one after another, then
        its scan. A platform still running when the run's watchdog fires ends with `error`."""
        limit = asyncio.Semaphore(self.options.concurrency)

        async def bounded(job: Job) -> EngineResult:
            async with limit:
                return await self.run_platform(job)

        tasks = [asyncio.create_task(bounded(job)) for job in jobs]
        await asyncio.wait(tasks, timeout=self.options.run_seconds)
        outcome = EngineResult([])
        for job, task in zip(jobs, tasks, strict=True):
            if task.done():
                outcome.results += task.result().results
                outcome.scan.add(task.result().scan)
                continue
            task.cancel()
            detail = (f"The run's watchdog stopped {job.flow.name} after {self.options.run_seconds:g}s: "
                      "its pages stopped answering. Try again later.")
            outcome.results += [Result(job.flow.platform, s.id, s.title, State.ERROR, detail) for s in job.settings]
            outcome.scan.unread += [Unread(job.flow.platform, url, detail) for url in job.scan or []]
        await asyncio.gather(*tasks, return_exceptions=True)  # let the cancelled ones close their pages
        return outcome

    async def run_platform(self, job: Job) -> EngineResult:
        known = {s.id: known_without_browser(job, s, self.options) for s in job.settings}
        runnable = [s for s in job.settings if known[s.id] is None]
        results = {s.id: [result] for s in job.settings if (result := known[s.id]) is not None}
        scan = ScanReport()
        if runnable or job.scan:  # otherwise there is nothing to look at, and no browser starts
            read, scan = await self.run_on_page(job, runnable)
            results.update(read)
        return EngineResult([result for setting in job.settings for result in results[setting.id]], scan)

    async def run_on_page(self, job: Job, settings: list[Setting]) -> tuple[dict[str, list[Result]], ScanReport]:
        flow = job.flow
        try:
            session = await asyncio.to_thread(job.account.load_session)  # the keyring: not on the loop
        except AccountUnusable as problem:
            refused = {s.id: [Result(flow.platform, s.id, s.title, State.LOGIN_REQUIRED, str(problem))]
                       for s in settings}
            return refused, ScanReport([], [Unread(flow.platform, url, str(problem)) for url in job.scan or []])
        page = await self.driver.open_page(flow.platform, flow.domains + flow.sign_in_domains(), session)
        try:
            await page.watch_for(flow.interruptions)
            run = PlatformRun(self, job, page)
            results = {setting.id: await run.run_setting_watched(setting) for setting in settings}
            return results, await scan_platform(run, job.scan) if job.scan else ScanReport()
        finally:
            await self.close_quietly(page)

    async def close_quietly(self, page: Page) -> None:
        """Close a page even when its browser stopped answering: the run must end either way."""
        try:
            await asyncio.wait_for(self.driver.close_page(page), CLOSE_PAGE_SECONDS)
        except Exception as exc:  # a page that cannot close costs nothing more than a message
            self.progress(f"could not close a page: {type(exc).__name__}")


def known_without_browser(job: Job, setting: Setting, options: RunOptions) -> Result | None:
    """Settings whose state needs no page: a platform without an opt-out (advice), a request the
    person sends (an e-mail), and a form already sent (forms cannot be read back, and one is
    never sent twice)."""
    flow = job.flow
    if setting.request is not None:
        return request_result(job, setting, options)
    if setting.control is None:
        return Result(flow.platform, setting.id, setting.title, State.NOT_OFFERED, setting.advice or "")
    record = job.account.submission(setting.id) if isinstance(setting.control, Form) else None
    if record is None:
        return None
    if record.get("confirmed"):
        return Result(flow.platform, setting.id, setting.title, State.OPTED_OUT,
                      f"Submitted on {record['at']}; {flow.name} confirmed it.")
    return Result(flow.platform, setting.id, setting.title, State.NEEDS_HUMAN,
                  f"The form was sent on {record['at']} but no confirmation appeared. Check your email "
                  f"from {flow.name}; optout will not send it again.")
