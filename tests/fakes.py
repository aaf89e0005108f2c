"""An in-memory driver for engine tests: a tiny site with sign-in, server-side state and the
same matching rules as the Playwright adapter (role+name, label, text, region wording, css)."""

from __future__ import annotations

import asyncio
import json
import os
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
import yaml

from optout import credentials
from optout.driver import ActionFailed, Control, Page
from optout.engine import AccountUnusable
from optout.flow import Flow, FlowFileError, Locator, load_flow
from optout.flow.loader import Problem
from optout.patterns import pattern

CLI_TIMEOUT = 120  # seconds an `optout` subprocess may take in a test
# The keyring service the CLI under test keeps its items under (OPTOUT_KEYRING_SERVICE): one per
# pytest-xdist worker, so that a test clearing its items never clears another worker's.
CLI_KEYRING_SERVICE = f"{credentials.SERVICE}-tests-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
LOGIN_URL = "https://www.example.com/login"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@dataclass
class El:
    role: str | None = None
    name: str | None = None
    label: str | None = None
    text: str | None = None
    region: str = ""  # the wording of the section the element sits in
    setting: str | None = None  # a switch bound to server-side state
    action: str | None = None  # a click: "sign-in", "submit-code", "goto:<url>", "set:<key>=<json>", "ui:<key>=<json>"
    appears_after: int = 0  # polls before it renders (late pages)
    shown_when: tuple[str, object] | None = None  # rendered only while ui state <key> has <value>
    options: list[str] = field(default_factory=list)  # a dropdown or radio group bound to `setting`
    covers: bool = False  # an overlay: while shown, clicks on anything else fail (and are not made)
    css: tuple[str, ...] = ()  # the css selectors that select it (ids and names a flow may use)
    disabled: bool = False  # greyed out

    def matches(self, loc: Locator) -> bool:
        if loc.role is not None:
            if self.role != loc.role or (loc.within is not None and loc.within not in self.region):
                return False
            if loc.disabled is not None and loc.disabled != self.disabled:
                return False
            if loc.name is not None:
                return self.name == loc.name
            if loc.name_pattern is not None:
                return bool(self.name and pattern(loc.name_pattern).search(self.name))
            return True
        if loc.label is not None:
            return self.label == loc.label
        if loc.text is not None:
            return self.text == loc.text
        if loc.text_pattern is not None:
            return bool(self.text and pattern(loc.text_pattern).search(self.text))
        return loc.css in self.css


@dataclass
class FakeSite:
    """Server side: accounts, settings (True = on), sessions, and which variant of the pages."""

    username: str = "person@example.com"
    password: str = "s3cret-pass"
    settings: dict[str, Any] = field(default_factory=lambda: {"ai": True})
    login_challenge: str | None = None  # None | "checkpoint" | "code"
    save_fails: bool = False
    status: int = 200
    pages: dict[str, list[El]] = field(default_factory=dict)
    languages: dict[str, str] = field(default_factory=dict)  # <html lang> by path (default "en")
    redirects: dict[str, str] = field(default_factory=dict)  # path -> URL it redirects to (any host)
    hang: bool = False  # every page stops answering (a frozen tab)
    wrong_password_url: str | None = None  # where a rejected password is shown (default: the same page)
    sign_in_attempts: int = 0
    codes_entered: int = 0

    def render(self, path: str) -> list[El]:
        if path in self.pages:
            return list(self.pages[path])
        if path == "/login":
            return [El(role="textbox", label="Email"), El(role="textbox", label="Password"),
                    El(role="button", name="Sign in", action="sign-in")]
        if path == "/code":
            return [El(role="textbox", label="Code"), El(role="button", name="Submit", action="submit-code")]
        if path.startswith("/checkpoint"):
            return [El(text="Let's do a quick security check")]
        return self.pages.get(path, [])


