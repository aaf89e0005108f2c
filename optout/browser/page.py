"""A platform's page in Chromium: navigation, locators, reading and acting, evidence, controls, interruptions."""

from __future__ import annotations

import asyncio
import functools
import json
import re
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator, Sequence
from urllib.parse import urldefrag, urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator as PwLocator
from playwright.async_api import Page as PwPage
from playwright.async_api import TimeoutError as PlaywrightTimeout

from optout.addresses import host_allowed
from optout.browser.snippets import (
    CONTROL_DETAILS,
    EVIDENCE_STYLE,
    IMPLICIT_ROLES,
    MARK_FOR_EVIDENCE,
    SECRET_FIELDS,
    SELECTED_OPTION,
    SNAPSHOT_LINE,
)
from optout.diagnostics import scrub_text, scrub_trace, secret_forms, stored_values
from optout.driver import ActionFailed, Control, NavigationError, NavigationRefused
from optout.flow import Locator
from optout.flow.locators import Role
from optout.flow.schema import Interruption
from optout.patterns import pattern

NAVIGATION_TIMEOUT_MS = 30_000
DISMISS_TIMEOUT_MS = 1_500  # an overlay's own button, unless something lies on top of it
ACTION_TIMEOUT_MS = 10_000  # a control that cannot be clicked in 10 s is not the control we expect
SETTLE_SECONDS = 10
QUIET_SECONDS = 0.3  # a save or a click's request starts at once; 0.3 s without one means it is done


@asynccontextmanager
async def acting(verb: str, locator: Locator) -> AsyncIterator[None]:
    """An action that times out means the page is not what the flow expects: say which control."""
    try:
        yield
    except PlaywrightTimeout:
        raise ActionFailed(f"Could not {verb} {locator.describe()} within {ACTION_TIMEOUT_MS // 1000}s: "
                           "it stayed hidden, disabled or covered by something else.") from None


