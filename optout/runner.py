"""The library behind the CLI: pick targets, start a browser only when one is needed, run, and
return what the run found (its results and the drifts since the last run)."""

from __future__ import annotations

import asyncio
import difflib
import functools
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Coroutine, Iterable, TypeVar

from optout import history
from optout.accounts import StoredAccount, known_accounts, read_submissions
from optout.drift import Drift, find_drifts, scan_drifts
from optout.driver import Driver, Page
from optout.engine import Engine, EngineResult, Job, RunOptions, ScanReport, scan_pages, sign_in_by_person
from optout.errors import OptoutError, UsageError
from optout.flow import Flow, LoadedFlow, Setting, load_flows
from optout.home import private_dir
from optout.lock import run_lock
from optout.originmap import Mapping
from optout.progress import Progress
from optout.results import Result
from optout.sessions import SessionStore

T = TypeVar("T")


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on a fresh event loop. (The tests' in-process CLI replaces this with the
    loop that holds their one browser for the session: tests/conftest.py.)"""
    return asyncio.run(coroutine)


@dataclass(frozen=True)
class Selection:
    flow: Flow
    settings: list[Setting]
    flow_sha256: str = ""  # recorded with each result: which version of the flow read it
    flow_file: Path | None = None  # named when a stored login is refused to the flow


def select(flows: dict[str, LoadedFlow], targets: list[str], known: set[str]) -> list[Selection]:
    """TARGET is a platform (linkedin) or one setting (linkedin/generative-ai); no targets means
    every platform with credentials or a saved session."""
    if not targets:
        targets = with_accounts(flows, known)
        if not targets:
            raise UsageError("Nothing to do: no platform has credentials or a saved session yet. Name one "
                             "(e.g. `optout check linkedin`) or run `optout login PLATFORM` first.")
    chosen: dict[str, list[Setting]] = {}
    for target in targets:
        platform, _, setting_id = target.lower().partition("/")  # names are lower case; people type LinkedIn
        if platform not in flows:
            raise UsageError(f"Unknown platform {platform!r}. " + (did_you_mean(platform, flows)
                                                                   or f"Known: {', '.join(sorted(flows))}."))
        flow = flows[platform].flow
        if setting_id and flow.setting(setting_id) is None:
            ids = [s.id for s in flow.settings]
            suggestion = did_you_mean(setting_id, ids, prefix=f"{platform}/")
            raise UsageError(f"Unknown setting {target!r}. " + (suggestion or f"{flow.name} has: {', '.join(ids)}."))
        picked = [s for s in flow.settings if s.id == setting_id] if setting_id else flow.settings
        settings = chosen.setdefault(platform, [])
        settings += [s for s in picked if s not in settings]
    return [Selection(flows[p].flow, settings, flows[p].sha256, flows[p].path) for p, settings in chosen.items()]


def did_you_mean(typed: str, names: Iterable[str], prefix: str = "") -> str | None:
    """"Did you mean linkedin?" for the one name close to a typo, as command typos get."""
    close = difflib.get_close_matches(typed, list(names), n=1, cutoff=0.75)
    return f"Did you mean {prefix}{close[0]}?" if close else None


def with_accounts(flows: dict[str, LoadedFlow], known: set[str]) -> list[str]:
    return sorted(p for p in flows if p in known)


def platforms_with_accounts(flows_dir: Path | None = None) -> list[str]:
    """The platforms a run without targets would check: those with credentials or a saved session."""
    flows = load_flows(flows_dir)
    return with_accounts(flows, known_accounts(SessionStore(), flows))


def platform_flow(platform: str) -> Flow:
    """The active flow of a platform named exactly, for the `credentials` commands: a setting
    (linkedin/generative-ai) or a path (../x) names no login. Unknown names as known_platform."""
    if "/" in platform:
        raise UsageError(f"{platform!r} is not a platform name (such as linkedin); nothing was changed.")
    return named_flow(platform)


def known_platform(platform: str) -> str:
    """The platform's name as flows spell it; UsageError unless the platform (of a platform/setting
    name) has a flow: the same check, and message, as naming the platform to `check`."""
    return named_flow(platform.partition("/")[0]).platform


def named_flow(platform: str) -> Flow:
    """The active flow of one platform, as `check PLATFORM` finds it (any case; a typo gets a
    suggestion), reading only its file where that is named after it."""
    return select(load_flows(platforms={platform}), [platform], known=set())[0].flow


@dataclass(frozen=True)
class RunOutcome:
    """What one run found."""

    results: list[Result]
    drifts: list[Drift] = field(default_factory=list)  # since the run before (found only in a recorded run)
    run_id: int | None = None  # in the history; None when it could not even be opened there
    not_recorded: history.HistoryError | None = None  # why the results are not in the history (None: they are)
    scan: ScanReport | None = None  # what --scan found (None: no scan asked for)


@dataclass
class Runner:
    """One run's choices: where the browser goes, how it shows, who may be asked, who hears of drift."""

    origin_map: list[Mapping]
    headless: bool = True
    may_prompt: bool = True
    progress: Progress = lambda _: None
    warn: Progress = lambda _: None
    diagnostics_dir: Path | None = None  # when set, undetermined settings leave a bundle here
    trigger: str = "manual"  # recorded in the history: manual, schedule or ci
    alert: Callable[[int, list[Drift]], None] = lambda run_id, drifts: None  # sends each recorded run's drifts
    browser_choice: str | None = None  # --browser: chrome, msedge, chromium or an executable

    def load(self, targets: list[str], flows_dir: Path | None = None) -> list[Selection]:
        flows = load_flows(flows_dir, platforms={target.partition("/")[0] for target in targets} or None)
        selections = select(flows, targets, known_accounts(SessionStore(), flows) if not targets else set())
        for selection in selections:
            loaded = flows[selection.flow.platform]
            if loaded.local:
                self.warn(f"{selection.flow.platform}: using your local flow {loaded.path}.")
        return selections

    def run(self, selections: list[Selection], *, apply: bool, dry_run: bool = False, scan: bool = False) -> RunOutcome:
        """One run at a time (a lock), recorded in the history, then checked for drift; with scan,
        each platform's pages are also scanned for AI controls no flow covers.

        The history is a record, not a condition: when it cannot be written the results still
        stand, and the outcome's `not_recorded` says why they were not kept (the CLI says so after
        them). A run that raises (a browser that will not start, a watchdog, Ctrl-C) is still
        closed in the history with the exit code it ends with, and the lock is released either way."""
        problems: list[history.HistoryError] = []
        recorded = functools.partial(keep_first_problem, problems)
        with run_lock():
            options = RunOptions(apply=apply, dry_run=dry_run, evidence_dir=evidence_dir(),
                                 diagnostics_dir=self.diagnostics_dir)
            jobs = [Job(s.flow, s.settings, self.account(s.flow, s.flow_file),
                        scan=scan_pages(s.flow, s.settings) if scan else None) for s in selections]
            settings = [setting for job in jobs for setting in job.settings]
            needs_browser = any(setting.control for setting in settings) or any(job.scan for job in jobs)
            if any(setting.request or setting.control and setting.control.kind == "form" for setting in settings):
                read_submissions()  # a damaged record stops the run here, before any form could be sent twice
            command = "dry-run" if dry_run else "apply" if apply else "check"
            through = ", ".join(str(mapping) for mapping in self.origin_map) or None
            run_id = recorded(history.start_run, self.trigger, command, through)
            try:
                ran = run_coroutine(self._run(jobs, options, needs_browser))
            except BaseException as exc:
                if run_id is not None:
                    recorded(history.finish_run, run_id, [], {}, exit_code_of(exc))
                raise
            scanned = ran.scan if scan else None
            if run_id is not None:
                recorded(history.finish_run, run_id, ran.results, flow_versions(selections), None, scanned)
        drifts = None
        if not problems and run_id is not None:  # drift is found in the history, so only in a recorded run
            replies = [f"{s.flow.platform}/{setting.id}" for s in selections for setting in s.settings
                       if setting.request]
            drifts = recorded(lambda: find_drifts(history.rows(run_id=run_id), history.rows(before_run=run_id),
                                                  awaiting_reply=replies)
                              + scan_drifts(history.findings(run_id=run_id), history.findings(before_run=run_id)))
            if drifts is not None:
                self.alert(run_id, drifts)
        return RunOutcome(ran.results, drifts or [], run_id, problems[0] if problems else None, scanned)

    def scan(self, selections: list[Selection]) -> ScanReport:
        """Only scan each platform's pages (signing in as check does); nothing is read, changed or
        recorded: `check --scan` is the one that keeps findings and alerts on new ones."""
        with run_lock():
            options = RunOptions(evidence_dir=evidence_dir())
            jobs = [Job(s.flow, [], self.account(s.flow, s.flow_file), scan=scan_pages(s.flow, s.settings))
                    for s in selections]
            return run_coroutine(self._run(jobs, options, any(job.scan for job in jobs))).scan

    async def _run(self, jobs: list[Job], options: RunOptions, needs_browser: bool) -> EngineResult:
        if not needs_browser:  # advice-only platforms: no browser is started at all
            return await Engine(None, options, self.progress).run_and_scan(jobs)  # type: ignore[arg-type]
        browser = BrowserStarting(self.browser())
        try:
            return await Engine(browser, options, self.progress).run_and_scan(jobs)
        finally:
            await browser.close()

    def login(self, flow: Flow, timeout: float) -> bool:
        """A visible browser in which the person signs in; the session is saved when they are."""

        async def go() -> bool:
            async with self.browser(person_signs_in=True) as driver:
                return await sign_in_by_person(driver, flow, self.account(flow), self.progress, timeout)

        return run_coroutine(go())

    def take_session(self, flow: Flow, cdp_url: str) -> list[str]:
        """Save as the platform's session the cookies of its domains from the browser the person
        runs at cdp_url; returns the domains those cookies are for."""
        from optout import browser

        state = asyncio.run(browser.session_over_cdp(cdp_url, flow.domains + flow.sign_in_domains()))
        if not state["cookies"]:
            raise OptoutError(f"The browser at {cdp_url} has no cookies of {', '.join(flow.domains)}: sign in to "
                              f"{flow.name} there first; nothing was saved.")
        self.account(flow).save_session(state)
        return sorted({cookie["domain"].lstrip(".") for cookie in state["cookies"]})

    def account(self, flow: Flow, flow_file: Path | None = None) -> StoredAccount:
        return StoredAccount(flow.platform, SessionStore(), self.warn, may_prompt=self.may_prompt,
                             flow=flow, flow_file=flow_file)

    def browser(self, person_signs_in: bool = False) -> AbstractAsyncContextManager[Driver]:
        from optout import browser  # Playwright loads only when a browser is really needed

        return browser.launch(browser.LaunchOptions(headless=self.headless, origin_map=self.origin_map,
                                                    trace=self.diagnostics_dir is not None,
                                                    person_signs_in=person_signs_in, browser=self.browser_choice))


