"""When a flow's control is not on the page: a flow_outdated Outcome that says why it may be
missing (the page is in another language than the flow's labels) and what the page has instead
(candidates: controls of the expected kind, to fix the flow with, never to click)."""

from __future__ import annotations

import difflib

from optout.driver import Page
from optout.engine.account import Outcome
from optout.flow import Flow, Locator
from optout.progress import Progress
from optout.results import State

MAX_CANDIDATES = 5
# Roles worth suggesting when a control of one of these roles is missing (a switch may become a checkbox).
CANDIDATE_ROLES = {"switch": ("switch", "checkbox"), "checkbox": ("checkbox", "switch"),
                   "radio": ("radio", "radiogroup"), "radiogroup": ("radiogroup", "radio"),
                   "combobox": ("combobox", "button"), "button": ("button", "combobox", "link"),
                   "menuitem": ("menuitem", "menuitemradio"), "menuitemradio": ("menuitemradio", "menuitem")}
ANY_CONTROL = ("switch", "checkbox", "radio", "combobox", "button", "link", "textbox")
LANGUAGES = {
    "ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
    "es": "Spanish", "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian",
    "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean", "nb": "Norwegian", "nl": "Dutch",
    "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sv": "Swedish",
    "th": "Thai", "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}


async def not_found(page: Page, flow: Flow, target: list[Locator], timeout: float, say: Progress) -> Outcome:
    tried = "; ".join(loc.describe() for loc in target)
    detail = (f"Nothing on {page.url} matched {tried} within {timeout:g}s. "
              f"{flow.name} may have moved or renamed the setting.")
    language = await page.language()
    primary = (language or "").split("-")[0].lower()
    if primary and primary not in flow.languages:
        detail += (f" The page is in {LANGUAGES.get(primary, 'another language')} ({language}) and this flow's "
                   f"labels are in {', '.join(LANGUAGES.get(code, code) for code in flow.languages)}: "
                   f"switch {flow.name}'s language to English, or add labels for that language "
                   "(a local flow, see docs/flows.md).")
    found = await candidates(page, target, say)
    if found:
        detail += " Similar controls on the page: " + "; ".join(f'{c["role"]} "{c["name"]}"' for c in found) + "."
    return Outcome(State.FLOW_OUTDATED, detail, found)


async def candidates(page: Page, target: list[Locator], say: Progress) -> list[dict]:
    """The named controls of the target's roles (or any control), most like its wording first."""
    roles = tuple(dict.fromkeys(r for loc in target if loc.role for r in CANDIDATE_ROLES.get(loc.role, (loc.role,))))
    wordings = [w for loc in target for w in (loc.name, loc.name_pattern, loc.within, loc.label, loc.text,
                                               loc.text_pattern) if w]
    try:
        found = await page.controls(roles or ANY_CONTROL)
    except Exception as exc:  # suggestions are a help; the result stands without them
        say(f"no candidates: {type(exc).__name__}")
        return []

    def likeness(control: tuple[str, str]) -> float:
        name = control[1].lower()
        return max((difflib.SequenceMatcher(None, name, w.lower()).ratio() for w in wordings), default=0.0)

    named = [c for c in dict.fromkeys((c.role, c.name) for c in found) if c[1].strip()]
    ranked = sorted(named, key=likeness, reverse=True)[:MAX_CANDIDATES]
    return [{"role": role, "name": name} for role, name in ranked]