class PlaywrightPage:
    def __init__(self, page: PwPage, domains: list[str], *, tracing: bool = False, session: dict | None = None):
        self.page = page
        self.domains = domains
        self.tracing = tracing
        self.session_values = stored_values(session)  # cookies the context started with, to scrub
        self.in_flight: set = set()  # requests started and not yet answered, for settle()
        self.dismissed: list[str] = []  # interruptions dismissed by a locator handler while acting
        self.dismissing = False  # the engine is dismissing one itself: the handlers stand aside
        self.interruptions: list[Interruption] = []
        page.on("request", lambda request: self.in_flight.add(request))
        page.on("response", lambda response: self.in_flight.discard(response.request))  # answered
        page.on("requestfailed", lambda request: self.in_flight.discard(request))

    @property
    def url(self) -> str:
        return self.page.url

    async def goto(self, url: str) -> int:
        host = urlsplit(url).hostname or ""
        if not host_allowed(host, self.domains):
            raise NavigationRefused(f"Refused to open {url}: it is outside {', '.join(self.domains)}.")
        if "#" in url and urldefrag(url).url == urldefrag(self.page.url).url:
            # Chromium only moves to the #fragment of the page already shown; a re-read must come
            # from the server, so set the fragment and load the page again.
            await self.page.goto(url, wait_until="load")
            return await self.reload()
        return await self._navigate(url, self.page.goto(url, wait_until="load"))

    async def reload(self) -> int:
        return await self._navigate(self.page.url, self.page.reload(wait_until="load"))

    async def _navigate(self, url: str, navigation) -> int:
        try:
            response = await navigation
        except PlaywrightTimeout:
            raise NavigationError(f"{url} did not load within {NAVIGATION_TIMEOUT_MS // 1000}s.") from None
        except PlaywrightError as exc:
            reason = re.search(r"net::ERR_[A-Z_]+", str(exc))
            raise NavigationError(f"Could not load {url} ({reason.group(0) if reason else 'browser error'}).") from None
        return response.status if response else 200

    def resolve(self, locator: Locator) -> PwLocator:
        page = self.page
        name = pattern(locator.name_pattern) if locator.name_pattern else locator.name
        if locator.within is not None:
            assert locator.role is not None  # the schema gives `within` only with a role
            return self._in_region(locator.role, locator.within, locator.checked, name, exact=locator.name is not None,
                                   disabled=locator.disabled)
        if locator.role is not None:
            found = page.get_by_role(locator.role, name=name, exact=locator.name is not None, checked=locator.checked,
                                     disabled=locator.disabled)
        elif locator.label is not None:
            found = page.get_by_label(locator.label, exact=True)
        elif locator.text is not None:
            found = page.get_by_text(locator.text, exact=True)
        elif locator.text_pattern is not None:
            found = page.get_by_text(pattern(locator.text_pattern))
        else:
            assert locator.css is not None  # the schema gives every locator one strategy
            found = page.locator(locator.css)
        return found.filter(visible=True)

    def _in_region(self, role: Role, wording: str, checked: bool | None, name, *, exact: bool,
                   disabled: bool | None = None) -> PwLocator:
        """Controls of `role` (and name, when given) in the nearest ancestor of the wording that
        holds any such control: a neighbouring section's control is never in that region, two in
        it are ambiguous."""
        has_role = f"@role='{role}'" + (f" or {IMPLICIT_ROLES[role]}" if role in IMPLICIT_ROLES else "")
        region = self.page.get_by_text(wording).locator(f"xpath=ancestor::*[.//*[{has_role}]][1]")
        return region.get_by_role(role, checked=checked, disabled=disabled, name=name, exact=exact).filter(visible=True)

    async def count(self, locator: Locator) -> int:
        return await self.resolve(locator).count()

    async def is_checked(self, locator: Locator) -> bool:
        return await self.resolve(locator).is_checked()

    async def selected_option(self, locator: Locator) -> str | None:
        return await self.resolve(locator).evaluate(SELECTED_OPTION)

    async def click(self, locator: Locator) -> None:
        async with acting("click", locator):
            await self.resolve(locator).click()

    async def choose(self, locator: Locator, option: str) -> None:
        async with acting(f'choose "{option}" in', locator):
            await self._choose(self.resolve(locator), option)

    async def _choose(self, target: PwLocator, option: str) -> None:
        kind = await target.evaluate(
            "el => el.tagName === 'SELECT' ? 'select' : el.getAttribute('aria-haspopup') ? 'menu' : 'radios'")
        if kind == "select":
            await target.select_option(label=option)
        elif kind == "menu":
            await self._choose_in_menu(target, option)
        else:
            await target.get_by_role("radio", name=option, exact=True).check()

    async def _choose_in_menu(self, button: PwLocator, option: str) -> None:
        """Open the dropdown and click the one visible item so named (in the menu it controls)."""
        await button.click()
        controlled = await button.get_attribute("aria-controls")
        scope = self.page.locator(f"[id='{controlled}']") if controlled else self.page
        items = (scope.get_by_role("menuitemradio", name=option, exact=True)
                 .or_(scope.get_by_role("menuitem", name=option, exact=True))
                 .or_(scope.get_by_role("option", name=option, exact=True))).filter(visible=True)
        await items.click()  # strict: two items so named fail here rather than guess

    async def fill(self, locator: Locator, value: str) -> None:
        async with acting("type into", locator):  # the message never carries the value
            await self.resolve(locator).fill(value)

    async def texts(self, locator: Locator) -> list[str]:
        return await self.resolve(locator).all_inner_texts()

    async def settle(self) -> None:
        """Wait until no request has been in flight for a moment (a save's API call has been
        answered). load-state "networkidle" cannot do this: once reached it never waits again."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_SECONDS
        quiet_since = loop.time()
        while loop.time() < deadline:  # a page that keeps polling never goes quiet; the re-read decides
            if self.in_flight:
                quiet_since = loop.time()
            elif loop.time() - quiet_since >= QUIET_SECONDS:
                return
            await asyncio.sleep(0.05)

    async def screenshot(self, path: Path, around: Locator | None = None) -> None:
        """The viewport, with `around` outlined and scrolled into view. The mark is moved in one
        call and left in place: it shows only under the style injected for this screenshot."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if around is not None:
            await self.resolve(around).evaluate(MARK_FOR_EVIDENCE)
        await self.page.screenshot(path=str(path), mask=[self.page.locator(SECRET_FIELDS)], style=EVIDENCE_STYLE)

    async def session_state(self) -> dict:
        return dict(await self.page.context.storage_state())

    async def diagnose(self, directory: Path, secrets: list[str]) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        secrets = [*secrets, *self.session_values, *stored_values(await self.session_state())]
        await self.screenshot(directory / "screenshot.png")
        snapshot = await self.page.locator("body").aria_snapshot()
        (directory / "aria-snapshot.yaml").write_text(scrub_text(snapshot, secret_forms(secrets)), encoding="utf-8")
        if self.tracing:  # one trace chunk per diagnosis: what happened since the previous one
            with tempfile.TemporaryDirectory(prefix="optout-trace-") as private:  # 0700, gone after
                raw = Path(private) / "trace.zip"
                await self.page.context.tracing.stop_chunk(path=str(raw))
                await self.page.context.tracing.start_chunk()
                scrub_trace(raw, directory / "trace.zip", secrets)

    async def wait(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def press(self, key: str) -> None:
        await self.page.keyboard.press(key)

    async def language(self) -> str | None:
        return await self.page.evaluate("document.documentElement.lang") or None

    async def controls(self, roles: tuple[str, ...], known: Sequence[Locator] = ()) -> list[Control]:
        """Names from the accessibility snapshot (the names Playwright itself matches roles by);
        section, state and whether a flow's locator matches from the elements of each role, which
        the snapshot lists in the same order."""
        snapshot = await self.page.locator("body").aria_snapshot()
        names: dict[str, list[str]] = {role: [] for role in roles}
        for line in snapshot.splitlines():
            match = SNAPSHOT_LINE.match(line)
            if match and match["role"] in names:
                names[match["role"]].append(json.loads(match["name"] or '""'))
        marks = [handle for locator in known for handle in await self.resolve(locator).element_handles()]
        found: list[tuple[int, Control]] = []
        for role, role_names in names.items():
            if not role_names:
                continue
            details = await self.page.get_by_role(role).evaluate_all(CONTROL_DETAILS, [role, marks])  # type: ignore[arg-type]
            if len(details) != len(role_names):  # one view has an element the other lacks: look each name up
                details = await self._details_by_name(role, role_names, marks)
            found += [(d["order"], Control(role, name, d["context"], d["state"], d["known"], d["list"], d["grouped"],
                                           d["chrome"])) for name, d in zip(role_names, details, strict=True)]
        return [control for _, control in sorted(found, key=lambda pair: pair[0])]

    async def _details_by_name(self, role: str, role_names: list[str], marks: list) -> list[dict]:
        """Each name's elements, in order; one the page's elements lack (the snapshot saw more than
        the role query did) gets no section and no state."""
        by_name = {name: await self.page.get_by_role(role, name=name, exact=True)  # type: ignore[arg-type]
                   .evaluate_all(CONTROL_DETAILS, [role, marks]) for name in dict.fromkeys(role_names)}
        seen: dict[str, int] = {}
        details = []
        for name in role_names:
            index = seen[name] = seen.get(name, -1) + 1
            elements = by_name[name]
            details.append(elements[index] if index < len(elements) else
                           {"order": 1 << 30, "context": "", "state": None, "known": False, "list": False,
                            "grouped": False, "chrome": False})
        return details

    async def watch_for(self, interruptions: list[Interruption]) -> None:
        """Playwright runs a locator handler whenever its overlay shows before an action: the
        dismissal then happens even when the overlay arrives after the control was found."""
        self.interruptions = list(interruptions)
        for interruption in interruptions:
            await self.page.add_locator_handler(self._overlay(interruption), self._handle, no_wait_after=True)

    async def _handle(self, _overlay: PwLocator) -> None:
        if not self.dismissing:
            self.dismissed += await self._dismiss_showing(self.interruptions)

    async def dismiss(self, interruption: Interruption) -> bool:
        self.dismissing = True  # these clicks' own actionability checks must not run the handlers
        try:
            return bool(await self._dismiss_showing([interruption]))
        finally:
            self.dismissing = False

    async def _dismiss_showing(self, interruptions: list[Interruption]) -> list[str]:
        """Dismiss each of these that shows. One may lie under another (a tour under a dialog), and
        clicks made here run no handler, so go round again while a round dismissed something."""
        dismissed: list[str] = []
        progress = True
        while progress:
            progress = False
            for interruption in interruptions:
                if interruption.name not in dismissed and await self._overlay(interruption).count():
                    if await self._click_dismiss(interruption):
                        dismissed.append(interruption.name)
                        progress = True
        return dismissed

    def _overlay(self, interruption: Interruption) -> PwLocator:
        return functools.reduce(PwLocator.or_, (self.resolve(loc) for loc in interruption.appears))

    async def _click_dismiss(self, interruption: Interruption) -> bool:
        """Click the one control the flow names; False when it is not there exactly once or stays
        covered (by another interruption, dismissed on the next round)."""
        for locator in interruption.dismiss:
            found = self.resolve(locator)
            if await found.count() == 1:
                try:
                    await found.click(timeout=DISMISS_TIMEOUT_MS)
                except PlaywrightError:  # covered or gone: never an error escaping a handler
                    return False
                return True
        return False

    def take_dismissed(self) -> list[str]:
        taken, self.dismissed = self.dismissed, []
        return taken
