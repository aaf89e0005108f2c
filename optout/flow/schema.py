"""The flow file format: a strict, versioned schema (unknown keys are errors).

A flow is data, not code: locators, URLs inside the platform's own domains, and one-key steps.
Every shape the catalogue needs is expressible here (switch, checkbox, a choice among options,
a dropdown, a menu, a form, one setting repeated per item); the engine decides which it runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from optout.addresses import DOMAIN_RE, ITEM_PLACEHOLDER, host_allowed, url_problem
from optout.names import ID_PATTERN
from optout.patterns import pattern, valid_regex

SCHEMA_VERSION = 1

Role = Literal[
    "switch", "checkbox", "radio", "radiogroup", "combobox", "listbox", "option", "button",
    "link", "menu", "menuitem", "menuitemradio", "tab", "textbox", "heading", "dialog", "region",
]




class PlacedProblems(ValueError):
    """A flow's problems, each with where in the file it is: a path of keys and list indexes such
    as ("settings", 0, "control", "opted_out"), for the loader to turn into a line and a name."""

    def __init__(self, problems: list[tuple[tuple, str]]):
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Regex = Annotated[str, BeforeValidator(valid_regex)]


class Locator(Strict):
    """One way to find an element. Exactly one strategy:

    - role (+ name or name_pattern): by ARIA role and accessible name;
    - role + within: the only control of that role in the smallest region containing the wording
      (for pages whose switch is named just "On"); with name or name_pattern too, only the
      controls so named in that region (a dropdown button showing "Disabled" under its setting);
    - role + checked: only while checked (true) or not (false), e.g. "the Public option is not
      selected", for not_offered;
    - role + disabled: only while greyed out (true) or not (false), e.g. a switch offered only in
      a yearly window, for not_offered;
    - label / text / text_pattern: by associated label or visible text;
    - css: the last resort.
    """

    role: Role | None = None
    name: str | None = None
    name_pattern: Regex | None = None
    within: str | None = None
    checked: bool | None = None
    disabled: bool | None = None
    label: str | None = None
    text: str | None = None
    text_pattern: Regex | None = None
    css: str | None = None

    @model_validator(mode="after")
    def _one_strategy(self) -> Locator:
        if self.role is None:
            if self.name is not None or self.name_pattern is not None or self.within is not None:
                raise ValueError("name, name_pattern and within need a role")
            if self.checked is not None:
                raise ValueError("checked needs a role")
            if self.disabled is not None:
                raise ValueError("disabled needs a role")
            used = [k for k in ("label", "text", "text_pattern", "css") if getattr(self, k) is not None]
            if len(used) != 1:
                raise ValueError("give exactly one of role, label, text, text_pattern or css")
            return self
        if self.name is not None and self.name_pattern is not None:
            raise ValueError("give only one of name, name_pattern with a role")
        if any(getattr(self, k) is not None for k in ("label", "text", "text_pattern", "css")):
            raise ValueError("a role locator cannot also use label, text, text_pattern or css")
        return self

    def describe(self) -> str:
        if self.role:
            state = "" if self.checked is None else (" (checked)" if self.checked else " (not checked)")
            state += "" if self.disabled is None else (" (disabled)" if self.disabled else " (enabled)")
            named = (f' "{self.name}"' if self.name is not None
                     else f" /{self.name_pattern}/" if self.name_pattern is not None else "")
            where = f' in the section saying "{self.within}"' if self.within is not None else ""
            return f"{self.role}{named}{where}{state}"
        for key in ("label", "text", "text_pattern", "css"):
            value = getattr(self, key)
            if value is not None:
                return f'{key.replace("_", " ")} "{value}"'
        raise AssertionError("validated locator has a strategy")

    def with_item(self, item: str) -> Locator:
        fields = self.model_dump(exclude_none=True)
        return Locator.model_validate(
            {k: v.replace(ITEM_PLACEHOLDER, item) if isinstance(v, str) else v for k, v in fields.items()})


def _short_target(value: object) -> object:
    """Short forms: "Some text" means {text: ...}; one locator means a list of one."""
    if isinstance(value, str):
        return [{"text": value}]
    if isinstance(value, dict):
        return [value]
    return value


# Ranked fallbacks: the first locator that matches decides; two matches is never a guess.
Target = Annotated[list[Locator], BeforeValidator(_short_target), Field(min_length=1)]


class Step(Strict):
    """One step, one key (Maestro style): click, wait_for, goto or press (a key: Escape closes a
    dialog). `optional: true` lets a click or wait_for be skipped when its element never shows
    (a confirmation some accounts get and others do not)."""

    click: Target | None = None
    wait_for: Target | None = None
    goto: str | None = None
    press: Literal["Escape", "Enter", "Tab"] | None = None
    optional: bool = False

    @model_validator(mode="after")
    def _one_key(self) -> Step:
        keys = [k for k in STEP_KEYS if getattr(self, k) is not None]
        if len(keys) != 1:
            raise ValueError("a step has exactly one of click, wait_for, goto, press")
        if self.optional and keys[0] not in ("click", "wait_for"):
            raise ValueError("only a click or wait_for step can be optional")
        return self

    def describe(self) -> str:
        if self.goto is not None:
            return f"goto {self.goto}"
        if self.press is not None:
            return f"press {self.press}"
        key = "click" if self.click is not None else "wait_for"
        return f"{key} {getattr(self, key)[0].describe()}" + (" (if shown)" if self.optional else "")


STEP_KEYS = ("click", "wait_for", "goto", "press")


class Interruption(Strict):
    """Something that may cover the page at any moment (cookie consent, a tour, a "what's new"
    dialog) and the one control that dismisses it. Cookie banners are declined, never accepted."""

    name: str
    appears: Target
    dismiss: Target


class FormField(Strict):
    find: Target
    value: str  # may use {username}; never a secret from the keyring


def _not_a_form(data: dict) -> str | None:
    if "fields" in data or "confirmation" in data:
        return "fields and confirmation belong to a form"
    return None


def _toggle_shape(data: dict) -> str | None:
    if not isinstance(data.get("opted_out"), bool):
        return f"a {data.get('kind')} needs opted_out: on or off"
    return _not_a_form(data)


def _option_shape(data: dict) -> str | None:
    if not isinstance(data.get("opted_out"), str):
        return f"a {data.get('kind')} needs opted_out: the option that means opted out"
    if data.get("kind") == "menu" and data.get("opted_out_when") is None:
        return "a menu needs opted_out_when: what the page shows once opted out"
    return _not_a_form(data)


def _form_shape(data: dict) -> str | None:
    if "opted_out" in data or not data.get("fields") or data.get("confirmation") is None:
        return "a form needs fields and confirmation, and no opted_out"
    return None


class Shaped(Strict):
    """A control kind. Before its keys are validated one by one, the keys that make its kind are
    checked together, the problem said in the flow's words (not as a missing or unknown key)."""

    @staticmethod
    def shape_problem(data: dict) -> str | None:
        """What is wrong with the keys that make this kind, or None."""
        return None

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: object) -> object:
        problem = cls.shape_problem(data) if isinstance(data, dict) else None
        if problem:
            raise ValueError(problem)
        return data


