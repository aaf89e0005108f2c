"""Starting Chromium (which browser, with which flags), a context per platform, and sessions over CDP."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page as PwPage
from playwright.async_api import Playwright, async_playwright

from optout.addresses import host_allowed
from optout.browser.page import ACTION_TIMEOUT_MS, NAVIGATION_TIMEOUT_MS, PlaywrightPage
from optout.driver import BrowserUnavailable, Page
from optout.home import private_dir
from optout.originmap import Mapping, certificate_pins, resolver_rules

QUIET_CHROMIUM_FLAGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


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
async def playwright_driver() -> AsyncIterator[Playwright]:
    """Playwright's driver for one launch. It is a Node.js program that compiles megabytes of
    JavaScript at every start; Node 22.1+ keeps the compiled code in NODE_COMPILE_CACHE, so later
    starts skip that (0.31 to 0.25 s a launch here). The cache is under OPTOUT_HOME (0700): the
    driver runs only code this user could write. A cache the person chose is left as it is, and
    the variable is set only while the driver starts."""
    chosen = "NODE_COMPILE_CACHE" in os.environ
    os.environ.setdefault("NODE_COMPILE_CACHE", str(private_dir("cache", "node")))
    try:
        playwright = await async_playwright().start()
    finally:
        if not chosen:
            del os.environ["NODE_COMPILE_CACHE"]
    try:
        yield playwright
    finally:
        await playwright.stop()


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
    async with playwright_driver() as playwright:
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


def _refuse_foreign_navigation(page: PwPage, domains: list[str]):
    async def handle(route, request) -> None:
        host = urlsplit(request.url).hostname or ""
        top_level = request.is_navigation_request() and request.frame == page.main_frame
        if top_level and not host_allowed(host, domains):
            await route.abort("blockedbyclient")
        else:
            await route.fallback()

    return handle
