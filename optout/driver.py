"""What the engine needs from a browser. The Playwright adapter (optout.browser) implements it;
tests implement it with an in-memory fake. Nothing here imports Playwright."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from optout.errors import OptoutError
from optout.flow import Locator
from optout.flow.schema import Interruption


class BrowserUnavailable(OptoutError):
    """No browser could be started; the message says how to install one."""


class ActionFailed(Exception):
    """A click, choice or typing could not be done: the page is not the one the flow describes."""


class NavigationError(Exception):
    """A page could not be loaded: timeout, network failure, or a URL outside the flow's domains."""


class NavigationRefused(NavigationError):
    """The URL is outside the flow's domains: trying again cannot change that."""


@dataclass(frozen=True)
class Control:
    """A control as the page shows it: its ARIA role and accessible name, the text of the section it
    sits in (its row or card, up to the next control), and its state ("on", "off", the chosen
    option, a menu button's value; None when it has none)."""

    role: str
    name: str
    context: str = ""
    state: str | None = None
    known: bool = False  # one of the locators given to Page.controls matches it (a flow covers it)
    opens_list: bool = False  # a button that opens a menu or list: a dropdown showing its value
    in_group: bool = False  # a radio inside a radio group (the group is the control)
    in_chrome: bool = False  # in the site's header or navigation (a menu of the site, not a setting)


class Page(Protocol):
    """One platform's tab, in its own browser context (cookies are per platform)."""

    @property
    def url(self) -> str: ...

    async def goto(self, url: str) -> int:
        """Load url and return the HTTP status of the main document."""

    async def reload(self) -> int: ...

    async def count(self, locator: Locator) -> int:
        """How many visible elements match the locator right now."""

    async def is_checked(self, locator: Locator) -> bool: ...

    async def selected_option(self, locator: Locator) -> str | None:
        """The label of the selected option of a dropdown or radio group."""

    async def click(self, locator: Locator) -> None: ...

    async def choose(self, locator: Locator, option: str) -> None:
        """Select option (by label) in a dropdown or radio group."""

    async def fill(self, locator: Locator, value: str) -> None:
        """Type into a field. Values may be secrets: implementations never log them."""

    async def texts(self, locator: Locator) -> list[str]:
        """The visible text of every element that matches (for lists of items)."""

    async def settle(self) -> None:
        """Wait until the page has finished what an action started (saves, navigations)."""

    async def screenshot(self, path: Path, around: Locator | None = None) -> None:
        """Save evidence: the viewport, scrolled to `around`, with password fields masked."""

    async def session_state(self) -> dict:
        """Cookies and storage, to save the session."""

    async def diagnose(self, directory: Path, secrets: list[str]) -> None:
        """Save screenshot.png, trace.zip (what happened since the last diagnosis, when tracing is
        on) and aria-snapshot.yaml in directory, with `secrets` and cookie values scrubbed."""

    async def wait(self, seconds: float) -> None: ...

    async def press(self, key: str) -> None:
        """Press a key on the page (Escape closes a dialog)."""

    async def language(self) -> str | None:
        """The page's language: <html lang>, e.g. "de" or "en-GB"; None when it does not say."""

    async def controls(self, roles: tuple[str, ...], known: Sequence[Locator] = ()) -> list[Control]:
        """Every visible control of these roles, in page order. `known` marks the controls these
        locators match (or that hold a match, as a radio group holds a radio)."""

    async def watch_for(self, interruptions: list[Interruption]) -> None:
        """Dismiss these whenever one covers a control the engine is acting on."""

    async def dismiss(self, interruption: Interruption) -> bool:
        """Dismiss it now if it shows, with the one control the flow names; False when it does not
        show or that control is not there exactly once."""

    def take_dismissed(self) -> list[str]:
        """The names of interruptions dismissed while acting since the last call."""


class Driver(Protocol):
    async def open_page(self, platform: str, domains: list[str], session: dict | None) -> Page:
        """A page in a fresh context; top-level navigation outside `domains` is refused."""

    async def close_page(self, page: Page) -> None: ...
