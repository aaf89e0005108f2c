"""A flow: a platform's domains, sources, sign-in, interruptions and settings, checked as a whole."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from optout.addresses import DOMAIN_RE, host_allowed, url_problem
from optout.flow.controls import CONTROL_KINDS, Changeable, Control
from optout.flow.locators import Locator, Target
from optout.flow.login import Login
from optout.flow.steps import Step
from optout.flow.strict import Regex, Strict
from optout.names import ID_PATTERN
from optout.patterns import pattern

SCHEMA_VERSION = 1


class PlacedProblems(ValueError):
    """A flow's problems, each with where in the file it is: a path of keys and list indexes such
    as ("settings", 0, "control", "opted_out"), for the loader to turn into a line and a name."""

    def __init__(self, problems: list[tuple[tuple, str]]):
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


class Interruption(Strict):
    """Something that may cover the page at any moment (cookie consent, a tour, a "what's new"
    dialog) and the one control that dismisses it. Cookie banners are declined, never accepted."""

    name: str
    appears: Target
    dismiss: Target


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