class FakePage:
    def __init__(self, site: FakeSite, session: dict | None):
        self.site = site
        self.url = "about:blank"
        self.cookies = dict(session or {})
        self.elements: list[El] = []
        self.ui_state: dict[str, Any] = {}
        self.fields: dict[str, str] = {}
        self.ticks = 0
        self.clicks: list[str] = []
        self.screenshots: list[Path] = []
        self.diagnoses: list[tuple[Path, list[str]]] = []
        self.typed: list[tuple[str, str, str]] = []  # (host, field label, value): where each value went
        self.keys: list[str] = []
        self.interruptions: list = []
        self.dismissed: list[str] = []

    async def goto(self, url: str) -> int:
        if self.site.hang:
            await asyncio.Event().wait()
        path = urlsplit(url).path
        if path not in ("/login", "/code") and not path.startswith("/checkpoint") and not self.cookies.get("session"):
            url = LOGIN_URL
        # A server-side redirect (to any host): the browser simply follows it.
        url = self.site.redirects.get(urlsplit(url).path, url)
        self._show(url)
        return self.site.status if urlsplit(url).path in self.site.pages else 200

    def _show(self, url: str) -> None:
        self.url = url
        self.elements = self.site.render(urlsplit(url).path)
        self.ui_state = dict(self.site.settings)
        self.ticks = 0

    async def reload(self) -> int:
        return await self.goto(self.url)

    def _visible(self) -> list[El]:
        return [el for el in self.elements if el.appears_after <= self.ticks
                and (el.shown_when is None or self.ui_state.get(el.shown_when[0]) == el.shown_when[1])]

    def _one(self, loc: Locator) -> El:
        found = [el for el in self._visible() if self._matches(el, loc)]
        assert len(found) == 1, f"{loc} matched {len(found)}"
        return found[0]

    async def count(self, loc: Locator) -> int:
        return sum(self._matches(el, loc) for el in self._visible())

    def _matches(self, el: El, loc: Locator) -> bool:
        """el.matches, and a locator's `checked` against the state the page shows."""
        if loc.checked is not None and (el.setting is None or bool(self.ui_state.get(el.setting)) != loc.checked):
            return False
        return el.matches(loc)

    def _bound(self, loc: Locator) -> str:
        """The server-side setting the one matching element shows."""
        setting = self._one(loc).setting
        assert setting is not None, f"{loc} is not bound to a setting"
        return setting

    async def is_checked(self, loc: Locator) -> bool:
        return bool(self.ui_state[self._bound(loc)])

    async def selected_option(self, loc: Locator) -> str | None:
        return self.ui_state[self._bound(loc)]

    async def choose(self, loc: Locator, option: str) -> None:
        assert option in self._one(loc).options
        self._set(self._bound(loc), option, save=True)

    async def texts(self, loc: Locator) -> list[str]:
        return [el.text or el.name or "" for el in self._visible() if self._matches(el, loc)]

    async def click(self, loc: Locator) -> None:
        el = self._one(loc)
        if el.action == "covered":
            raise ActionFailed(f"Could not click {loc.describe()}: covered.")
        if not el.covers and any(other.covers for other in self._visible()):
            await self._handle_interruption(loc)
        self.clicks.append(loc.describe())
        if el.covers:
            self.elements = [other for other in self.elements if other is not el and other.region != el.region]
            return
        if el.setting:
            self._set(el.setting, not self.ui_state[el.setting], save=True)
        elif el.action == "sign-in":
            self._sign_in()
        elif el.action == "submit-code":
            self.site.codes_entered += 1
            if pyotp.TOTP(TOTP_SECRET).verify(self.fields.get("Code", "")):
                self._signed_in()
        elif el.action and el.action.startswith("goto:"):
            await self.goto(el.action.removeprefix("goto:"))
        elif el.action and el.action.startswith(("set:", "ui:")):
            key, _, value = el.action.split(":", 1)[1].partition("=")
            self._set(key, json.loads(value), save=el.action.startswith("set:"))

    def _set(self, key: str, value: object, *, save: bool) -> None:
        self.ui_state[key] = value
        if save and not self.site.save_fails:
            self.site.settings[key] = value

    def _sign_in(self) -> None:
        self.site.sign_in_attempts += 1
        if (self.fields.get("Email"), self.fields.get("Password")) != (self.site.username, self.site.password):
            if self.site.wrong_password_url:
                self.url = self.site.wrong_password_url
            self.elements = self.site.render("/login") + [El(text="Wrong email or password.")]
        elif self.site.login_challenge == "checkpoint":
            self._show("https://www.example.com/checkpoint/challenge/1")
        elif self.site.login_challenge == "code":
            self._show("https://www.example.com/code")
        else:
            self._signed_in()

    def _signed_in(self) -> None:
        self.cookies["session"] = "session-cookie-value"
        self._show("https://www.example.com/feed")

    async def _handle_interruption(self, loc: Locator) -> None:
        """Like Playwright's locator handlers: a registered interruption is dismissed first."""
        for interruption in self.interruptions:
            if await self.dismiss(interruption):
                self.dismissed.append(interruption.name)
                return
        raise ActionFailed(f"Could not click {loc.describe()}: covered by something else.")

    async def dismiss(self, interruption) -> bool:
        if not any([await self.count(appears) for appears in interruption.appears]):
            return False
        dismiss = [d for d in interruption.dismiss if await self.count(d) == 1]
        if dismiss:
            await self.click(dismiss[0])
        return bool(dismiss)

    async def fill(self, loc: Locator, value: str) -> None:
        label = self._one(loc).label or ""
        self.fields[label] = value
        self.typed.append((urlsplit(self.url).hostname or "", label, value))

    async def press(self, key: str) -> None:
        self.keys.append(key)

    async def language(self) -> str | None:
        return self.site.languages.get(urlsplit(self.url).path, "en")

    async def controls(self, roles: tuple[str, ...], known: Sequence[Locator] = ()) -> list[Control]:
        return [Control(el.role, el.name or "", el.region, self._state(el), any(el.matches(loc) for loc in known),
                        opens_list=bool(el.options) and el.role == "button")
                for el in self._visible() if el.role in roles]

    def _state(self, el: El) -> str | None:
        if el.setting is None:
            return None
        value = self.ui_state.get(el.setting)
        return ("on" if value else "off") if isinstance(value, bool) else value

    async def watch_for(self, interruptions: list) -> None:
        self.interruptions = list(interruptions)

    def take_dismissed(self) -> list[str]:
        taken, self.dismissed = self.dismissed, []
        return taken

    async def settle(self) -> None:
        pass

    async def screenshot(self, path: Path, around: Locator | None = None) -> None:
        self.screenshots.append(path)

    async def session_state(self) -> dict:
        return dict(self.cookies)

    async def diagnose(self, directory: Path, secrets: list[str]) -> None:
        self.diagnoses.append((directory, list(secrets)))

    async def wait(self, seconds: float) -> None:
        self.ticks += 1


