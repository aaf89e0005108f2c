"""The Playwright adapter: the only module that imports Playwright.

One launch helper starts one Chromium per run; every platform gets its own context (cookies
never cross platforms), navigation outside a flow's domains is refused, and evidence
screenshots mask password and one-time-code fields.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import re
import shutil
import sys
import tempfile
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator, Sequence
from urllib.parse import urldefrag, urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator as PwLocator
from playwright.async_api import Page as PwPage
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright

from optout.addresses import host_allowed
from optout.diagnostics import scrub_text, scrub_trace, secret_forms, stored_values
from optout.driver import ActionFailed, BrowserUnavailable, Control, NavigationError, NavigationRefused, Page
from optout.flow import Locator
from optout.flow.locators import Role
from optout.flow.schema import Interruption
from optout.originmap import Mapping, certificate_pins, resolver_rules
from optout.patterns import pattern

QUIET_CHROMIUM_FLAGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
NAVIGATION_TIMEOUT_MS = 30_000
DISMISS_TIMEOUT_MS = 1_500  # an overlay's own button, unless something lies on top of it
ACTION_TIMEOUT_MS = 10_000  # a control that cannot be clicked in 10 s is not the control we expect
SETTLE_SECONDS = 10
QUIET_SECONDS = 0.3  # a save or a click's request starts at once; 0.3 s without one means it is done
SECRET_FIELDS = "input[type=password], input[autocomplete=one-time-code]"
EVIDENCE_MARK = "data-optout-evidence"
EVIDENCE_STYLE = f"[{EVIDENCE_MARK}] {{ outline: 3px solid #e11d48 !important; outline-offset: 4px; }}"
MARK_FOR_EVIDENCE = """el => {
    document.querySelectorAll('[MARK]').forEach(marked => marked.removeAttribute('MARK'));
    el.setAttribute('MARK', '');
    el.scrollIntoView({block: 'center'});
}""".replace("MARK", EVIDENCE_MARK)

# For Page.controls, on every element of one role: its place in the page, the text of its section
# (climbing while an ancestor holds no other control and stays short), its state, and whether it
# is (in, or holds) an element a known locator matched.
CONTROL_DETAILS = r"""(elements, [role, marks]) => {
    const CONTROLS = 'input[type=checkbox], input[type=radio], select, [role=switch], [role=checkbox], '
        + '[role=radio], [role=radiogroup], [role=combobox], button[aria-haspopup], [role=button][aria-haspopup]';
    const text = el => {  // the visible words, a space between elements (inline labels would run together)
        const words = [];
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const parent = node.parentElement;
            if (parent && !parent.closest('script, style, template') && parent.checkVisibility()) words.push(node.data);
        }
        return words.join(' ').replace(/\s+/g, ' ').trim();
    };
    const everything = [...document.querySelectorAll('*')];
    const checked = el => el.tagName === 'INPUT' ? el.checked : el.getAttribute('aria-checked') === 'true';
    const nameOf = el => {
        const labelledBy = (el.getAttribute('aria-labelledby') ?? '').split(/\s+/)
            .map(id => document.getElementById(id)?.textContent ?? '').join(' ').trim();
        return (labelledBy || el.getAttribute('aria-label') || el.labels?.[0]?.innerText || text(el)).trim();
    };
    const section = el => {
        let found = el;
        const edge = 'body, main, nav, header, footer, dialog';
        for (let up = el.parentElement; up && !up.matches(edge); up = up.parentElement) {
            const others = [...up.querySelectorAll(CONTROLS)].filter(c => !el.contains(c) && !c.contains(el)
                && c.checkVisibility());
            if (others.length || text(up).length > 600) break;
            found = up;
        }
        return found === el ? '' : text(found).slice(0, 600);
    };
    const state = el => {
        if (['switch', 'checkbox', 'radio'].includes(role)) return checked(el) ? 'on' : 'off';
        if (el.tagName === 'SELECT') return el.selectedOptions[0]?.label?.trim() ?? null;
        if (role === 'radiogroup') {
            const on = [...el.querySelectorAll('input[type=radio], [role=radio]')].find(checked);
            return on ? nameOf(on) : null;
        }
        if (el.getAttribute('aria-haspopup') || role === 'combobox') {
            const shown = el.cloneNode(true);
            shown.querySelectorAll('[aria-hidden=true]').forEach(n => n.remove());
            return (el.value || shown.textContent.replace(/\s+/g, ' ').trim()) || null;
        }
        return null;
    };
    return elements.map(el => ({
        order: everything.indexOf(el), context: section(el), state: state(el),
        known: marks.some(m => m === el || m.contains(el) || el.contains(m)),
        list: role === 'button' && !!el.getAttribute('aria-haspopup') && el.getAttribute('aria-haspopup') !== 'false',
        grouped: role === 'radio' && !!el.closest('[role=radiogroup]'),
        chrome: !!el.closest('header, nav, [role=banner], [role=navigation]'),
    }));
}"""
SNAPSHOT_LINE = re.compile(r'^\s*- (?P<role>[a-z]+)(?: (?P<name>"(?:[^"\\]|\\.)*"))?(?=[ :\n]|$)')  # unnamed too

# Elements that carry a role without saying so, for "the control in the region with the wording".
IMPLICIT_ROLES = {
    "checkbox": "self::input[@type='checkbox']",
    "radio": "self::input[@type='radio']",
    "combobox": "self::select",
    "button": "self::button",
    "link": "self::a[@href]",
    "textbox": "self::textarea or self::input[not(@type) or @type='text' or @type='email']",
}


@dataclass(frozen=True)
class LaunchOptions:
    headless: bool = True
    origin_map: list[Mapping] = field(default_factory=list)
    locale: str = "en-US"
    trace: bool = False  # record a Playwright trace per context, for Page.diagnose
    # `optout login`: a person signs in in a visible window, in their own Google Chrome when they
    # have one and without the "controlled by automated test software" banner. Nothing more:
    # sites see an ordinary browser with a person at it, not a disguised robot.
    person_signs_in: bool = False
    browser: str | None = None  # --browser: chrome, msedge, chromium or an executable's path


CHROME_NAMES = ("google-chrome", "google-chrome-stable", "chrome")
CHROME_PATHS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
)
EDGE_NAMES = ("microsoft-edge", "microsoft-edge-stable", "msedge")
EDGE_PATHS = (
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
    r"C:\Program Files\Microsoft\Edge\Application\msedge.exe",
)
# Where a person signs in: their own kind of browser, which sites such as Google accept.
PERSON_NAMES = (*CHROME_NAMES, *EDGE_NAMES)
PERSON_PATHS = (*CHROME_PATHS, *EDGE_PATHS)
CHROMIUM_NAMES = ("chromium", "chromium-browser")
CHROMIUM_PATHS = ("/Applications/Chromium.app/Contents/MacOS/Chromium",)
BROWSER_NAMES = (*CHROMIUM_NAMES, *CHROME_NAMES)
BROWSER_PATHS = (*CHROME_PATHS, *CHROMIUM_PATHS)
CHANNELS = ("chrome", "msedge")  # Playwright finds the installed Google Chrome or Microsoft Edge itself


def find_browser(prefer_chrome: bool = False) -> str | None:
    """OPTOUT_BROWSER, then (prefer_chrome) Google Chrome or Microsoft Edge, then an installed
    Chromium or Chrome; None means Playwright's own build."""
    configured = os.environ.get("OPTOUT_BROWSER")
    if configured:
        if not Path(configured).exists():
            raise BrowserUnavailable(f"OPTOUT_BROWSER points to {configured}, which does not exist.")
        return configured
    return (prefer_chrome and _installed(PERSON_NAMES, PERSON_PATHS)) or _installed(BROWSER_NAMES, BROWSER_PATHS)