class Changeable(Shaped):
    """A control optout reads and changes: `find` is the control, `after_change` what confirms
    a change (a Save or Done button)."""

    find: Target
    after_change: list[Step] = Field(default_factory=list)


class Toggle(Changeable):
    """switch/checkbox: opted_out is on/off (true/false); "Prevent…" controls are opted out when on."""

    kind: Literal["switch", "checkbox"]
    opted_out: bool

    @staticmethod
    def shape_problem(data: dict) -> str | None:
        return _toggle_shape(data)


class Options(Changeable):
    """choice: radio options; opted_out names the option to select.
    select: a dropdown, native or a button that opens a menu of its values (GitHub's); opted_out
            is the option's label."""

    kind: Literal["choice", "select"]
    opted_out: str

    @staticmethod
    def shape_problem(data: dict) -> str | None:
        return _option_shape(data)


class Menu(Changeable):
    """`find` opens a menu, opted_out is the menu item to choose; `opted_out_when` shows the
    state afterwards (the button itself does not carry a checked state)."""

    kind: Literal["menu"]
    opted_out: str
    opted_out_when: Target

    @staticmethod
    def shape_problem(data: dict) -> str | None:
        return _option_shape(data)


class Form(Shaped):
    """State cannot be read back; `fields` are filled, `find` is the submit button and
    `confirmation` is what the page shows once the request is accepted."""

    kind: Literal["form"]
    find: Target
    fields: list[FormField] = Field(min_length=1)
    confirmation: Target

    @staticmethod
    def shape_problem(data: dict) -> str | None:
        return _form_shape(data)


# The control and which value means opted out, one model per kind (see each for its keys).
Control = Annotated[Toggle | Options | Menu | Form, Field(discriminator="kind")]
CONTROL_KINDS = ("switch", "checkbox", "choice", "select", "menu", "form")


class ForEach(Strict):
    """A setting repeated per item (a switch per blog or site): items are read from a list page,
    and {item} in the setting's url and locators is replaced by each item's text."""

    url: str
    items: Target


