"""Drift: what a run found that a person who opted out needs to hear about, once.

Pure functions over history rows. Each kind is a change from what earlier runs recorded, so a
drift is found by the run where it starts and not by the runs while it lasts: that is what
makes "one alert per drift" hold without keeping a list of alerts sent.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum
from typing import Iterable

from optout.history import FoundRow, Row, by_target
from optout.results import State

FAILING_RUNS = 3  # a flow that fails this many runs in a row is taken as broken by a site change
FAILED = (State.FLOW_OUTDATED, State.ERROR)
SIGNED_OUT = (State.LOGIN_REQUIRED, State.NEEDS_HUMAN)


class Kind(str, Enum):
    SWITCHED_BACK_ON = "switched_back_on"  # opted in after it had been opted out
    NEW_SETTING = "new_setting"  # appeared (new item, new in the flow, newly offered) and on; or a scan found it
    FLOW_FAILING = "flow_failing"  # flow_outdated/error FAILING_RUNS runs in a row
    LOGIN_NEEDED = "login_needed"  # the platform needs a person to sign in


@dataclass(frozen=True)
class Drift:
    kind: Kind
    target: str  # platform/setting[item], or the platform for LOGIN_NEEDED
    message: str
    fixed: bool = False  # a --fix run already turned it off again

    def to_json(self) -> dict:
        return {**asdict(self), "kind": self.kind.value}


def find_drifts(current: list[Row], earlier: list[Row], failing_runs: int = FAILING_RUNS,
                awaiting_reply: Iterable[str] = ()) -> list[Drift]:
    """The drifts that start with `current` (one run's rows), given the finished runs before it.
    `awaiting_reply`: targets (requests such as Slack's e-mail) whose needs_human is a reply the
    person waits for, not a sign-in."""
    earlier_by_target = by_target(earlier)
    drifts = [setting_drift(row, earlier_by_target.get(row.target, []), earlier, failing_runs) for row in current]
    signing_in = [row for row in current if row.target not in set(awaiting_reply)]
    return [drift for drift in drifts if drift] + login_drifts(signing_in, earlier)


def setting_drift(row: Row, before: list[Row], earlier: list[Row], failing_runs: int) -> Drift | None:
    """`before`: this setting's earlier rows, oldest first."""
    found_on = row.state == State.OPTED_IN or row.changed
    last_known = next((r.state for r in reversed(before) if r.state.determined), None)
    if found_on and last_known == State.OPTED_OUT:
        return on_drift(Kind.SWITCHED_BACK_ON, row, "was switched back on after you had opted out")
    if found_on and last_known == State.NOT_OFFERED:
        return on_drift(Kind.NEW_SETTING, row, "is now offered to your account, and it is on")
    if found_on and not before and newly_appeared(row, earlier):
        return on_drift(Kind.NEW_SETTING, row, "appeared, and it is on")
    if row.state in FAILED and failing_streak(row, before) == failing_runs:
        return Drift(Kind.FLOW_FAILING, row.target,
                     f"{row.target} failed {failing_runs} runs in a row ({row.state.value}: {row.detail}). The site "
                     "has probably changed: update optout, or report it with the evidence.")
    return None


def on_drift(kind: Kind, row: Row, what: str) -> Drift:
    if row.state == State.OPTED_OUT:  # a --fix run found it on and turned it off
        return Drift(kind, row.target, f"{row.title} ({row.target}) {what}; optout turned it off again.", fixed=True)
    return Drift(kind, row.target, f"{row.title} ({row.target}) {what}. Run `optout apply "
                 f"{row.platform}/{row.setting}` to turn it off.")


def newly_appeared(row: Row, earlier: list[Row]) -> bool:
    """Never seen, where a run of this platform would have seen it: a new item of a setting seen
    before (a new site or blog), or a setting added since an earlier version of the flow. A
    setting that was only never selected before is not new."""
    same_platform = [r for r in earlier if r.platform == row.platform]
    if row.item is not None and any(r.setting == row.setting for r in same_platform):
        return True
    return bool(same_platform) and same_platform[-1].flow_sha256 != row.flow_sha256


def failing_streak(row: Row, before: list[Row]) -> int:
    streak = 1
    for earlier_row in reversed(before):
        if earlier_row.state not in FAILED:
            break
        streak += 1
    return streak


def login_drifts(current: list[Row], earlier: list[Row]) -> list[Drift]:
    """One per platform whose sign-in now needs a person and did not in its previous run. A
    platform never run before was never signed in: nothing has drifted, it is simply not set up."""
    drifts = []
    for platform in platforms(current):
        now = [r for r in current if r.platform == platform and r.state in SIGNED_OUT]
        previous_run = max((r.run_id for r in earlier if r.platform == platform), default=None)
        if previous_run is None:
            continue
        was = [r for r in earlier if r.run_id == previous_run and r.platform == platform and r.state in SIGNED_OUT]
        if now and not was:
            drifts.append(Drift(Kind.LOGIN_NEEDED, platform, f"{platform} needs you to sign in: run `optout login "
                                f"{platform}`. Until then optout cannot check it. ({now[0].detail})"))
    return drifts


def platforms(rows: Iterable[Row]) -> list[str]:
    return list(dict.fromkeys(row.platform for row in rows))


def scan_drifts(current: list[FoundRow], earlier: list[FoundRow]) -> list[Drift]:
    """A finding no earlier scan found: an AI control on a platform's page that no flow covers."""
    seen = {row.finding.key for row in earlier}
    drifts = []
    for finding in dict.fromkeys(row.finding for row in current if row.finding.key not in seen):
        state = f" (it is {finding.state})" if finding.state else ""
        drifts.append(Drift(Kind.NEW_SETTING, f"{finding.platform}: {finding.role} \"{finding.name}\"",
                            f"{finding.platform}: a new AI setting no flow covers yet, {finding.describe()}{state}. "
                            f"Look at it with `optout scan {finding.platform}`; its flow snippet is there."))
    return drifts