def _installed(names: tuple[str, ...], paths: tuple[str, ...]) -> str | None:
    """The first of names on PATH, else the first of paths that exists."""
    on_path = (shutil.which(name) for name in names)
    return next((found for found in on_path if found), None) or next((p for p in paths if Path(p).exists()), None)


NO_BROWSER = (
    "No Chromium or Chrome browser was found. Install one (Debian/Ubuntu: `sudo apt-get install "
    "chromium`; macOS/Windows: Google Chrome), run `python -m playwright install chromium`, or "
    "set OPTOUT_BROWSER to a Chromium-based browser's executable."
)


def launch_target(options: LaunchOptions) -> tuple[str | None, str | None]:
    """What Playwright starts, as (channel, executable): --browser's channel (chrome, msedge),
    Chromium (the installed one, else Playwright's own build) or executable; without it,
    find_browser()."""
    choice = options.browser
    if choice in CHANNELS:
        return choice, None
    if choice == "chromium":
        return None, _installed(CHROMIUM_NAMES, CHROMIUM_PATHS)
    return None, choice or find_browser(prefer_chrome=options.person_signs_in)


def not_installed(exc: PlaywrightError, options: LaunchOptions) -> BrowserUnavailable | None:
    """The error for a browser that is not there (or cannot show a window), or None when exc is
    about something else."""
    if options.browser in CHANNELS and "is not found" in str(exc):  # Playwright's words for a missing channel
        return BrowserUnavailable(f"--browser {options.browser}: it is not installed on this machine.")
    if not options.headless and "without having a XServer running" in str(exc):
        return BrowserUnavailable("There is no screen here to open a browser window on (no DISPLAY): sign in on "
                                  "a machine with a desktop, or use `optout login PLATFORM --cdp URL` with a "
                                  "browser you run.")
    if "Executable doesn't exist" in str(exc):
        return BrowserUnavailable(NO_BROWSER)
    return None


