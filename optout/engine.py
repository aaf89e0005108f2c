"""Run flows: open each setting's page, find the control, read it, and (for apply) turn it off
and prove it stayed off. Talks to the browser only through the driver protocol."""

from __future__ import annotations

import asyncio
import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable, Protocol, TypeVar
from urllib.parse import urlsplit

from optout.credentials import env_var_name
from optout.driver import ActionFailed, Driver, NavigationError, NavigationRefused, Page
from optout.results import Result, State, StepReport, redact_urls, utc_now
from optout.schema import Control, Flow, Locator, Setting, Step, host_allowed, pattern

POLL_SECONDS = 0.25
SIGN_IN_SECONDS = 30
OPTIONAL_STEP_SECONDS = 3  # how long an optional step's element gets to show before it is skipped
CLOSE_PAGE_SECONDS = 10
MAX_CANDIDATES = 5
# Roles worth suggesting when a control of one of these roles is missing (a switch may become a checkbox).
CANDIDATE_ROLES = {"switch": ("switch", "checkbox"), "checkbox": ("checkbox", "switch"),
                   "radio": ("radio", "radiogroup"), "radiogroup": ("radiogroup", "radio"),
                   "combobox": ("combobox", "button"), "button": ("button", "combobox", "link"),
                   "menuitem": ("menuitem", "menuitemradio"), "menuitemradio": ("menuitemradio", "menuitem")}
