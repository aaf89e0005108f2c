"""PlatformRun: one platform's settings on one page. For each setting: open its page (signing in
when the page asks), find the control, read it, and for apply change it and prove the change
stayed by reading it again on a freshly loaded page. Every setting ends as a Result, with the
steps taken and screenshots as evidence."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from optout.addresses import host_allowed
from optout.driver import ActionFailed, NavigationError, NavigationRefused, Page
from optout.engine import controls
from optout.engine.account import AccountUnusable, Outcome
from optout.engine.missing import not_found
from optout.engine.signin import SignIn, check_page, on_sign_in_page
from optout.engine.wait import poll_until
from optout.flow import Locator, Setting
from optout.flow.controls import Changeable, Form
from optout.flow.steps import Step
from optout.results import Result, State, StepReport, redact_urls, utc_now

if TYPE_CHECKING:
    from optout.engine import Engine, Job

OPTIONAL_STEP_SECONDS = 3  # how long an optional step's element gets to show before it is skipped
AFTER_CHANGE_SECONDS = 10


class NotOffered:
    """What a search finds when the page says the setting is not offered."""


NOT_OFFERED = NotOffered()


class Passed:
    """What a search finds when the page already shows what comes after the step searching."""


PASSED = Passed()


class PlatformRun:
    """One platform's settings on one page, signing in at most once."""

    def __init__(self, engine: Engine, job: Job, page: Page):
        self.options = engine.options
        self.progress = engine.progress
        self.flow = job.flow
        self.account = job.account
        self.page = page
        self.sign_in = SignIn(self, job.flow.login) if job.flow.login else None
        self.stalled: str | None = None  # set when a setting's watchdog fired: the page is not to be trusted
        self.secrets: list[str] = []  # scrubbed from every detail and diagnosis
        self.steps: list[StepReport] = []

    def say(self, message: str) -> None:
        self.progress(f"{self.flow.platform}: {message}")

    # -- per setting -----------------------------------------------------------------------

    async def run_setting_watched(self, setting: Setting) -> list[Result]:
        """run_setting under the setting's watchdog; once one fires, the platform's page is not
        used again and its remaining settings end with `error` too."""
        if self.stalled:
            return [self.result(setting, None, State.ERROR, self.stalled)]
        seconds = self.options.setting_seconds
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
        self.progress(f"{label}: opening {self.url(setting, item)}")
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
        if not result.state.determined and self.options.diagnostics_dir is not None:
            await self.diagnose(setting, item)
        self.progress(f"{label}: {result.state.value}")
        return result

    async def check_or_apply(self, setting: Setting, item: str | None) -> Result:
        control = setting.control
        if isinstance(control, Form):
            return await self.submit_form(setting, control)
        assert isinstance(control, Changeable)  # a setting without a control never opens a page
        locator = await self.reach_control(setting, control, item)
        if await controls.read(self.page, control, locator):
            return self.result(setting, item, State.OPTED_OUT, controls.opted_out_detail(control),
                               evidence=await self.evidence(setting, item, "final", locator))
        if not self.options.apply:
            return self.result(setting, item, State.OPTED_IN, controls.opted_in_detail(control),
                               evidence=await self.evidence(setting, item, "final", locator))
        if self.options.dry_run:
            detail = f"{controls.opted_in_detail(control)} (dry run: would change it)."
            return self.result(setting, item, State.OPTED_IN, detail,
                               evidence=await self.evidence(setting, item, "final", locator))
        before = await self.evidence(setting, item, "before", locator)
        await self.change(control, locator, item)
        result = await self.verify(setting, control, item)
        result.evidence_before = before  # the proof it was on, for the history's report
        return result

    async def change(self, control: Changeable, locator: Locator, item: str | None) -> None:
        self.say(f"changing {locator.describe()} to {controls.describe_value(control)}")
        await controls.change(self, control, locator)
        await self.page.settle()
        await self.run_steps(control.after_change, item, AFTER_CHANGE_SECONDS)
        self.steps.append(StepReport(f"set {locator.describe()} to {controls.describe_value(control)}", "ok"))

    async def verify(self, setting: Setting, control: Changeable, item: str | None) -> Result:
        """Open the page afresh and read again: only a re-read counts as done."""
        locator = await self.reach_control(setting, control, item)
        opted_out = await controls.read(self.page, control, locator)
        evidence = await self.evidence(setting, item, "final", locator)
        value = controls.describe_value(control)
        if opted_out:
            detail = f"Changed to {value} and verified after reloading the page."
            return self.result(setting, item, State.OPTED_OUT, detail, changed=True, evidence=evidence)
        detail = (f"Set it to {value}, but after reloading the page it is opted in again: "
                  f"{self.flow.name} did not keep the change. Nothing is counted as done.")
        return self.result(setting, item, State.OPTED_IN, detail, evidence=evidence)

    async def submit_form(self, setting: Setting, control: Form) -> Result:
        """Send a form (an objection) not sent before; see known_without_browser for the rest."""
        submit = await self.reach_control(setting, control, None)
        if not self.options.apply or self.options.dry_run:
            dry = " (dry run: would submit it)" if self.options.apply else ""
            return self.result(setting, None, State.OPTED_IN, f"No objection has been submitted from optout yet{dry}.",
                               evidence=await self.evidence(setting, None, "final", submit))
        try:
            secrets = self.account.credentials() if any("{username}" in f.value for f in control.fields) else None
        except AccountUnusable as refusal:
            raise Outcome(State.LOGIN_REQUIRED, str(refusal)) from None
        username = secrets.username if secrets else ""
        for form_field in control.fields:
            locator = await self.find(form_field.find, setting.timeout_seconds)
            await self.page.fill(locator, form_field.value.replace("{username}", username))
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
        self.account.record_submission(setting.id, {"at": sent_at, "confirmed": True})
        evidence = await self.evidence(setting, None, "final", confirmation)
        return self.result(setting, None, State.OPTED_OUT, f"Submitted; {self.flow.name} showed its confirmation.",
                           changed=True, evidence=evidence)

    # -- finding things on the page --------------------------------------------------------

    async def reach_control(self, setting: Setting, control: Changeable | Form, item: str | None) -> Locator:
        await self.open(self.url(setting, item))
        target = with_item(controls.targets(control) if isinstance(control, Changeable) else control.find, item)
        not_offered = with_item(setting.not_offered, item)
        await self.run_steps(setting.steps, item, setting.timeout_seconds, then=[*target, *not_offered])
        found = await self.search(target, setting.timeout_seconds, not_offered=not_offered)
        if not isinstance(found, (Locator, NotOffered)):
            raise await not_found(self.page, self.flow, target, setting.timeout_seconds, self.say)
        if isinstance(found, NotOffered):
            if setting.not_offered_reason:
                raise Outcome(State.NOT_OFFERED, f"{self.flow.name} does not offer this setting here: "
                              f"{setting.not_offered_reason}")
            raise Outcome(State.NOT_OFFERED, f"{self.flow.name} says this setting is not offered to this account.")
        return found

    async def find(self, target: list[Locator], timeout: float) -> Locator:
        """The first locator with exactly one match, waiting for late pages and dismissing what
        covers them. Two matches end the setting (never a guess); no match ends it with what
        the page has instead."""
        found = await self.search(target, timeout)
        if not isinstance(found, Locator):
            raise await not_found(self.page, self.flow, target, timeout, self.say)
        return found

    async def search(self, target: list[Locator], timeout: float, not_offered: Sequence[Locator] = (),
                     passed: Sequence[Locator] = ()) -> Locator | NotOffered | Passed | None:
        """The first locator with one match, NOT_OFFERED, PASSED (no target, but one of `passed`
        shows), or None when nothing matched within timeout."""

        async def attempt() -> Locator | NotOffered | Passed | None:
            for locator in not_offered:
                if await self.page.count(locator):
                    return NOT_OFFERED
            for locator in target:
                matches = await self.page.count(locator)
                if matches == 1:
                    return locator
                if matches > 1:
                    raise Outcome(State.FLOW_OUTDATED, f"{matches} elements match {locator.describe()} on "
                                  f"{self.page.url}; refusing to guess which one is the setting.")
            for locator in passed:
                if await self.page.count(locator):
                    return PASSED
            await self.dismiss_interruptions()
            return None

        return await poll_until(self.page, attempt, timeout)

    async def dismiss_interruptions(self) -> None:
        """Dismiss the first declared interruption showing (with the control the flow names)."""
        for interruption in self.flow.interruptions:
            if await self.page.dismiss(interruption):
                self.say(f"dismissed {interruption.name}")
                await self.page.settle()
                self.steps.append(StepReport(f"dismiss {interruption.name}", "ok"))
                return

    # -- acting ------------------------------------------------------------------------------

    async def click_unique(self, target: list[Locator], timeout: float) -> None:
        await self.page.click(await self.find(target, timeout))
        await self.page.settle()
        self.guard_host()

    async def run_steps(self, steps: list[Step], item: str | None, timeout: float,
                        then: Sequence[Locator] = ()) -> None:
        """The steps in order. Each optional one knows what comes after it (the next step's
        element, or `then` after the last), so that it ends as soon as that shows."""
        for index, step in enumerate(steps):
            following = with_item(step_targets(steps[index + 1]), item) if index + 1 < len(steps) else then
            await self.step(step, item, timeout, following)

    async def step(self, step: Step, item: str | None, timeout: float, following: Sequence[Locator] = ()) -> None:
        try:
            if step.goto is not None:
                await self.open(step.goto.replace("{item}", item or ""))
            elif step.press is not None:
                await self.page.press(step.press)
                await self.page.settle()
            elif step.optional:
                if not await self.optional_step(step, item, following):
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

    async def optional_step(self, step: Step, item: str | None, following: Sequence[Locator]) -> bool:
        """Do a click or wait_for whose element may never show; False when it did not. When what
        follows shows first, the page is looked at once more after it settles (a late element
        still counts) instead of waiting out OPTIONAL_STEP_SECONDS for nothing."""
        target = with_item(step_targets(step), item)
        found = await self.search(target, OPTIONAL_STEP_SECONDS, passed=following)
        if isinstance(found, Passed):
            await self.page.settle()
            found = await self.search(target, 0)
        if not isinstance(found, Locator):
            return False
        if step.click is not None:
            await self.page.click(found)
            await self.page.settle()
            self.guard_host()
        return True

    async def list_items(self, setting: Setting) -> list[str]:
        """The items (sites, blogs) a per-item setting repeats over, read from their list page."""
        for_each = setting.for_each
        assert for_each is not None  # only settings repeated per item have items
        await self.open(for_each.url)

        async def attempt() -> list[str] | None:
            for locator in for_each.items:
                texts = [t.strip() for t in await self.page.texts(locator) if t.strip()]
                if texts:
                    return list(dict.fromkeys(texts))
            await self.dismiss_interruptions()
            return None

        return await poll_until(self.page, attempt, setting.timeout_seconds) or []

    # -- pages -------------------------------------------------------------------------------

    def url(self, setting: Setting, item: str | None) -> str:
        return (setting.url or "").replace("{item}", item or "")

    async def open(self, url: str) -> None:
        """Load url, signing in first when the page asks for it, and end the setting when the
        page is a refusal, a security check, an error or gone."""
        status = await self.load(url)
        self.guard_host()
        check_page(self.flow, self.page.url)
        if self.sign_in is not None and on_sign_in_page(self.flow, self.page.url):
            await self.sign_in.sign_in()
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
        for delay in self.options.retry_delays:
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
            self.say(f"{problem} Trying again in {delay:g}s.")
            await self.page.wait(delay)
        return await self.page.goto(url)

    def guard_host(self) -> None:
        """After every navigation: the page must still be on the flow's domains (or a sign-in
        domain). Redirects are followed by the browser before any route guard sees them."""
        host = urlsplit(self.page.url).hostname or ""
        if not host_allowed(host, self.flow.domains + self.flow.sign_in_domains()):
            raise Outcome(State.ERROR, f"{self.flow.name} sent the browser to {host}, outside "
                          f"{', '.join(self.flow.domains)}. optout stopped there and typed nothing.")

    def save_session(self, state: dict) -> None:
        try:
            self.account.save_session(state)
        except Exception as exc:  # a session that cannot be kept only costs a sign-in next time
            self.say(f"session not saved: {exc}")

    # -- results -----------------------------------------------------------------------------

    def result(self, setting: Setting, item: str | None, state: State, detail: str, *,
               changed: bool = False, evidence: str | None = None, candidates: list[dict] | None = None) -> Result:
        for secret in self.secrets:
            detail = detail.replace(secret, "***")
        self.steps += [StepReport(f"dismiss {name}", "ok", "while acting") for name in self.page.take_dismissed()]
        return Result(self.flow.platform, setting.id, setting.title, state, redact_urls(detail), changed=changed,
                      item=item, evidence=evidence, steps=list(self.steps), candidates=candidates or [])

    async def evidence(self, setting: Setting, item: str | None, phase: str, locator: Locator | None) -> str | None:
        directory = self.options.evidence_dir
        if directory is None:
            return None
        path = directory / f"{file_name(self.flow.platform, setting.id, item, phase)}.png"
        try:
            await self.page.screenshot(path, around=locator)
        except Exception as exc:  # evidence is best effort; the result stands without it
            self.say(f"no screenshot: {exc}")
            return None
        return str(path)

    async def diagnose(self, setting: Setting, item: str | None) -> None:
        """Leave what a flow author needs to fix the flow from the artifact alone, secrets scrubbed."""
        directory = self.options.diagnostics_dir
        assert directory is not None  # only called when diagnostics were asked for
        try:
            await self.page.diagnose(directory / file_name(self.flow.platform, setting.id, item), self.secrets)
        except Exception as exc:  # diagnostics are best effort; the result stands without them
            self.say(f"no diagnostics: {exc}")


def file_name(*parts: str | None) -> str:
    """A safe file name; names that differ only in punctuation stay apart (a hash of the original)."""
    original = "-".join(part for part in parts if part)
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", original)
    return safe if safe == original else f"{safe}-{hashlib.sha256(original.encode()).hexdigest()[:8]}"


def with_item(target: list[Locator], item: str | None) -> list[Locator]:
    return [loc.with_item(item) for loc in target] if item else list(target)


def step_targets(step: Step) -> list[Locator]:
    """What a step clicks or waits for; nothing for a goto or a key press."""
    return step.click or step.wait_for or []