def cookies_for(cookies: list[dict], domains: list[str]) -> list[dict]:
    """The cookies a browser would send to one of `domains` (a cookie for .google.com is sent to
    accounts.google.com), and none of any other site."""
    def applies(cookie: dict) -> bool:
        cookie_domain = cookie["domain"].lower().lstrip(".")
        return any(d == cookie_domain or d.endswith("." + cookie_domain) or cookie_domain.endswith("." + d)
                   for d in (d.lower() for d in domains))

    return [cookie for cookie in cookies if applies(cookie)]


async def session_over_cdp(url: str, domains: list[str]) -> dict:
    """The session of a browser the person already runs (started with --remote-debugging-port):
    only the cookies of `domains` are asked for and kept. Their browser stays open."""
    async with async_playwright() as playwright:
        try:
            browser = await playwright.chromium.connect_over_cdp(url, timeout=NAVIGATION_TIMEOUT_MS)
        except PlaywrightError:
            raise BrowserUnavailable(f"No browser answered at {url}: start Chrome with "
                                     "--remote-debugging-port=9222 and use --cdp http://localhost:9222.") from None
        try:
            urls = [f"https://{domain}/" for domain in domains]
            found = [cookie for context in browser.contexts for cookie in await context.cookies(urls)]
        finally:
            await browser.close()  # over CDP this only disconnects
    return {"cookies": cookies_for([dict(cookie) for cookie in found], domains), "origins": []}


