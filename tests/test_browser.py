"""The Playwright adapter itself, in real Chromium against the LinkedIn replica."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
from pathlib import Path

import pytest

from optout import browser
from optout.browser import LaunchOptions, find_browser, launch
from optout.driver import ActionFailed, NavigationError
from optout.flow import Locator
from optout.flow.loader import bundled_flows
from optout.originmap import Mapping, OriginUnreachable
from optout.replica import HOSTS, start_replica
from optout.runner import Runner

pytestmark = pytest.mark.browser
DOMAINS = ["www.linkedin.com", "linkedin.com"]
LOGIN = "https://www.linkedin.com/login"
MASK_COLOUR = (255, 0, 255)  # Playwright's default mask colour


def in_browser(replicas, scenario, domains=DOMAINS):
    """Run scenario(page) in a fresh Chromium whose LinkedIn traffic goes to the replica. So does
    evil.example.com's, so that only the adapter's domain rule can keep a page away from it."""
    port = replicas["linkedin"].port
    hosts = [*HOSTS["linkedin"], "evil.example.com"]
    options = LaunchOptions(origin_map=[Mapping(host, "127.0.0.1", port) for host in hosts])

    async def go():
        async with launch(options) as driver:
            page = await driver.open_page("linkedin", domains, None)
            try:
                return await scenario(page)
            finally:
                await driver.close_page(page)

    return asyncio.run(go())


def test_goto_outside_the_flow_domains_is_refused(replicas):
    async def scenario(page):
        with pytest.raises(NavigationError) as raised:
            await page.goto("https://evil.example.com/")
        return str(raised.value)

    assert in_browser(replicas, scenario) == (
        "Refused to open https://evil.example.com/: it is outside www.linkedin.com, linkedin.com.")


def test_a_page_cannot_navigate_the_tab_off_the_platform(replicas):
    async def scenario(page):
        await page.goto(LOGIN)
        await page.page.evaluate("location.href = 'https://evil.example.com/login'")
        await page.wait(1)
        return page.url

    assert in_browser(replicas, scenario) == "chrome-error://chromewebdata/"  # refused, never loaded


def test_typed_password_is_masked_in_screenshots(replicas, tmp_path):
    shot = tmp_path / "login.png"

    async def scenario(page):
        await page.goto(LOGIN)
        await page.fill(Locator(label="Password"), "a-secret-password")
        box = await page.resolve(Locator(label="Password")).bounding_box()
        await page.screenshot(shot)
        data = base64.b64encode(shot.read_bytes()).decode()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        await page.page.set_content("<canvas id=c width=1280 height=900></canvas>")
        return await page.page.evaluate(
            """async ([data, x, y]) => {
                const image = new Image();
                image.src = 'data:image/png;base64,' + data;
                await image.decode();
                const context = document.getElementById('c').getContext('2d');
                context.drawImage(image, 0, 0);
                return Array.from(context.getImageData(x, y, 1, 1).data.slice(0, 3));
            }""", [data, x, y])

    assert tuple(in_browser(replicas, scenario)) == MASK_COLOUR


def test_a_covered_control_is_reported_by_name_not_waited_on_for_ever(replicas):
    async def scenario(page):
        await page.goto(LOGIN)
        await page.page.set_content(
            '<button role="switch" aria-checked="true">Use my data</button>'
            '<div style="position:fixed;inset:0;background:white">A consent banner</div>')
        with pytest.raises(ActionFailed) as raised:
            await page.click(Locator(role="switch", name="Use my data"))
        return str(raised.value)

    assert in_browser(replicas, scenario) == ('Could not click switch "Use my data" within 10s: '
                                              "it stayed hidden, disabled or covered by something else.")


def test_only_the_mapped_servers_certificate_is_accepted(replicas):
    """The replica's throwaway certificate is accepted at the mapped name; another server's
    throwaway certificate, at a name or address no map sends anywhere, is not."""
    other = start_replica("linkedin")  # same pages, its own certificate
    unmapped = f"https://127.0.0.1:{other.port}/login"

    async def scenario(page):
        mapped_status = await page.goto(LOGIN)
        with pytest.raises(NavigationError) as raised:
            await page.goto(unmapped)
        return mapped_status, str(raised.value)

    try:
        # 127.0.0.1 is among the page's domains: only the certificate may stop the second page.
        assert in_browser(replicas, scenario, [*DOMAINS, "127.0.0.1"]) == (200, f"Could not load {unmapped} (net::ERR_CERT_AUTHORITY_INVALID).")
    finally:
        other.stop()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_playwright_s_driver_keeps_its_compiled_code_under_optout_home(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTOUT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NODE_COMPILE_CACHE")

    async def go():
        async with launch(LaunchOptions()):
            pass

    asyncio.run(go())
    cache = tmp_path / "home" / "cache" / "node"
    assert list(cache.iterdir())  # Node wrote the compiled driver there when it stopped
    assert cache.stat().st_mode & 0o777 == 0o700
    assert "NODE_COMPILE_CACHE" not in os.environ  # set only while the driver started


def test_a_mapped_address_where_no_tls_server_answers_stops_the_launch():
    port = closed_port()
    options = LaunchOptions(origin_map=[Mapping("www.linkedin.com", "127.0.0.1", port)])

    async def go():
        async with launch(options):
            pytest.fail("the browser started")

    with pytest.raises(OriginUnreachable) as raised:
        asyncio.run(go())
    assert str(raised.value) == (f"origin map www.linkedin.com=127.0.0.1:{port}: no TLS server answers at "
                                 f"127.0.0.1:{port} (Connection refused). Start the replica there, or fix the map.")


def test_a_person_signing_in_gets_google_chrome_when_installed(tmp_path, monkeypatch):
    monkeypatch.delenv("OPTOUT_BROWSER", raising=False)
    chrome = tmp_path / "google-chrome"
    chrome.write_text("#!/bin/sh\n")
    chrome.chmod(0o755)
    chromium = find_browser()
    monkeypatch.setenv("PATH", f"{tmp_path}:{Path(chromium).parent}")

    assert find_browser(prefer_chrome=True) == str(chrome)
    assert find_browser() == chromium  # runs keep Chromium first, as before
    monkeypatch.setenv("OPTOUT_BROWSER", chromium)
    assert find_browser(prefer_chrome=True) == chromium  # the person's own choice wins


def test_the_sign_in_browser_is_not_marked_as_automated():
    async def command_line():
        async with launch(LaunchOptions(person_signs_in=True)) as driver:
            page = await driver.browser.new_page()
            await page.goto("chrome://version")
            return await page.locator("#command_line").inner_text()

    assert "--enable-automation" not in asyncio.run(command_line())


class Stop(Exception):
    pass


def test_only_optout_login_launches_the_browser_for_a_person(monkeypatch):
    launched: list[LaunchOptions] = []

    class Refused:  # the launch is all this test looks at
        async def __aenter__(self):
            raise Stop

        async def __aexit__(self, *exc_info):
            return False

    monkeypatch.setattr(browser, "launch", lambda options: launched.append(options) or Refused())
    runner = Runner([])

    with pytest.raises(Stop):
        runner.login(bundled_flows()["linkedin"].flow, timeout=1)
    runner.browser()

    assert [options.person_signs_in for options in launched] == [True, False]


SCAN_PAGE = """<header><button aria-haspopup="dialog" aria-label="Ask Copilot">Copilot</button></header><main>
<section><h2>AI features</h2><p>Let us train models.</p><label><input type=checkbox checked> Use my data</label></section>
<section><h2>Messages</h2><div role=radiogroup aria-label="Who can message you">
  <label><input type=radio name=who checked>Everyone</label><label><input type=radio name=who>Nobody</label></div></section>
