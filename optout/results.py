"""What a run reports: one Result per setting (per item, for settings repeated per item)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from enum import Enum

from optout.exitcodes import ExitCode


class State(str, Enum):
    OPTED_OUT = "opted_out"
    OPTED_IN = "opted_in"
    NOT_OFFERED = "not_offered"
    LOGIN_REQUIRED = "login_required"
    NEEDS_HUMAN = "needs_human"
    FLOW_OUTDATED = "flow_outdated"
    ERROR = "error"

    @property
    def determined(self) -> bool:
        return self in (State.OPTED_OUT, State.OPTED_IN, State.NOT_OFFERED)


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class StepReport:
    step: str
    status: str  # "ok" | "failed" | "skipped"
    detail: str = ""


@dataclass
class Result:
    platform: str
    setting: str
    title: str
    state: State
    detail: str
    changed: bool = False
    item: str | None = None
    evidence: str | None = None
    evidence_before: str | None = None  # the control as found, before apply changed it
    checked_at: str = field(default_factory=utc_now)
    steps: list[StepReport] = field(default_factory=list)
    # When the control is missing: what the page has instead, most similar first ({"role", "name"}).
    candidates: list[dict] = field(default_factory=list)

    @property
    def target(self) -> str:
        base = f"{self.platform}/{self.setting}"
        return f"{base}[{self.item}]" if self.item else base

    def to_json(self) -> dict:
        data = asdict(self)
        data["state"] = self.state.value
        return data


URL_SECRETS = re.compile(r"\b(https?://[^\s?#\"'<>]*)[?#][^\s\"'<>]*")


def redact_urls(text: str) -> str:
    """Drop query strings and fragments from URLs in text: sign-in tokens and ids live there."""
    return URL_SECRETS.sub(r"\1", text)


def exit_code_for(results: list[Result]) -> ExitCode:
    states = {result.state for result in results}
    if State.OPTED_IN in states:
        return ExitCode.OPTED_IN
    if any(not state.determined for state in states):
        return ExitCode.UNDETERMINED
    return ExitCode.OK


# -- what `optout scan` (and --scan) finds ------------------------------------------------------

# The kind of flow control each role becomes, for a finding's snippet.
KINDS = {"switch": "switch", "checkbox": "checkbox", "radiogroup": "choice", "radio": "choice",
         "combobox": "select", "button": "menu"}


@dataclass(frozen=True)
class Finding:
    """A control that looks like an AI setting no flow covers."""

    platform: str
    url: str  # the page the flow lists (a scan: page or a setting's url)
    role: str
    name: str
    context: str  # the text of the section it sits in
    state: str | None
    evidence: str | None = None  # a screenshot with the control outlined

    @property
    def key(self) -> str:
        """Who it is across runs: the same control on the same page is not new again."""
        return f"{self.platform} {self.url} {self.role} {self.name}"

    def describe(self) -> str:
        return f'{self.role} "{self.name}" on {self.url}'

    def snippet(self) -> str:
        """A flow setting to paste into a local flow (or a contribution), to be checked and completed."""
        kind = KINDS.get(self.role, "switch")
        value = "off  # the value that means opted out: check it on the page" if kind in ("switch", "checkbox") \
            else '"…"  # the option that means opted out'
        slug = re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")[:40].strip("-") or "new-setting"
        return "\n".join([
            f"  - id: {slug}",
            f"    title: {json.dumps(self.name, ensure_ascii=False)}",
            f"    url: {self.url}",
            "    control:",
            f"      kind: {kind}",
            f"      opted_out: {value}",
            "      find:",
            f"        - {{role: {self.role}, name: {json.dumps(self.name, ensure_ascii=False)}}}",
            *([f'        # a name as short as this may not be unique: {{role: {self.role}, within: "…"}} finds the '
               "one in the section with that wording"] if len(self.name.split()) < 3 else []),
        ])

    def to_json(self) -> dict:
        return {**asdict(self), "snippet": self.snippet()}


@dataclass(frozen=True)
class Unread:
    """A page the scan could not read, and why."""

    platform: str
    url: str
    detail: str


@dataclass
class ScanReport:
    findings: list[Finding] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)  # scanned: their findings now are exactly these

    def add(self, other: ScanReport) -> None:
        self.findings += other.findings
        self.unread += other.unread
        self.platforms += other.platforms

    def exit_code(self) -> ExitCode:
        """1 when a finding needs a look, 3 when a page could not be read and nothing was found."""
        if self.findings:
            return ExitCode.OPTED_IN
        return ExitCode.UNDETERMINED if self.unread else ExitCode.OK
