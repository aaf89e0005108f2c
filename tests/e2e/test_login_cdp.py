"""`optout login PLATFORM --cdp URL` against a real Chromium the person runs themselves (its own
profile, --remote-debugging-port): only the platform's cookies are taken, the saved session
signs the checks in, and the person's browser keeps running."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from optout.browser import find_browser
from optout.originmap import parse_origin_map, resolver_rules
from optout.replica import HOSTS
from optout.sessions import SessionStore
from tests.fakes import CLI_KEYRING_SERVICE

pytestmark = pytest.mark.browser

STARTUP_SECONDS = 20
FOREIGN = [  # another site, and one whose name merely starts like LinkedIn's
    {"name": "shop", "value": "s3cret-shop-cookie", "domain": ".example.org", "path": "/"},
    {"name": "li_at", "value": "s3cret-phish-cookie", "domain": "linkedin.com.evil.example", "path": "/"},
]
LINKEDIN_WIDE = {"name": "lang", "value": "v=2&lang=en-us", "domain": ".linkedin.com", "path": "/"}


@dataclass
class PersonsBrowser:
    process: subprocess.Popen
    url: str  # what the person gives to --cdp

    def running(self) -> bool:
        """Still up and still answering on its DevTools port."""
        try:
            with urllib.request.urlopen(f"{self.url}/json/version", timeout=5) as answer:
                return self.process.poll() is None and answer.status == 200
        except OSError:  # refused: nothing listens there any more
            return False

    def give_cookies(self, cookies: list, visit: str | None = None) -> None:
        """What signing in leaves in the person's profile, put there over CDP; then disconnect."""
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.connect_over_cdp(self.url)
            context = browser.contexts[0]  # the profile's own context, not one Playwright made
            context.add_cookies(cookies)
            if visit:  # the person's tab on the site, through the replica mapping
                page = context.pages[0] if context.pages else context.new_page()
                page.goto(visit)
                assert "/login" not in page.url, page.url  # the cookies sign the person in there
            browser.close()  # over CDP this only disconnects


@pytest.fixture
def persons_browser(replicas, tmp_path) -> Iterator[PersonsBrowser]:
    """A Chromium started as a person would, its debugging port chosen by itself (port 0)."""
    executable = find_browser()
    if executable is None:
        pytest.skip("no Chromium or Chrome is installed (optout.browser.find_browser() found none)")
    profile = tmp_path / "persons-profile"
    routes = parse_origin_map([f"{host}=127.0.0.1:{replicas['linkedin'].port}" for host in HOSTS["linkedin"]])
    args = [executable, "--headless", f"--user-data-dir={profile}", "--remote-debugging-port=0",
            "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
            f"--host-resolver-rules={resolver_rules(routes)}", "--ignore-certificate-errors",
            *(["--no-sandbox"] if os.geteuid() == 0 else []), "about:blank"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield PersonsBrowser(process, f"http://127.0.0.1:{devtools_port(profile, process)}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def devtools_port(profile: Path, process: subprocess.Popen) -> int:
    """The port Chromium writes to DevToolsActivePort (first line) once it listens."""
    deadline = time.monotonic() + STARTUP_SECONDS
    active = profile / "DevToolsActivePort"
    while time.monotonic() < deadline and process.poll() is None:
        lines = active.read_text().splitlines() if active.exists() else []
        if len(lines) == 2:  # the port, then the browser's websocket path: written in full
            return int(lines[0])
        time.sleep(0.05)  # polled: Chromium gives no other signal that it listens
    raise AssertionError(f"Chromium did not open its DevTools port (exit code {process.poll()})")


def saved_session(cli, monkeypatch) -> dict | None:
    monkeypatch.setenv("OPTOUT_KEYRING_SERVICE", CLI_KEYRING_SERVICE)  # the key the CLI under test made
    return SessionStore(cli.home).load("linkedin")


def test_login_cdp_takes_only_linkedin_s_cookies_and_the_session_signs_checks_in(
        cli, linkedin, persons_browser, monkeypatch):
    signed_in = linkedin.admin("session")["cookies"]  # a session the running replica accepts
    persons_browser.give_cookies([*signed_in, LINKEDIN_WIDE, *FOREIGN],
                                 visit="https://www.linkedin.com/mypreferences/d/categories/privacy")

    taken = cli("login", "linkedin", "--cdp", persons_browser.url)
    assert (taken.returncode, taken.stdout) == (0, (
        f"Took the cookies of linkedin.com, www.linkedin.com from the browser at {persons_browser.url}, and no "
        "others; the session for LinkedIn is saved (encrypted).\n"))
    assert persons_browser.running()  # optout only disconnected

    saved = saved_session(cli, monkeypatch)
    assert saved is not None
    assert sorted((c["domain"], c["name"]) for c in saved["cookies"]) == sorted(
        [(c["domain"], c["name"]) for c in signed_in] + [(".linkedin.com", "lang")])
    assert not {"s3cret-shop-cookie", "s3cret-phish-cookie"} & {c["value"] for c in saved["cookies"]}

    code, checked = cli.json("check", "linkedin")
    states = {r["setting"]: r["state"] for r in checked["results"]}
    assert (code, states) == (1, {"generative-ai": "opted_in", "research": "opted_in"}), json.dumps(checked)
    assert linkedin.state()["sign_ins"] == 0  # the taken session, not a sign-in, read the switches


def test_login_cdp_with_no_browser_or_no_linkedin_cookie_is_one_line_and_saves_nothing(
        cli, persons_browser, monkeypatch):
    with socket.socket() as bound:  # bound but never listening: a connection there is refused
        bound.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{bound.getsockname()[1]}"
        refused = cli("login", "linkedin", "--cdp", nowhere)
    assert (refused.returncode, refused.stdout) == (3, "")
    assert refused.stderr.splitlines()[-1] == (
        f"error: No browser answered at {nowhere}: start Chrome with --remote-debugging-port=9222 and use "
        "--cdp http://localhost:9222.")

    persons_browser.give_cookies(FOREIGN)
    empty = cli("login", "linkedin", "--cdp", persons_browser.url)
    assert (empty.returncode, empty.stdout) == (3, "")
    assert empty.stderr.splitlines()[-1] == (
        f"error: The browser at {persons_browser.url} has no cookies of www.linkedin.com, linkedin.com: sign in "
        "to LinkedIn there first; nothing was saved.")
    assert saved_session(cli, monkeypatch) is None
    assert persons_browser.running()
