"""poll_until(): the one deadline loop. Pages render late and change under the engine; every
wait for something to show (a control, a signed-in page, a person finishing a sign-in) is this."""

from __future__ import annotations

import asyncio
from typing import Awaitable, Callable, TypeVar

from optout.driver import Page

POLL_SECONDS = 0.25
T = TypeVar("T")


async def poll_until(page: Page, attempt: Callable[[], Awaitable[T | None]], timeout: float) -> T | None:
    """attempt() until it returns something, or None once timeout passed (it runs at least once).
    Waits go through the page, so an in-memory page can make them take no time."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await attempt()
        if value is not None or loop.time() >= deadline:
            return value
        await page.wait(POLL_SECONDS)