ANY_CONTROL = ("switch", "checkbox", "radio", "combobox", "button", "link", "textbox")
LANGUAGES = {
    "ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
    "es": "Spanish", "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian",
    "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean", "nb": "Norwegian", "nl": "Dutch",
    "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sv": "Swedish",
    "th": "Thai", "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}
T = TypeVar("T")


class AccountUnusable(Exception):
    """The account's login cannot be used at all (an exported session that cannot be decrypted):
    its settings are login_required with this message, and no password is tried instead."""


class SignInSecrets(Protocol):
    username: str
    password: str
    totp_secret: str | None


class Account(Protocol):
    """Where the engine gets a platform's login and keeps its session (see optout.accounts)."""

    def credentials(self) -> SignInSecrets | None: ...

    def load_session(self) -> dict | None:
        """The session to start from; raises AccountUnusable when the one configured cannot be used."""

    def save_session(self, state: dict) -> None: ...

    def submission(self, setting_id: str) -> dict | None:
        """The recorded submission of a form setting (forms cannot be read back)."""

    def record_submission(self, setting_id: str, record: dict) -> None: ...


@dataclass
class RunOptions:
    apply: bool = False
    dry_run: bool = False
    evidence_dir: Path | None = None
    diagnostics_dir: Path | None = None  # a bundle per undetermined setting, to fix the flow from
    concurrency: int = 3
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


class Outcome(Exception):
    """Ends one setting (or every setting of a platform, for sign-in) with a final state."""

    def __init__(self, state: State, detail: str, candidates: list[dict] | None = None):
        super().__init__(detail)
        self.state = state
        self.detail = detail
        self.candidates = candidates or []


@dataclass
class Found:
    locator: Locator


NOT_OFFERED = object()  # what a search returns when the page says the setting is not offered

Progress = Callable[[str], None]


async def poll_until(page: Page, attempt: Callable[[], Awaitable[T | None]], timeout: float) -> T | None:
    """The one deadline loop: attempt() until it returns something, or None once timeout passed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await attempt()
        if value is not None or loop.time() >= deadline:
            return value
        await page.wait(POLL_SECONDS)


class Engine:
    def __init__(self, driver: Driver, options: RunOptions, progress: Progress = lambda _: None):
        self.driver = driver
        self.options = options
        self.progress = progress

    async def run(self, jobs: list[Job]) -> list[Result]:
        """Platforms run concurrently (bounded); a platform's settings run one after another.
        A platform still running when the run's watchdog fires ends with `error`."""
        limit = asyncio.Semaphore(self.options.concurrency)

        async def bounded(job: Job) -> list[Result]:
            async with limit:
                return await self.run_platform(job)

        tasks = [asyncio.create_task(bounded(job)) for job in jobs]
        await asyncio.wait(tasks, timeout=self.options.run_seconds)
        results: list[Result] = []
        for job, task in zip(jobs, tasks):
            if task.done():
                results += task.result()
                continue
            task.cancel()
            detail = (f"The run's watchdog stopped {job.flow.name} after {self.options.run_seconds:g}s: "
                      "its pages stopped answering. Try again later.")
            results += [Result(job.flow.platform, s.id, s.title, State.ERROR, detail) for s in job.settings]
        await asyncio.gather(*tasks, return_exceptions=True)  # let the cancelled ones close their pages
        return results

    async def run_platform(self, job: Job) -> list[Result]:
        known = {s.id: known_without_browser(job, s) for s in job.settings}
        runnable = [s for s in job.settings if known[s.id] is None]
        results = {s.id: [known[s.id]] for s in job.settings if known[s.id] is not None}
        if runnable:  # otherwise there is nothing to look at, and no browser starts
            results.update(await self.run_on_page(job, runnable))
        return [result for setting in job.settings for result in results[setting.id]]

    async def run_on_page(self, job: Job, settings: list[Setting]) -> dict[str, list[Result]]:
        try:
            session = job.account.load_session()
        except AccountUnusable as problem:
            return {s.id: [Result(job.flow.platform, s.id, s.title, State.LOGIN_REQUIRED, str(problem))]
                    for s in settings}
        flow = job.flow
        page = await self.driver.open_page(flow.platform, flow.domains + flow.sign_in_domains(), session)
        try:
            await page.watch_for(flow.interruptions)
            run = PlatformRun(self, job, page)
            results: dict[str, list[Result]] = {}
            for setting in settings:
                results[setting.id] = await run.run_setting_watched(setting)
            return results
        finally:
            await self.close_quietly(page)

    async def close_quietly(self, page: Page) -> None:
        """Close a page even when its browser stopped answering: the run must end either way."""
        try:
            await asyncio.wait_for(self.driver.close_page(page), CLOSE_PAGE_SECONDS)
        except Exception as exc:  # a page that cannot close costs nothing more than a message
            self.progress(f"could not close a page: {type(exc).__name__}")


def known_without_browser(job: Job, setting: Setting) -> Result | None:
    """Settings whose state needs no page: a platform without an opt-out (advice), and a form
    already sent (forms cannot be read back, and one is never sent twice)."""
    flow = job.flow
    if setting.control is None:
        return Result(flow.platform, setting.id, setting.title, State.NOT_OFFERED, setting.advice or "")
    record = job.account.submission(setting.id) if setting.control.kind == "form" else None
    if record is None:
        return None
    if record.get("confirmed"):
        return Result(flow.platform, setting.id, setting.title, State.OPTED_OUT,
                      f"Submitted on {record['at']}; {flow.name} confirmed it.")
    return Result(flow.platform, setting.id, setting.title, State.NEEDS_HUMAN,
                  f"The form was sent on {record['at']} but no confirmation appeared. Check your email "
                  f"from {flow.name}; optout will not send it again.")


class PlatformRun:
    """One platform's settings on one page, signing in at most once."""

    def __init__(self, engine: Engine, job: Job, page: Page):
        self.engine = engine
        self.flow = job.flow
        self.account = job.account
        self.page = page
        self.sign_in_outcome: Outcome | None = None  # set once sign-in was tried and failed
        self.signed_in = False
        self.stalled: str | None = None  # set when a setting's watchdog fired: the page is not to be trusted
        self.secrets: list[str] = []
        self.steps: list[StepReport] = []

    # -- per setting -----------------------------------------------------------------------

    async def run_setting_watched(self, setting: Setting) -> list[Result]:
        """run_setting under the setting's watchdog; once one fires, the platform's page is not
        used again and its remaining settings end with `error` too."""
        if self.stalled:
            return [self.result(setting, None, State.ERROR, self.stalled)]
        seconds = self.engine.options.setting_seconds
        try:
            return await asyncio.wait_for(self.run_setting(setting), seconds)
        except asyncio.TimeoutError:
            self.stalled = (f"{self.flow.name}'s page stopped answering (the watchdog stopped it after {seconds:g}s); "
                            "nothing more was done on it. Try again later.")
            return [self.result(setting, None, State.ERROR, self.stalled)]

    async def run_setting(self, setting: Setting) -> list[Result]:
        if setting.for_each is None:
            return [await self.run_item(setting, None)]
        try:
            items = await self.list_items(setting)
        except Outcome as outcome:
            return [self.result(setting, None, outcome.state, outcome.detail)]
        if not items:
            return [self.result(setting, None, State.NOT_OFFERED, f"No items on {setting.for_each.url}.")]
        return [await self.run_item(setting, item) for item in items]

    async def run_item(self, setting: Setting, item: str | None) -> Result:
        self.steps = []
        label = f"{self.flow.platform}/{setting.id}" + (f"[{item}]" if item else "")
        self.engine.progress(f"{label}: opening {self.url(setting, item)}")
        try:
            result = await self.check_or_apply(setting, item)
        except Outcome as outcome:
            result = self.result(setting, item, outcome.state, outcome.detail, candidates=outcome.candidates)
        except NavigationError as exc:
            result = self.result(setting, item, State.ERROR, str(exc))
        except ActionFailed as exc:
            result = self.result(setting, item, State.FLOW_OUTDATED, str(exc))
        except Exception as exc:  # one broken page must not take the other settings down with it
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            result = self.result(setting, item, State.ERROR, f"Unexpected {type(exc).__name__}: {first_line}")
        if result.evidence is None:
            result.evidence = await self.evidence(setting, item, "final", None)
        if not result.state.determined and self.engine.options.diagnostics_dir is not None:
            await self.diagnose(setting, item)
        self.engine.progress(f"{label}: {result.state.value}")
        return result

    async def check_or_apply(self, setting: Setting, item: str | None) -> Result:
        control = setting.control
        assert control is not None
        if control.kind == "form":
            return await self.submit_form(setting)
        locator = await self.reach_control(setting, item)
        opted_out = await self.read(control, locator)
        if opted_out:
            evidence = await self.evidence(setting, item, "final", locator)
            return self.result(setting, item, State.OPTED_OUT, self.opted_out_detail(control), evidence=evidence)
        if not self.engine.options.apply:
            evidence = await self.evidence(setting, item, "final", locator)
            return self.result(setting, item, State.OPTED_IN, self.opted_in_detail(control), evidence=evidence)
        if self.engine.options.dry_run:
            evidence = await self.evidence(setting, item, "final", locator)
            return self.result(setting, item, State.OPTED_IN, f"{self.opted_in_detail(control)} (dry run: would change it).", evidence=evidence)
        before = await self.evidence(setting, item, "before", locator)
        await self.change(control, locator, item)
        result = await self.verify(setting, item)
        result.evidence_before = before  # the proof it was on, for the history's report
        return result

    async def verify(self, setting: Setting, item: str | None) -> Result:
        """Open the page afresh and read again: only a re-read counts as done."""
        control = setting.control
        assert control is not None
        locator = await self.reach_control(setting, item)
        opted_out = await self.read(control, locator)
        evidence = await self.evidence(setting, item, "final", locator)
        if opted_out:
            detail = f"Changed to {describe_value(control)} and verified after reloading the page."
            return self.result(setting, item, State.OPTED_OUT, detail, changed=True, evidence=evidence)
        detail = (f"Set it to {describe_value(control)}, but after reloading the page it is opted in again: "
                  f"{self.flow.name} did not keep the change. Nothing is counted as done.")
        return self.result(setting, item, State.OPTED_IN, detail, evidence=evidence)

    # -- reaching and reading the control --------------------------------------------------

    async def reach_control(self, setting: Setting, item: str | None) -> Locator:
        await self.open(self.url(setting, item))
        for step in setting.steps:
            await self.step(step, item, setting.timeout_seconds)
        control = setting.control
        assert control is not None
        # A menu's action button can vanish once opted out; what shows instead is the state.
        target = control.find + (control.opted_out_when or [])
        found = await self.find(with_item(target, item), setting.timeout_seconds,
                                not_offered=with_item(setting.not_offered, item))
        if found is None:
            if setting.not_offered_reason:
                raise Outcome(State.NOT_OFFERED, f"{self.flow.name} does not offer this setting here: "
                              f"{setting.not_offered_reason}")
            raise Outcome(State.NOT_OFFERED, f"{self.flow.name} says this setting is not offered to this account.")
        return found.locator

    async def read(self, control: Control, locator: Locator) -> bool:
        """True when the control shows the opted-out value."""
        if control.kind in ("switch", "checkbox"):
            return await self.page.is_checked(locator) == control.opted_out
        if control.kind in ("choice", "select"):
            return await self.page.selected_option(locator) == control.opted_out
        assert control.kind == "menu" and control.opted_out_when is not None
        return locator in control.opted_out_when

    async def change(self, control: Control, locator: Locator, item: str | None) -> None:
        self.engine.progress(f"{self.flow.platform}: changing {locator.describe()} to {describe_value(control)}")
        if control.kind in ("switch", "checkbox"):
            await self.page.click(locator)
        elif control.kind in ("choice", "select"):
            await self.page.choose(locator, str(control.opted_out))
        elif control.kind == "menu":
            await self.page.click(locator)
            option = str(control.opted_out)  # a plain menu item, or one that shows a checked state
            await self.click_unique([Locator(role="menuitem", name=option), Locator(role="menuitemradio", name=option)], 10)
        await self.page.settle()
        for step in control.after_change:
            await self.step(step, item, 10)
        self.steps.append(StepReport(f"set {locator.describe()} to {describe_value(control)}", "ok"))

    async def submit_form(self, setting: Setting) -> Result:
        """Send a form (an objection) not sent before; see known_without_browser for the rest."""
        control = setting.control
        assert control is not None and control.confirmation is not None
        submit = await self.reach_control(setting, None)
        if not self.engine.options.apply or self.engine.options.dry_run:
            dry = " (dry run: would submit it)" if self.engine.options.apply else ""
            return self.result(setting, None, State.OPTED_IN, f"No objection has been submitted from optout yet{dry}.",
                               evidence=await self.evidence(setting, None, "final", submit))
        try:
            secrets = self.account.credentials() if any("{username}" in f.value for f in control.fields) else None
        except AccountUnusable as refusal:
            raise Outcome(State.LOGIN_REQUIRED, str(refusal)) from None
        username = secrets.username if secrets else ""
        for form_field in control.fields:
            found = await self.find(form_field.find, setting.timeout_seconds)
            assert found is not None
            await self.page.fill(found.locator, form_field.value.replace("{username}", username))
        await self.evidence(setting, None, "before", submit)
        await self.page.click(submit)
        await self.page.settle()
        sent_at = utc_now()
        self.account.record_submission(setting.id, {"at": sent_at, "confirmed": False})
        try:
            confirmation = await self.find(control.confirmation, setting.timeout_seconds)
        except Outcome:
            return self.result(setting, None, State.NEEDS_HUMAN, f"The form was sent but {self.flow.name} showed no "
                               "confirmation. Check your email before sending it again; optout will not resend it.")
        assert confirmation is not None
        self.account.record_submission(setting.id, {"at": sent_at, "confirmed": True})
        evidence = await self.evidence(setting, None, "final", confirmation.locator)
        return self.result(setting, None, State.OPTED_OUT, f"Submitted; {self.flow.name} showed its confirmation.",
                           changed=True, evidence=evidence)

    async def find(self, target: list[Locator], timeout: float, not_offered: list[Locator] = ()) -> Found | None:
        """The first locator with exactly one match, waiting for late pages and dismissing what
        covers them; None when the page says the setting is not offered. Two matches end the
        setting (never a guess); no match ends it with what the page has instead."""
        found = await self.search(target, timeout, not_offered)
        if found is None:
            raise await self.not_found(target, timeout)
        return None if found is NOT_OFFERED else found

    async def search(self, target: list[Locator], timeout: float, not_offered: list[Locator] = ()) -> object:
        """A Found, NOT_OFFERED, or None when nothing matched within timeout."""

        async def attempt() -> object:
            for locator in not_offered:
                if await self.page.count(locator):
                    return NOT_OFFERED
            for locator in target:
                matches = await self.page.count(locator)
                if matches == 1:
                    return Found(locator)
                if matches > 1:
                    raise Outcome(State.FLOW_OUTDATED, f"{matches} elements match {locator.describe()} on "
                                  f"{self.page.url}; refusing to guess which one is the setting.")
            await self.dismiss_interruptions()
            return None

        return await poll_until(self.page, attempt, timeout)

    async def dismiss_interruptions(self) -> None:
        """Dismiss the first declared interruption showing (with the control the flow names)."""
        for interruption in self.flow.interruptions:
            if await self.page.dismiss(interruption):
                self.engine.progress(f"{self.flow.platform}: dismissed {interruption.name}")
                await self.page.settle()
                self.steps.append(StepReport(f"dismiss {interruption.name}", "ok"))
                return

    async def not_found(self, target: list[Locator], timeout: float) -> Outcome:
        """flow_outdated, with the page's language when the flow's labels are not in it, and the
        controls of the expected kind the page does have (to fix the flow with, never to click)."""
        tried = "; ".join(loc.describe() for loc in target)
        detail = (f"Nothing on {self.page.url} matched {tried} within {timeout:g}s. "
                  f"{self.flow.name} may have moved or renamed the setting.")
        language = await self.page.language()
        primary = (language or "").split("-")[0].lower()
        if primary and primary not in self.flow.languages:
            detail += (f" The page is in {LANGUAGES.get(primary, 'another language')} ({language}) and this flow's "
                       f"labels are in {', '.join(LANGUAGES.get(code, code) for code in self.flow.languages)}: "
                       f"switch {self.flow.name}'s language to English, or add labels for that language "
                       "(a local flow, see docs/flows.md).")
        candidates = await self.candidates(target)
        if candidates:
            detail += " Similar controls on the page: " + "; ".join(f'{c["role"]} "{c["name"]}"' for c in candidates) + "."
        return Outcome(State.FLOW_OUTDATED, detail, candidates)

    async def candidates(self, target: list[Locator]) -> list[dict]:
        roles = tuple(dict.fromkeys(r for loc in target if loc.role for r in CANDIDATE_ROLES.get(loc.role, (loc.role,))))
        wordings = [w for loc in target for w in (loc.name, loc.name_pattern, loc.within, loc.label, loc.text,
                                                   loc.text_pattern) if w]
        try:
            found = await self.page.controls(roles or ANY_CONTROL)
        except Exception as exc:  # suggestions are a help; the result stands without them
            self.engine.progress(f"{self.flow.platform}: no candidates: {type(exc).__name__}")
            return []

        def likeness(control: tuple[str, str]) -> float:
            name = control[1].lower()
            return max((difflib.SequenceMatcher(None, name, w.lower()).ratio() for w in wordings), default=0.0)

        named = [c for c in dict.fromkeys(found) if c[1].strip()]
        ranked = sorted(named, key=likeness, reverse=True)[:MAX_CANDIDATES]
        return [{"role": role, "name": name} for role, name in ranked]

    async def click_unique(self, target: list[Locator], timeout: float) -> None:
        found = await self.find(target, timeout)
        assert found is not None
        await self.page.click(found.locator)
        await self.page.settle()
        self.guard_host()

    async def step(self, step: Step, item: str | None, timeout: float) -> None:
        try:
            if step.goto is not None:
                await self.open(step.goto.replace("{item}", item or ""))
            elif step.press is not None:
                await self.page.press(step.press)
                await self.page.settle()
            elif step.optional:
                if not await self.optional_step(step, item):
                    self.steps.append(StepReport(step.describe(), "skipped", "not shown"))
                    return
            elif step.click is not None:
                await self.click_unique(with_item(step.click, item), timeout)
            elif step.wait_for is not None:
                await self.find(with_item(step.wait_for, item), timeout)
        except Outcome as outcome:
            self.steps.append(StepReport(step.describe(), "failed", outcome.detail))
            raise
        self.steps.append(StepReport(step.describe(), "ok"))

    async def optional_step(self, step: Step, item: str | None) -> bool:
        """Do a click or wait_for whose element may never show; False when it did not."""
        target = with_item(step.click or step.wait_for or [], item)
        found = await self.search(target, OPTIONAL_STEP_SECONDS)
        if not isinstance(found, Found):
            return False
        if step.click is not None:
            await self.page.click(found.locator)
            await self.page.settle()
            self.guard_host()
        return True

    async def list_items(self, setting: Setting) -> list[str]:
        """The items (sites, blogs) a per-item setting repeats over, read from their list page."""
        assert setting.for_each is not None
        await self.open(setting.for_each.url)

        async def attempt() -> list[str] | None:
            for locator in setting.for_each.items:
                texts = [t.strip() for t in await self.page.texts(locator) if t.strip()]
                if texts:
                    return list(dict.fromkeys(texts))
            await self.dismiss_interruptions()
            return None

        return await poll_until(self.page, attempt, setting.timeout_seconds) or []

    # -- pages and signing in --------------------------------------------------------------

    def url(self, setting: Setting, item: str | None) -> str:
        return (setting.url or "").replace("{item}", item or "")

    async def open(self, url: str) -> None:
        status = await self.load(url)
        self.guard_host()
        login = self.flow.login
        if login and self.at(login.refused_urls):
            raise self.refused()
        if login and self.at(login.checkpoint_urls):
            raise self.security_check()
        if on_sign_in_page(self.flow, self.page.url):
            await self.sign_in()
            status = await self.load(url)
            self.guard_host()
            if on_sign_in_page(self.flow, self.page.url):
                raise Outcome(State.LOGIN_REQUIRED, f"{self.flow.name} still shows its sign-in page after signing in.")
        if status >= 500:
            raise Outcome(State.ERROR, f"{self.flow.name} answered HTTP {status} for {url}; try again later.")
        if status in (404, 410):
            raise Outcome(State.FLOW_OUTDATED, f"{url} no longer exists (HTTP {status}); the setting may have moved.")

    async def load(self, url: str) -> int:
        """goto, trying again after a network failure, a timeout or a 5xx: sites have bad moments.
        A refused (off-domain) URL is never retried; the last attempt's failure stands."""
        for delay in self.engine.options.retry_delays:
            try:
                status = await self.page.goto(url)
            except NavigationRefused:
                raise
            except NavigationError as exc:
                problem = str(exc)
            else:
                if status < 500:
                    return status
                problem = f"{self.flow.name} answered HTTP {status} for {url}."
            self.engine.progress(f"{self.flow.platform}: {problem} Trying again in {delay:g}s.")
            await self.page.wait(delay)
        return await self.page.goto(url)

    def at(self, path_patterns: list[str]) -> bool:
        return path_matches(self.page.url, path_patterns)

    def guard_host(self) -> None:
        """After every navigation: the page must still be on the flow's domains (or a sign-in
        domain). Redirects are followed by the browser before any route guard sees them."""
        host = urlsplit(self.page.url).hostname or ""
        if not host_allowed(host, self.flow.domains + self.flow.sign_in_domains()):
            raise Outcome(State.ERROR, f"{self.flow.name} sent the browser to {host}, outside "
                          f"{', '.join(self.flow.domains)}. optout stopped there and typed nothing.")

    def guard_password_host(self) -> None:
        """Immediately before typing a stored secret: only on the hosts the flow says take it."""
        host = urlsplit(self.page.url).hostname or ""
        if not host_allowed(host, self.flow.password_domains()):
            raise Outcome(State.ERROR, f"The sign-in form is on {host}, which this flow does not allow to "
                          f"receive your {self.flow.name} login ({', '.join(self.flow.password_domains())}); "
                          "optout typed nothing.")

    def security_check(self) -> Outcome:
        return Outcome(State.NEEDS_HUMAN, f"{self.flow.name} is showing a security check. It is yours to complete: "
                       f"run `optout login {self.flow.platform}` and finish it in the browser window.")

    def refused(self) -> Outcome:
        return Outcome(State.LOGIN_REQUIRED, refused_message(self.flow))

    async def sign_in(self) -> None:
        """Sign in with stored credentials, once per run; a failure ends every later setting too."""
        if self.sign_in_outcome is not None:
            raise self.sign_in_outcome
        if self.signed_in:
            raise Outcome(State.LOGIN_REQUIRED, f"{self.flow.name} signed this run out again.")
        try:
            await self.sign_in_once()
        except Outcome as outcome:
            self.sign_in_outcome = outcome
            raise
        self.signed_in = True

    async def sign_in_once(self) -> None:
        login = self.flow.login
        assert login is not None
        platform = self.flow.platform
        how = f"run `optout login {platform}` to sign in in a browser window"
        exported = f"in CI, an exported session in {env_var_name(platform, 'session')}"
        if login.method == "browser":
            raise Outcome(State.LOGIN_REQUIRED, f"{self.flow.name} needs a saved session: {how} ({exported}).")
        try:
            secrets = self.account.credentials()
        except AccountUnusable as refusal:  # e.g. a login stored for other domains than this flow's
            raise Outcome(State.LOGIN_REQUIRED, str(refusal)) from None
        if secrets is None:
            raise Outcome(State.LOGIN_REQUIRED, f"No saved session or credentials for {self.flow.name}: {how}, "
                          f"or store them with `optout credentials set {platform} --username ...` ({exported}, "
                          f"or {env_var_name(platform, 'username')} and {env_var_name(platform, 'password')}).")
        self.secrets = [s for s in (secrets.password, secrets.totp_secret) if s]
        self.engine.progress(f"{self.flow.platform}: signing in")
        if not self.at(login.signed_out_urls):
            await self.page.goto(login.url)
            self.guard_host()
        assert login.username and login.password and login.submit
        await self.type_secret(login.username, secrets.username)
        for step in login.after_username:
            await self.step(step, None, SIGN_IN_SECONDS)
        await self.type_secret(login.password, secrets.password)
        await self.click_unique(login.submit, SIGN_IN_SECONDS)
        await self.await_signed_in(secrets)
        self.engine.progress(f"{self.flow.platform}: signed in")
        self.save_session(await self.page.session_state())

    async def type_secret(self, target: list[Locator], value: str) -> None:
        found = await self.find(target, SIGN_IN_SECONDS)
        assert found is not None
        self.guard_password_host()
        await self.page.fill(found.locator, value)

    async def await_signed_in(self, secrets: SignInSecrets) -> None:
        """What the page says after the password, in order: a rejected password (even on a
        checkpoint-like URL), a one-time code, a refusal, a security check, or signed in."""
        login = self.flow.login
        assert login is not None
        code_sent = False

        async def attempt() -> bool | None:
            nonlocal code_sent
            self.guard_host()
            if any([await self.page.count(loc) for loc in login.failure]):
                raise Outcome(State.LOGIN_REQUIRED, f"{self.flow.name} rejected the stored username or password. "
                              f"Update them with `optout credentials set {self.flow.platform}`.")
            if login.one_time_code and await self.first_match(login.one_time_code.field):
                if code_sent or not secrets.totp_secret:
                    raise Outcome(State.NEEDS_HUMAN, f"{self.flow.name} asks for a one-time code"
                                  f"{' and rejected the generated one' if code_sent else ''}: run `optout login "
                                  f"{self.flow.platform}`, or store the TOTP secret with `optout credentials set`.")
                await self.enter_code(secrets.totp_secret)
                code_sent = True
                return None
            if self.at(login.refused_urls):
                raise self.refused()
            if self.at(login.checkpoint_urls):
                raise self.security_check()
            return True if not on_sign_in_page(self.flow, self.page.url) else None

        if not await poll_until(self.page, attempt, SIGN_IN_SECONDS):
            raise Outcome(State.LOGIN_REQUIRED, f"Signing in to {self.flow.name} did not finish within {SIGN_IN_SECONDS}s.")

    async def enter_code(self, totp_secret: str) -> None:
        import pyotp

        login = self.flow.login
        assert login is not None and login.one_time_code is not None
        self.engine.progress(f"{self.flow.platform}: entering the one-time code")
        field_locator = await self.first_match(login.one_time_code.field)
        assert field_locator is not None
        try:
            code = pyotp.TOTP(totp_secret).now()
        except ValueError:  # binascii.Error is a ValueError too
            raise Outcome(State.LOGIN_REQUIRED, f"The stored TOTP secret for {self.flow.name} is not a valid "
                          f"base32 secret of at least 112 bits; store it again with `optout credentials set`.") from None
        self.secrets.append(code)
        self.guard_password_host()
        await self.page.fill(field_locator, code)
        await self.click_unique(login.one_time_code.submit, SIGN_IN_SECONDS)

    async def first_match(self, target: list[Locator]) -> Locator | None:
        for locator in target:
            if await self.page.count(locator) == 1:
                return locator
        return None

    def save_session(self, state: dict) -> None:
        try:
            self.account.save_session(state)
        except Exception as exc:  # a session that cannot be kept only costs a sign-in next time
            self.engine.progress(f"{self.flow.platform}: session not saved: {exc}")

    # -- results -----------------------------------------------------------------------------

    def result(self, setting: Setting, item: str | None, state: State, detail: str, *,
               changed: bool = False, evidence: str | None = None, candidates: list[dict] | None = None) -> Result:
        for secret in self.secrets:
            detail = detail.replace(secret, "***")
        self.steps += [StepReport(f"dismiss {name}", "ok", "while acting") for name in self.page.take_dismissed()]
        return Result(self.flow.platform, setting.id, setting.title, state, redact_urls(detail), changed=changed,
                      item=item, evidence=evidence, steps=list(self.steps), candidates=candidates or [])

    async def evidence(self, setting: Setting, item: str | None, phase: str, locator: Locator | None) -> str | None:
        directory = self.engine.options.evidence_dir
        if directory is None:
            return None
        path = directory / f"{file_name(self.flow.platform, setting.id, item, phase)}.png"
        try:
            await self.page.screenshot(path, around=locator)
        except Exception as exc:  # evidence is best effort; the result stands without it
            self.engine.progress(f"{self.flow.platform}: no screenshot: {exc}")
            return None
        return str(path)

    async def diagnose(self, setting: Setting, item: str | None) -> None:
        """Leave what a flow author needs to fix the flow from the artifact alone, secrets scrubbed."""
        directory = self.engine.options.diagnostics_dir
        assert directory is not None
        try:
            await self.page.diagnose(directory / file_name(self.flow.platform, setting.id, item), self.secrets)
        except Exception as exc:  # diagnostics are best effort; the result stands without them
            self.engine.progress(f"{self.flow.platform}: no diagnostics: {exc}")

    def opted_out_detail(self, control: Control) -> str:
        if isinstance(control.opted_out, bool):
            return f"Opted out: the {control.kind} is {describe_value(control)}."
        return f"Opted out: {describe_value(control)} is chosen."

    def opted_in_detail(self, control: Control) -> str:
        if isinstance(control.opted_out, bool):
            actual = "off" if control.opted_out else "on"
            return f"Opted in: the {control.kind} is {actual} ({describe_value(control)} means opted out)."
        return f"Opted in: {describe_value(control)} is not chosen."


def file_name(*parts: str | None) -> str:
    """A safe file name; names that differ only in punctuation stay apart (a hash of the original)."""
    original = "-".join(part for part in parts if part)
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", original)
    return safe if safe == original else f"{safe}-{hashlib.sha256(original.encode()).hexdigest()[:8]}"


def describe_value(control: Control) -> str:
    if isinstance(control.opted_out, bool):
        return "on" if control.opted_out else "off"
    return f'"{control.opted_out}"'


def with_item(target: list[Locator], item: str | None) -> list[Locator]:
    return [loc.with_item(item) for loc in target] if item else list(target)


def path_matches(url: str, path_patterns: list[str]) -> bool:
    path = urlsplit(url).path
    return any(pattern(p).search(path) for p in path_patterns)


def on_sign_in_page(flow: Flow, url: str) -> bool:
    """A signed-out page of the flow's own, or any page of a sign-in domain (auth.openai.com)."""
    login = flow.login
    if login is None:
        return False
    host = urlsplit(url).hostname or ""
    on_sign_in_domain = host_allowed(host, login.sign_in_domains) and not host_allowed(host, flow.domains)
    return on_sign_in_domain or path_matches(url, login.signed_out_urls)


def refused_message(flow: Flow) -> str:
    return (f"{flow.name} refused to sign in in this browser (it says the browser may not be secure). "
            f"Sign in yourself with `optout login {flow.platform}`, which opens your installed Chrome when there "
            "is one; the saved session is used after that.")


class SignInRefused(Exception):
    """The sign-in page refused this browser outright; waiting longer cannot help."""


async def sign_in_by_person(driver: Driver, flow: Flow, account: Account, progress: Progress, timeout: float) -> bool:
    """Open the sign-in page in a visible browser and wait while the person signs in (passkeys,
    two-step codes and CAPTCHAs are theirs to do); save the session once they are in."""
    login = flow.login
    if login is None:
        return False
    page = await driver.open_page(flow.platform, flow.domains + flow.sign_in_domains(), None)
    try:
        await page.goto(login.url)
        progress(f"{flow.name}: sign in in the browser window; waiting up to {timeout / 60:g} minutes")

        async def attempt() -> bool | None:
            if path_matches(page.url, login.refused_urls):
                raise SignInRefused(refused_message(flow))
            waiting = on_sign_in_page(flow, page.url) or path_matches(page.url, login.checkpoint_urls)
            return None if waiting else True

        if not await poll_until(page, attempt, timeout):
            return False
        account.save_session(await page.session_state())
        return True
    finally:
        await driver.close_page(page)
