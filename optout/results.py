"""What a run reports: one Result per setting (per item, for settings repeated per item)."""

from __future__ import annotations

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
