"""The Playwright adapter: the only package that imports Playwright.

One launch helper starts one Chromium per run; every platform gets its own context (cookies
never cross platforms), navigation outside a flow's domains is refused, and evidence
screenshots mask password and one-time-code fields. launcher.py starts the browser and opens a
context per platform, page.py drives a platform's page, snippets.py holds the JavaScript and CSS.

Callers use `browser.launch(...)` through this package, looked up when called (tests replace it).
"""

from optout.browser.launcher import (
    LaunchOptions,
    cookies_for,
    find_browser,
    launch,
    launch_target,
    not_installed,
    session_over_cdp,
)

__all__ = ["LaunchOptions", "cookies_for", "find_browser", "launch", "launch_target", "not_installed",
           "session_over_cdp"]
