"""The library behind the CLI: pick targets, start a browser only when one is needed, run."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from optout import history
from optout.accounts import StoredAccount, known_accounts
from optout.drift import Drift, find_drifts
from optout.engine import Engine, Job, RunOptions, sign_in_by_person
from optout.errors import UsageError
from optout.home import private_dir
from optout.loader import LoadedFlow, load_flows
from optout.lock import run_lock
from optout.originmap import Mapping
from optout.results import Result
from optout.schema import Flow, Setting
from optout.sessions import SessionStore

Report = Callable[[str], None]


@dataclass(frozen=True)
class Selection:
    flow: Flow
    settings: list[Setting]
    flow_sha256: str = ""  # recorded with each result: which version of the flow read it


def select(flows: dict[str, LoadedFlow], targets: list[str], known: set[str]) -> list[Selection]:
    """TARGET is a platform (linkedin) or one setting (linkedin/generative-ai); no targets means
    every platform with credentials or a saved session."""
    if not targets:
        targets = sorted(p for p in flows if p in known)
        if not targets:
            raise UsageError("Nothing to do: no platform has credentials or a saved session yet. Name one "
                             "(e.g. `optout check linkedin`) or run `optout login PLATFORM` first.")
    chosen: dict[str, list[Setting]] = {}
    for target in targets:
        platform, _, setting_id = target.partition("/")
        if platform not in flows:
            raise UsageError(f"Unknown platform {platform!r}. Known: {', '.join(sorted(flows))}.")
        flow = flows[platform].flow
        if setting_id and flow.setting(setting_id) is None:
            known_ids = ", ".join(s.id for s in flow.settings)
            raise UsageError(f"Unknown setting {target!r}. {flow.name} has: {known_ids}.")
        picked = [flow.setting(setting_id)] if setting_id else flow.settings
        settings = chosen.setdefault(platform, [])
        settings += [s for s in picked if s not in settings]
    return [Selection(flows[p].flow, settings, flows[p].sha256) for p, settings in chosen.items()]


@dataclass
class Runner:
    """One run's choices: where the browser goes, how it shows, who may be asked."""

    origin_map: list[Mapping]
    headless: bool = True
    may_prompt: bool = True
    progress: Report = lambda _: None
    warn: Report = lambda _: None
    diagnostics_dir: Path | None = None  # when set, undetermined settings leave a bundle here
    trigger: str = "manual"  # recorded in the history: manual, schedule or ci
    alert: Callable[[int, list[Drift]], None] = lambda run_id, drifts: None  # told the drift each run found

    def load(self, targets: list[str], flows_dir: Path | None = None) -> list[Selection]:
        flows = load_flows(flows_dir)
        return select(flows, targets, known_accounts(SessionStore(), flows))

    def run(self, selections: list[Selection], *, apply: bool, dry_run: bool = False) -> list[Result]:
        """One run at a time (a lock), recorded in the history, then checked for drift."""
        with run_lock():
            options = RunOptions(apply=apply, dry_run=dry_run, evidence_dir=evidence_dir(),
                                 diagnostics_dir=self.diagnostics_dir)
            jobs = [Job(s.flow, s.settings, self.account(s.flow.platform)) for s in selections]
            needs_browser = any(setting.control for job in jobs for setting in job.settings)
            run_id = history.start_run(self.trigger, "dry-run" if dry_run else "apply" if apply else "check")
            results = asyncio.run(self._run(jobs, options, needs_browser))
            history.finish_run(run_id, results, flow_versions(selections))
        self.alert(run_id, find_drifts(history.rows(run_id=run_id), history.rows(before_run=run_id)))
        return results

    async def _run(self, jobs: list[Job], options: RunOptions, needs_browser: bool) -> list[Result]:
        if not needs_browser:  # advice-only platforms: no browser is started at all
            return await Engine(None, options, self.progress).run(jobs)  # type: ignore[arg-type]
        async with self.browser() as driver:
            return await Engine(driver, options, self.progress).run(jobs)

    def login(self, flow: Flow, timeout: float) -> bool:
        """A visible browser in which the person signs in; the session is saved when they are."""

        async def go() -> bool:
            async with self.browser() as driver:
                return await sign_in_by_person(driver, flow, self.account(flow.platform), self.progress, timeout)

        return asyncio.run(go())

    def account(self, platform: str) -> StoredAccount:
        return StoredAccount(platform, SessionStore(), self.warn, may_prompt=self.may_prompt)

    def browser(self):
        from optout import browser  # Playwright loads only when a browser is really needed

        return browser.launch(browser.LaunchOptions(headless=self.headless, origin_map=self.origin_map,
                                                    trace=self.diagnostics_dir is not None))


def flow_versions(selections: list[Selection]) -> dict[str, history.FlowVersion]:
    return {s.flow.platform: history.FlowVersion(s.flow.schema_version, s.flow_sha256) for s in selections}


def evidence_dir() -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return private_dir("evidence", stamp)