<section><h2>Language</h2><label>Language <select><option>English</option><option selected>French</option></select></label>
</section>
<section><h2>Copilot</h2><button aria-haspopup="menu" aria-label="Copilot access">Enabled</button><button>Save</button>
</section>
<section><h2>Grok</h2><p>Train Grok on my posts</p><button role=switch aria-checked=true></button></section>
<section><h2>Known</h2><p>Use my data for training content creation AI models</p>
  <button role=switch aria-checked=false aria-label="On"></button></section>
<div style="display:none"><button role=switch aria-checked=true aria-label="Hidden"></button></div>
</main>"""


def test_controls_come_with_their_section_state_and_whether_a_locator_knows_them(replicas):
    known = [Locator(role="switch", within="Use my data for training content creation AI models")]

    async def scenario(page):
        await page.goto(LOGIN)
        await page.page.set_content(SCAN_PAGE)
        # When the snapshot and the page's elements disagree (a frame), each name is looked up alone.
        by_name = await page._details_by_name("radio", ["Nobody", "Nobody"], [])
        return await page.controls(("switch", "checkbox", "radiogroup", "radio", "combobox", "button"), known), by_name

    found, by_name = in_browser(replicas, scenario)
    assert [(d["context"], d["state"]) for d in by_name] == [("Nobody", "off"), ("", None)]
    assert [(c.role, c.name, c.state, c.known, c.opens_list, c.in_group) for c in found] == [
        ("button", "Ask Copilot", "Copilot", False, True, False),  # the site's own menu, not a setting
        ("checkbox", "Use my data", "on", False, False, False),
        ("radiogroup", "Who can message you", "Everyone", False, False, False),
        ("radio", "Everyone", "on", False, False, True),
        ("radio", "Nobody", "off", False, False, True),
        ("combobox", "Language", "French", False, False, False),
        ("button", "Copilot access", "Enabled", False, True, False),
        ("button", "Save", None, False, False, False),
        ("switch", "", "on", False, False, False),  # unnamed: its section says what it is
        ("switch", "On", "off", True, False, False),
    ]
    # Each control's own section: up to the next control, so a neighbour's words never count.
    assert [c.in_chrome for c in found] == [True] + [False] * 9
    assert [c.context for c in found] == [
        "", "AI features Let us train models. Use my data", "Messages Everyone Nobody", "Everyone", "Nobody",
        "Language Language", "Copilot Enabled Save", "", "Grok Train Grok on my posts",
        "Known Use my data for training content creation AI models"]


@pytest.mark.parametrize("choice, expected", [
    ("chrome", ("chrome", None)),  # Playwright's channels: the installed Google Chrome or Microsoft Edge
    ("msedge", ("msedge", None)),
    ("/opt/brave/brave", (None, "/opt/brave/brave")),
])
def test_browser_choice_is_a_channel_or_an_executable(choice, expected):
    assert browser.launch_target(LaunchOptions(browser=choice)) == expected


def test_chromium_is_the_installed_one_and_a_person_gets_edge_when_there_is_no_chrome(tmp_path, monkeypatch):
    monkeypatch.delenv("OPTOUT_BROWSER", raising=False)
    chromium = find_browser()
    edge = tmp_path / "microsoft-edge"
    edge.write_text("#!/bin/sh\n")
    edge.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{Path(chromium).parent}")

    assert browser.launch_target(LaunchOptions(browser="chromium")) == (None, chromium)
    assert browser.launch_target(LaunchOptions(person_signs_in=True)) == (None, str(edge))
    assert browser.launch_target(LaunchOptions()) == (None, chromium)


def test_only_the_cookies_a_flow_s_sites_would_get_are_taken():
    cookies = [{"name": n, "domain": d} for n, d in [
        ("li_at", ".linkedin.com"), ("lang", "www.linkedin.com"), ("SID", ".google.com"),
        ("evil", "linkedin.com.evil.example"), ("other", ".example.org"), ("sub", "api.linkedin.com")]]
    assert [c["name"] for c in browser.cookies_for(cookies, ["www.linkedin.com", "linkedin.com"])] == [
        "li_at", "lang", "sub"]
    assert [c["name"] for c in browser.cookies_for(cookies, ["gemini.google.com"])] == ["SID"]


def test_a_window_with_no_screen_or_a_missing_channel_is_one_clear_error():
    from playwright.async_api import Error

    no_screen = Error("Looks like you launched a headed browser without having a XServer running.")
    assert str(browser.not_installed(no_screen, LaunchOptions(headless=False))).startswith(
        "There is no screen here to open a browser window on (no DISPLAY)")
    missing = Error('Chromium distribution "msedge" is not found at /opt/microsoft/msedge/msedge')
    assert str(browser.not_installed(missing, LaunchOptions(browser="msedge"))) == (
        "--browser msedge: it is not installed on this machine.")
    assert browser.not_installed(Error("Target closed"), LaunchOptions()) is None