class FakeDriver:
    def __init__(self, site: FakeSite):
        self.site = site
        self.pages: list[FakePage] = []

    async def open_page(self, platform: str, domains: list[str], session: dict | None) -> FakePage:
        page = FakePage(self.site, session)
        self.pages.append(page)
        return page

    async def close_page(self, page: Page) -> None:
        pass


@dataclass
class Secrets:
    username: str
    password: str
    totp_secret: str | None = None


class MemoryAccount:
    """The engine's Account in memory, for the platform `example` (named Example)."""

    def __init__(self, secrets: Secrets | None = None, session: dict | None = None, answers: dict | None = None):
        self.secrets = secrets
        self.session = session
        self.saved: list[dict] = []
        self.submissions: dict[str, dict] = {}
        self.answers = answers or {}  # what the person gives for a request's question, by its name

    def credentials(self) -> Secrets | None:
        return self.secrets

    def one_time_code(self) -> str:
        try:
            return credentials.one_time_code((self.secrets.totp_secret or "") if self.secrets else "")
        except ValueError:
            raise AccountUnusable("The stored TOTP secret for Example is not a valid base32 secret of at least "
                                  "112 bits; store it again with `optout credentials set`.") from None

    def sign_in_advice(self) -> str:
        return "Run `optout login example`."

    def load_session(self) -> dict | None:
        return self.session

    def save_session(self, state: dict) -> None:
        self.saved.append(state)
        self.session = state

    def submission(self, setting_id: str) -> dict | None:
        return self.submissions.get(setting_id)

    def record_submission(self, setting_id: str, record: dict) -> None:
        self.submissions[setting_id] = record

    def answer(self, ask) -> str:
        if ask.name not in self.answers:
            raise AccountUnusable(f"The opt-out is an e-mail that needs {ask.what}: set OPTOUT_EXAMPLE_"
                                  f"{ask.name.upper()} (e.g. {ask.example}) or run `optout apply example` in a "
                                  "terminal to type it.")
        return self.answers[ask.name]


# A platform with no opt-out: runs without a browser, for history and monitoring tests.
ADVICE_FLOW = """\
schema: 1
platform: example
name: Example
domains: [www.example.com]
sources: [{url: "https://www.example.com/help", title: Help}]
settings:
  - id: training
    title: AI training (no setting exists)
    advice: Example has no setting for this; delete what you do not want used.
"""


# -- shared by the engine, retry, diagnostics and CLI tests: one example flow and its page --------

