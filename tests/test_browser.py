"""The Playwright adapter itself, in real Chromium against the LinkedIn replica."""

from __future__ import annotations

import asyncio
import base64

import pytest

from optout.browser import LaunchOptions, launch
from optout.driver import ActionFailed, NavigationError
from optout.originmap import Mapping
from optout.replica import HOSTS
from optout.schema import Locator

pytestmark = pytest.mark.browser
DOMAINS = ["www.linkedin.com", "linkedin.com"]
LOGIN = "https://www.linkedin.com/login"
MASK_COLOUR = (255, 0, 255)  # Playwright's default mask colour


def in_browser(replicas, scenario):
    """Run scenario(page) in a fresh Chromium whose LinkedIn traffic goes to the replica. So does
    evil.example.com's, so that only the adapter's domain rule can keep a page away from it."""
    port = replicas["linkedin"].port
    hosts = [*HOSTS["linkedin"], "evil.example.com"]
    options = LaunchOptions(origin_map=[Mapping(host, "127.0.0.1", port) for host in hosts])

    async def go():
        async with launch(options) as driver:
            page = await driver.open_page("linkedin", DOMAINS, None)
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