class Ask(Strict):
    """What a request needs from the person, asked once (e.g. Slack's workspace URL): `name` is
    its {placeholder} in the body and its environment variable (OPTOUT_<PLATFORM>_<NAME>);
    an answer must match `answer_pattern` whole."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    what: str  # a noun phrase: "your Slack workspace or org URL"
    answer_pattern: Regex
    example: str  # a valid answer, shown when one is refused


class Request(Strict):
    """An opt-out that is a message from the person (Slack's e-mail from a workspace owner):
    optout writes it to an address at the platform's domains, the person sends it, and
    `optout confirm` records the platform's reply. No page is opened."""

    to: str
    subject: str
    body: str  # uses {<ask.name>}: the answer
    ask: Ask

    @model_validator(mode="after")
    def _uses_the_answer(self) -> Request:
        if "{" + self.ask.name + "}" not in self.body:
            raise ValueError(f"the body must use {{{self.ask.name}}}, the answer it asks for")
        if not re.fullmatch(pattern(self.ask.answer_pattern), self.ask.example):
            raise ValueError(f"the example {self.ask.example!r} does not match answer_pattern")
        return self


class Setting(Strict):
    id: Annotated[str, Field(pattern=f"^{ID_PATTERN}$")]
    title: str
    url: str | None = None
    steps: list[Step] = Field(default_factory=list)
    control: Control | None = None
    request: Request | None = None  # an opt-out the person sends (an e-mail), instead of a control
    not_offered: list[Locator] = Field(default_factory=list)
    not_offered_reason: str | None = None  # why, for the result, when a not_offered locator matches
    for_each: ForEach | None = None
    regions: str | None = None
    confidence: Literal["high", "med", "low"] | None = None
    advice: str | None = None  # what a person can do, for a platform without a setting
    admin: bool = False  # only an admin of the account or team can change it (Figma, HubSpot)
    timeout_seconds: Annotated[float, Field(gt=0, le=120)] = 15

    @model_validator(mode="after")
    def _runnable_or_advice(self) -> Setting:
        if self.request is not None:
            if self.control is not None:
                raise ValueError("a setting has a control or a request, not both")
        elif self.control is None:
            if not self.advice:
                raise ValueError("a setting without a control needs advice for the person")
        elif self.url is None:
            raise ValueError("a setting with a control needs its url")
        if self.admin and (self.control is None or not self.not_offered or not self.not_offered_reason):
            raise ValueError("an admin setting needs a control, and not_offered with not_offered_reason: "
                             "what an account that is not an admin sees, and why")
        return self


class OneTimeCode(Strict):
    field: Target
    submit: Target


class Login(Strict):
    """How to sign in. method `browser`: headless sign-in is unrealistic (hostile sign-in pages);
    the person signs in with `optout login` and the saved session is used.

    sign_in_domains: hosts a sign-in passes through (auth.openai.com, accounts.google.com),
    allowed while signing in only. password_domains: where a stored username and password may be
    typed (default: the flow's domains); a sign-in domain takes them only when listed here.
    """

    method: Literal["password", "browser"] = "password"
    url: str
    sign_in_domains: list[str] = Field(default_factory=list)
    password_domains: list[str] | None = None
    signed_out_urls: list[Regex] = Field(min_length=1)  # paths that mean "not signed in"
    checkpoint_urls: list[Regex] = Field(default_factory=list)  # security checks: a person's job
    refused_urls: list[Regex] = Field(default_factory=list)  # "this browser may not be secure"
    username: Target | None = None
    after_username: list[Step] = Field(default_factory=list)  # two-step forms: "Continue"
    password: Target | None = None
    submit: Target | None = None
    failure: list[Locator] = Field(default_factory=list)  # what a rejected password shows
    one_time_code: OneTimeCode | None = None

    @model_validator(mode="after")
    def _password_fields(self) -> Login:
        form = (self.username, self.password, self.submit)
        if self.method == "password" and any(part is None for part in form):
            raise ValueError("password sign-in needs username, password and submit")
        return self


class Source(Strict):
    url: str
    title: str
    date: str | None = None


class Flow(Strict):
    schema_version: Literal[1] = Field(alias="schema")
    platform: Annotated[str, Field(pattern=f"^{ID_PATTERN}$")]
    name: str
    group: Literal["social", "ai-assistants", "creative", "work"] | None = None  # how `optout setup` lists it
    domains: list[str] = Field(min_length=1)
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]] = Field(default=["en"], min_length=1)
    sources: list[Source] = Field(min_length=1)
    login: Login | None = None
    interruptions: list[Interruption] = Field(default_factory=list)
    settings: list[Setting] = Field(min_length=1)
    scan: list[str] = Field(default_factory=list)  # more pages `optout scan` reads, beside the settings' own

    @model_validator(mode="after")
    def _consistent(self) -> Flow:
        problems = self.placement_problems()
        if problems:
            raise PlacedProblems(problems)
        return self

    def placement_problems(self) -> list[tuple[tuple, str]]:
        """Problems that need the whole flow to see, each with the location it belongs to."""
        problems: list[tuple[tuple, str]] = [(("domains", i), f"{d!r} is not a host name such as www.example.com")
                    for i, d in enumerate(self.domains) if not DOMAIN_RE.match(d)]
        if self.login:
            problems += [(("login", "sign_in_domains", i), f"{d!r} is not a host name such as www.example.com")
                         for i, d in enumerate(self.login.sign_in_domains) if not DOMAIN_RE.match(d)]
            reachable = self.domains + self.login.sign_in_domains
            problems += [(("login", "password_domains", i), f"{d!r} is neither in domains nor in sign_in_domains")
                         for i, d in enumerate(self.login.password_domains or []) if not host_allowed(d, reachable)]
        seen: set[str] = set()
        for i, setting in enumerate(self.settings):
            if setting.id in seen:
                problems.append((("settings", i, "id"), f"setting id {setting.id!r} is used twice"))
            seen.add(setting.id)
            if self.login is None and setting.control is not None:
                problems.append((("settings", i, "control"), "a setting with a control needs a login section"))
            if setting.request and not host_allowed(setting.request.to.rpartition("@")[2], self.domains):
                problems.append((("settings", i, "request", "to"), f"{setting.request.to!r} is not an e-mail address "
                                 f"at the platform's domains ({', '.join(self.domains)})"))
        sign_in = self.sign_in_domains()
        for loc, url in self.navigable_urls():
            problem = url_problem(url, self.domains + sign_in if loc[0] == "login" else self.domains)
            if problem:
                problems.append((loc, problem))
        return problems

    def navigable_urls(self) -> list[tuple[tuple, str]]:
        """Every URL the flow may open, with its location in the file."""
        urls: list[tuple[tuple, str]] = [(("login", "url"), self.login.url)] if self.login else []
        if self.login:
            urls += [(("login", "after_username", j, "goto"), step.goto)
                     for j, step in enumerate(self.login.after_username) if step.goto]
        for i, setting in enumerate(self.settings):
            if setting.url:
                urls.append((("settings", i, "url"), setting.url))
            if setting.for_each:
                urls.append((("settings", i, "for_each", "url"), setting.for_each.url))
            after_change = setting.control.after_change if isinstance(setting.control, Changeable) else []
            for where, steps in ((("steps",), setting.steps), (("control", "after_change"), after_change)):
                urls += [(("settings", i, *where, j, "goto"), step.goto) for j, step in enumerate(steps) if step.goto]
        return urls + [(("scan", i), url) for i, url in enumerate(self.scan)]

    def setting(self, setting_id: str) -> Setting | None:
        return next((s for s in self.settings if s.id == setting_id), None)

    def sign_in_domains(self) -> list[str]:
        return self.login.sign_in_domains if self.login else []

    def password_domains(self) -> list[str]:
        """The hosts where a stored username and password may be typed."""
        if self.login and self.login.password_domains is not None:
            return self.login.password_domains
        return self.domains