@asynccontextmanager
async def launch(options: LaunchOptions) -> AsyncIterator[PlaywrightDriver]:
    """The one launch helper: a Chromium for this run, closed on the way out."""
    args = list(QUIET_CHROMIUM_FLAGS)
    if options.headless:
        args.append("--disable-gpu")  # no window to draw: software compositing costs less CPU (benchmark: -15%)
    if options.origin_map:
        # Pinned before the browser starts: only the mapped servers' own certificates are
        # accepted unchecked; every other site in the run is verified as usual.
        pins = await asyncio.to_thread(certificate_pins, options.origin_map)
        args.append(f"--host-resolver-rules={resolver_rules(options.origin_map)}")
        args.append(f"--ignore-certificate-errors-spki-list={','.join(pins)}")
    if sys.platform.startswith("linux") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to start its sandbox as root
    # Older Playwright releases pass --enable-automation, which shows the "controlled by automated
    # test software" banner: a person signing in should see their ordinary browser.
    ignored = ["--enable-automation"] if options.person_signs_in else None
    async with async_playwright() as playwright:
        try:
            channel, executable = launch_target(options)
            browser = await playwright.chromium.launch(channel=channel, executable_path=executable, args=args,
                                                       headless=options.headless, ignore_default_args=ignored)
        except PlaywrightError as exc:
            missing = not_installed(exc, options)
            if missing:
                raise missing from None
            raise
        try:
            yield PlaywrightDriver(browser, options)
        finally:
            await browser.close()


class PlaywrightDriver:
    def __init__(self, browser, options: LaunchOptions):
        self.browser = browser
        self.options = options

    @property
    def version(self) -> str:
        """The browser's own version, as `optout doctor` shows it."""
        return self.browser.version

    async def open_page(self, platform: str, domains: list[str], session: dict | None) -> PlaywrightPage:
        context = await self.browser.new_context(
            locale=self.options.locale,
            viewport={"width": 1280, "height": 900},
            storage_state=session,
            # Certificates are always checked; a mapped replica's is accepted by its pinned key (launch).
            ignore_https_errors=False,
        )
        page = await context.new_page()
        page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        await context.route("**/*", _refuse_foreign_navigation(page, domains))
        if self.options.trace:
            # DOM snapshots only: screencast frames would show a one-time code as it is typed.
            await context.tracing.start(snapshots=True, screenshots=False)
        return PlaywrightPage(page, domains, tracing=self.options.trace, session=session)

    async def close_page(self, page: Page) -> None:
        assert isinstance(page, PlaywrightPage)  # the pages this driver opened
        await page.page.context.close()


@asynccontextmanager
async def acting(verb: str, locator: Locator) -> AsyncIterator[None]:
    """An action that times out means the page is not what the flow expects: say which control."""
    try:
        yield
    except PlaywrightTimeout:
        raise ActionFailed(f"Could not {verb} {locator.describe()} within {ACTION_TIMEOUT_MS // 1000}s: "
                           "it stayed hidden, disabled or covered by something else.") from None


def _refuse_foreign_navigation(page: PwPage, domains: list[str]):
    async def handle(route, request) -> None:
        host = urlsplit(request.url).hostname or ""
        top_level = request.is_navigation_request() and request.frame == page.main_frame
        if top_level and not host_allowed(host, domains):
            await route.abort("blockedbyclient")
        else:
            await route.fallback()

    return handle


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
        return await self.resolve(locator).evaluate(
            r"""el => {
                if (el.tagName === 'SELECT') return el.selectedOptions[0]?.label?.trim() ?? null;
                if (el.getAttribute('aria-haspopup')) {  // a dropdown button (Primer's ActionMenu) shows its value
                    const shown = el.cloneNode(true);
                    shown.querySelectorAll('[aria-hidden=true]').forEach(n => n.remove());
                    return shown.textContent.replace(/\s+/g, ' ').trim() || null;
                }
                const on = el.querySelector('input[type=radio]:checked, [role=radio][aria-checked=true]');
                if (!on) return null;
                // Its accessible name, in ARIA's order, as choose() finds options by: a custom radio's
                // own text often holds its description too.
                const labelledBy = (on.getAttribute('aria-labelledby') ?? '').split(/\s+/)
                    .map(id => document.getElementById(id)?.textContent ?? '').join(' ');
                const label = labelledBy.trim() || on.getAttribute('aria-label') || on.labels?.[0]?.innerText
                    || on.innerText;
                return label.replace(/\s+/g, ' ').trim();
            }""")

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
