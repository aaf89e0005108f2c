"""pytest-playwright's fixtures (`page`, `context`, `browser`) for the replica tests that drive a
page, pointed at the replicas: Debian's Chromium (optout.browser.find_browser), every replica
host mapped to its server (--host-resolver-rules) and the servers' throwaway certificates
accepted. `--headed` and `--slowmo` work as pytest-playwright documents them.

The browser lives as long as this package's tests, not the session: while pytest-playwright's
sync Playwright runs, asyncio.run() cannot be called in the same process, and later test modules
drive the browser through optout's asyncio adapter. So `playwright` and `browser` are overridden
here with package scope."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from optout.browser import find_browser

PAGE_TIMEOUT_MS = 5000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, replica_servers) -> dict:
    rules = ", ".join(server.host_resolver_rules for server in replica_servers.values())
    args = [f"--host-resolver-rules={rules}", *(["--no-sandbox"] if os.geteuid() == 0 else [])]
    return {**browser_type_launch_args, "executable_path": find_browser(), "args": args}


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="package")
def browser(playwright: Playwright, browser_type_launch_args: dict) -> Iterator[Browser]:
    launched = playwright.chromium.launch(**browser_type_launch_args)
    yield launched
    launched.close()


@pytest.fixture(scope="package")
def browser_context_args() -> dict:
    return {"ignore_https_errors": True}  # the replicas' self-signed certificates


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    return page


@pytest.fixture
def sign_in(context: BrowserContext, replicas) -> Callable[[str], None]:
    """sign_in(replica): give the test's context a session on that replica, as `optout login` would."""

    def sign_in_(name: str) -> None:
        context.add_cookies(replicas[name].admin("session")["cookies"])

    return sign_in_