def validate_flow(data: dict) -> Flow:
    """The flow in a parsed file; PlacedProblems with every problem found, in file order."""
    try:
        return Flow.model_validate(data)
    except ValidationError as exc:
        raise PlacedProblems([problem for error in exc.errors() for problem in _placed(error)]) from None


def _placed(error: Mapping[str, Any]) -> list[tuple[tuple, str]]:
    """One validation error in the flow's words, at its place in the file."""
    placed = error.get("ctx", {}).get("error")
    if isinstance(placed, PlacedProblems):  # raised by Flow itself, already placed
        return placed.problems
    # A control's location names its kind after "control" (the union's tag): not a key in the file.
    loc = tuple(part for i, part in enumerate(error["loc"])
                if not (i and error["loc"][i - 1] == "control" and part in CONTROL_KINDS))
    kinds = ", ".join(repr(kind) for kind in CONTROL_KINDS[:-1]) + f" or {CONTROL_KINDS[-1]!r}"
    messages = {"extra_forbidden": "unknown key", "missing": "required key is missing",
                "union_tag_not_found": "required key is missing", "union_tag_invalid": f"Input should be {kinds}"}
    if error["type"] in ("union_tag_not_found", "union_tag_invalid"):
        loc += ("kind",)
    return [(loc, messages.get(error["type"], error["msg"].removeprefix("Value error, ")))]