LABEL = "Use my data for AI training"
FLOW: dict[str, Any] = {
    "schema": 1, "platform": "example", "name": "Example", "domains": ["www.example.com"],
    "sources": [{"url": "https://www.example.com/help", "title": "help"}],
    "login": {
        "url": "https://www.example.com/login", "signed_out_urls": ["^/login"], "checkpoint_urls": ["^/checkpoint/"],
        "username": {"label": "Email"}, "password": {"label": "Password"},
        "submit": {"role": "button", "name": "Sign in"},
        "failure": [{"text_pattern": "wrong email or password"}],
        "one_time_code": {"field": {"label": "Code"}, "submit": {"role": "button", "name": "Submit"}},
    },
    "settings": [{
        "id": "ai", "title": "AI training", "url": "https://www.example.com/settings/ai", "timeout_seconds": 1,
        "control": {"kind": "switch", "opted_out": False, "find": [
            {"role": "switch", "name": LABEL}, {"role": "switch", "within": LABEL}]},
        "not_offered": [{"text_pattern": "not available"}],
    }],
}
SWITCH = El(role="switch", name=LABEL, region=LABEL, setting="ai")
SECRETS = Secrets("person@example.com", "s3cret-pass")


def make_flow(**changes) -> Flow:
    data = yaml.safe_load(yaml.safe_dump(FLOW))
    data.update(changes)
    return Flow.model_validate(data)


def site_with(*elements: El, **kwargs) -> FakeSite:
    return FakeSite(pages={"/settings/ai": list(elements)}, **kwargs)


# -- damaged files, for the history and bad-input tests -----------------------------------------

def damage_after_first_page(path) -> None:
    """What a failing disk or a half-copied backup leaves: the header page intact, the rest garbage."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(4096)
        handle.write(bytes(range(7, 256, 7)) * (size // 36))


def file_of_text(path) -> None:
    path.write_bytes(b"this is not SQLite" * 100)


# -- flow files: the shipped ones, and a small valid one to break in tests ---------------------

SHIPPED_FLOWS = Path(__file__).resolve().parents[1] / "flows"
SHIPPED_LINKEDIN = SHIPPED_FLOWS / "linkedin.yaml"


def local_flow(home: Path, change) -> Path:
    """The bundled LinkedIn flow, changed, as a person's own flow in OPTOUT_HOME/flows."""
    data = yaml.safe_load(SHIPPED_LINKEDIN.read_text(encoding="utf-8"))
    change(data)
    path = home / "flows" / "linkedin.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def write_flow(tmp_path: Path, flow: str | dict, name: str = "flow.yaml") -> Path:
    """A flow file in tmp_path, from YAML text (dedented) or from a dict (dumped in key order)."""
    text = yaml.safe_dump(flow, sort_keys=False) if isinstance(flow, dict) else textwrap.dedent(flow)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(FlowFileError) as raised:
        load_flow(path)
    return raised.value.problems


def line_containing(text: str, fragment: str) -> int:
    """The 1-based number of the one line of text that contains fragment."""
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    assert len(lines) == 1, f"{fragment!r} is on lines {lines}, not on exactly one"
    return lines[0]


FLOW_YAML = """\
schema: 1
platform: pinterest
name: Pinterest
domains: [www.pinterest.com, pinterest.com]
sources:
  - url: https://help.pinterest.com/en/article/manage-genai-settings
    title: Pinterest Help, "Manage GenAI settings"
login:
  method: password
  url: https://www.pinterest.com/login/
  signed_out_urls: ['^/login']
  username: {label: Email}
  password: {label: Password}
  submit: {role: button, name: Log in}
settings:
  - id: canvas-training
    title: Use your data to train Pinterest Canvas
    url: https://www.pinterest.com/settings/privacy
    steps:
      - wait_for: {role: heading, name: Privacy and data}
    control:
      kind: switch
      opted_out: off
      find:
        - {role: switch, name: Use your data to train Pinterest Canvas}
        - {role: switch, within: Use your data to train Pinterest Canvas}
"""


def edit_flow_yaml(*replacements: str) -> str:
    """FLOW_YAML with each (old, new) pair replaced; each old text must occur exactly once."""
    text = FLOW_YAML
    for old, new in zip(replacements[::2], replacements[1::2], strict=True):
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def without_saved_session(platforms: dict[str, str]) -> dict[str, tuple[str, str]]:
    """What `check` says of each browser-sign-in platform (id -> name) that has no saved session."""
    return {platform: ("login_required", f"Not signed in to {name}. Run `optout login {platform}`.")
            for platform, name in platforms.items()}
