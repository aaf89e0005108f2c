"""One reader and one changer per control kind: what opted out looks like on the page, how to
get there, and how to say it. A form is not read or changed but sent once (PlatformRun.submit_form)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from optout.driver import Page
from optout.flow import Locator
from optout.flow.controls import Changeable, Menu, Options, Toggle

if TYPE_CHECKING:
    from optout.engine.run import PlatformRun

MENU_SECONDS = 10  # a menu's item and an after_change step show at once or not at all


def targets(control: Changeable) -> list[Locator]:
    """What to look for on the page. A menu's action button can vanish once opted out; what
    shows instead (opted_out_when) is the state."""
    if isinstance(control, Menu):
        return control.find + control.opted_out_when
    return list(control.find)


async def read(page: Page, control: Changeable, locator: Locator) -> bool:
    """True when the control found at locator shows the opted-out value."""
    if isinstance(control, Toggle):
        return await page.is_checked(locator) == control.opted_out
    if isinstance(control, Options):
        return await page.selected_option(locator) == control.opted_out
    assert isinstance(control, Menu)
    return locator in control.opted_out_when  # which of the targets showed says the state


async def change(run: PlatformRun, control: Changeable, locator: Locator) -> None:
    """Set the control found at locator to its opted-out value (the caller re-reads it)."""
    if isinstance(control, Toggle):
        await run.page.click(locator)
    elif isinstance(control, Options):
        await run.page.choose(locator, control.opted_out)
    else:
        assert isinstance(control, Menu)
        await run.page.click(locator)
        option = control.opted_out  # a plain menu item, or one that shows a checked state
        await run.click_unique([Locator(role="menuitem", name=option), Locator(role="menuitemradio", name=option)],
                               MENU_SECONDS)


def describe_value(control: Changeable) -> str:
    if isinstance(control, Toggle):
        return "on" if control.opted_out else "off"
    assert isinstance(control, (Options, Menu))  # the only other kinds that can be changed
    return f'"{control.opted_out}"'


def opted_out_detail(control: Changeable) -> str:
    if isinstance(control, Toggle):
        return f"Opted out: the {control.kind} is {describe_value(control)}."
    return f"Opted out: {describe_value(control)} is chosen."


def opted_in_detail(control: Changeable) -> str:
    if isinstance(control, Toggle):
        actual = "off" if control.opted_out else "on"
        return f"Opted in: the {control.kind} is {actual} ({describe_value(control)} means opted out)."
    return f"Opted in: {describe_value(control)} is not chosen."