class BrowserStarting:
    """The run's browser while it is still starting. Launching is the slowest step before any
    page, so it runs while the engine loads each platform's session from the keyring; the first
    page waits for it. Closed (after its launch, which may have failed) on the way out."""

    def __init__(self, browser: AbstractAsyncContextManager[Driver]):
        self.stack = AsyncExitStack()
        self.started = asyncio.ensure_future(self.stack.enter_async_context(browser))

    async def open_page(self, platform: str, domains: list[str], session: dict | None) -> Page:
        driver = await asyncio.shield(self.started)  # a platform's watchdog must not cancel the launch
        return await driver.open_page(platform, domains, session)

    async def close_page(self, page: Page) -> None:
        await (await asyncio.shield(self.started)).close_page(page)

    async def close(self) -> None:
        try:
            await self.started
        finally:
            await self.stack.aclose()


def keep_first_problem(problems: list[history.HistoryError], write: Callable[..., T], *args) -> T | None:
    """write(*args) on the history; None, and the problem kept, when it cannot be done."""
    try:
        return write(*args)
    except history.HistoryError as exc:
        problems.append(exc)
        return None


def exit_code_of(exc: BaseException) -> int:
    """The exit code a run that raised exc ends the process with."""
    if isinstance(exc, KeyboardInterrupt):
        return 130  # as a shell reports a process ended by SIGINT
    return int(exc.exit_code) if isinstance(exc, OptoutError) else 1  # 1: as Python's for an uncaught exception


def flow_versions(selections: list[Selection]) -> dict[str, history.FlowVersion]:
    return {s.flow.platform: history.FlowVersion(s.flow.schema_version, s.flow_sha256) for s in selections}


def evidence_dir() -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return private_dir("evidence", stamp)
