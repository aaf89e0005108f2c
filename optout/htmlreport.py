"""`optout report --html`: one page a person can open, keep, or attach to a complaint.

Each setting with its current state, its timeline (the history folded into periods of one
state), and the screenshots of the moments that prove something: found on, and turned off. The
screenshots are embedded as data: URIs, so the file stands alone.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import Sequence

from optout.history import FoundRow, Row, TargetStatus, by_target, readable_time, statuses
from optout.results import State, redact_urls, utc_now

STATE_COLOURS = {
    State.OPTED_OUT: "#15803d", State.OPTED_IN: "#b91c1c", State.NOT_OFFERED: "#0e7490",
    State.LOGIN_REQUIRED: "#a16207", State.NEEDS_HUMAN: "#a16207", State.FLOW_OUTDATED: "#7e22ce",
    State.ERROR: "#b91c1c",
}
CODE_SPAN = re.compile(r"`([^`]+)`")
STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1f2937; }
h1 { font-size: 1.6rem; }
h2 { font-size: 1.25rem; margin-top: 2.5rem; border-top: 1px solid #d1d5db; padding-top: 1rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
.state { font-weight: 600; white-space: nowrap; }
.muted { color: #6b7280; }
figure { display: inline-block; margin: .5rem 1rem 1rem 0; max-width: 32rem; vertical-align: top; }
figure img { max-width: 100%; border: 1px solid #9ca3af; }
figcaption { font-size: .85rem; color: #374151; }
.replica { border: 2px solid #b45309; background: #fef3c7; padding: .6rem .9rem; }
"""


@dataclass(frozen=True)
class Period:
    """Consecutive results of one setting in one state (a change by optout starts a new one)."""

    state: State
    first: Row
    last: Row
    count: int


@dataclass(frozen=True)
class Moment:
    caption: str
    at: str
    path: str | None


def render(found: list[Row], generated_at: str | None = None, findings: Sequence[FoundRow] = ()) -> str:
    # A report is attached to complaints: no URL in it keeps its query string or fragment (tokens).
    found = [replace(row, detail=redact_urls(row.detail)) for row in found]
    summary = statuses(found)
    grouped = by_target(found)
    runs = sorted({row.run_id for row in found})
    intro = (f"{len(summary)} settings, {len(runs)} runs, from {readable_time(found[0].checked_at)} to "
             f"{readable_time(found[-1].checked_at)}"
             if found else "No checks recorded yet: run `optout check` first.")
    sections = "".join(setting_section(status, grouped[status.latest.target]) for status in summary)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>optout report: AI-training settings and their evidence</title>
<style>{STYLE}</style>
</head>
<body>
<h1>AI-training settings: history and evidence</h1>
{replica_notice(found)}
<p>Recorded by optout, which reads each setting in a real browser and re-reads it after every change.
{prose(intro)}. Generated {escape(readable_time(generated_at or utc_now()))}.</p>
{summary_table(summary)}
{findings_section(findings)}
{sections}
</body>
</html>
"""


def replica_notice(found: list[Row]) -> str:
    """First thing on the page when runs went through an origin map: those pages came from a replica,
    so the report must never pass for evidence about the real site."""
    mapped = {row.run_id: row.origin_map for row in found if row.origin_map}
    if not mapped:
        return ""
    routes = sorted({route for origin_map in mapped.values() for route in origin_map.split(", ")})
    shown = ", ".join(f"{host} → {address}" for host, _, address in (route.partition("=") for route in routes))
    runs = len({row.run_id for row in found})
    return (f'<p class="replica"><strong>Made against a replica, not the real sites.</strong> {len(mapped)} of '
            f"{runs} runs went through an origin map ({escape(shown)}): their pages came from those addresses, "
            "so their results are no evidence about the real sites.</p>")


def findings_section(findings: Sequence[FoundRow]) -> str:
    """What the latest scans found that no flow covers: each control, where, and its screenshot."""
    if not findings:
        return ""
    items = "".join(
        f"<h3>{escape(row.finding.role)} \u201c{escape(row.finding.name)}\u201d "
        f"<span class=muted>({escape(row.finding.platform)})</span></h3>"
        f"<p>On {escape(redact_urls(row.finding.url))}, {escape(row.finding.state or 'no state')}, found "
        f"{escape(readable_time(row.found_at))}. Its section says: {escape(row.finding.context)}</p>"
        f"{figure(Moment('Found by a scan', row.found_at, row.finding.evidence))}" for row in findings)
    return (f'<h2 id="new-settings">AI settings no flow covers yet</h2><p>A scan found these controls worded '
            f"about AI on pages optout reads; no flow reads or changes them yet.</p>{items}")


def prose(message: str) -> str:
    """A message as HTML: escaped, and its Markdown code spans (`optout login x`) as code."""
    return CODE_SPAN.sub(lambda span: f"<code>{span.group(1)}</code>", escape(message))


def state_label(state: State) -> str:
    return f'<span class="state" style="color:{STATE_COLOURS[state]}">{escape(state.value)}</span>'


def summary_table(summary: list[TargetStatus]) -> str:
    rows = "".join(
        f"<tr><td>{escape(s.latest.title)}<br><span class=muted>{escape(s.latest.target)}</span></td>"
        f"<td>{state_label(s.latest.state)}</td>"
        f"<td>{escape(readable_time(s.verified.checked_at) if s.verified else 'never')}"
        f"</td><td>{escape(readable_time(s.opted_out_since))}</td></tr>" for s in summary)
    return ("<table><thead><tr><th>setting</th><th>state</th><th>last verified</th><th>opted out since</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>")


def setting_section(status: TargetStatus, found: list[Row]) -> str:
    latest = status.latest
    timeline = "".join(
        f"<tr><td>{escape(readable_time(p.first.checked_at))}"
        f"{' to ' + escape(readable_time(p.last.checked_at)) if p.count > 1 else ''}</td>"
        f"<td>{state_label(p.state)}{' (turned off by optout)' if p.first.changed else ''}</td>"
        f"<td>{p.count}</td><td>{prose(p.last.detail)}</td></tr>" for p in periods(found))
    figures = "".join(figure(moment) for moment in moments(found)) or "<p class=muted>No screenshots recorded.</p>"
    target, checked = escape(latest.target), escape(readable_time(latest.checked_at))
    return f"""<h2 id="{target}">{escape(latest.title)} <span class=muted>({target})</span></h2>
<p>Now: {state_label(latest.state)}, last checked {checked}. {prose(latest.detail)}</p>
<table><thead><tr><th>when</th><th>state</th><th>checks</th><th>detail</th></tr></thead><tbody>{timeline}</tbody></table>
{figures}
"""


def periods(found: list[Row]) -> list[Period]:
    folded: list[Period] = []
    for row in found:
        current = folded[-1] if folded else None
        if current and current.state == row.state and not row.changed:
            folded[-1] = Period(current.state, current.first, row, current.count + 1)
        else:
            folded.append(Period(row.state, row, row, 1))
    return folded


def moments(found: list[Row]) -> list[Moment]:
    """The screenshots that prove something: each time it was found on (after being anything
    else), and each time optout turned it off (the control before, and after reloading)."""
    proof: list[Moment] = []
    last_reading: State | None = None
    for row in found:
        if row.changed:
            proof.append(Moment("Found on, before optout changed it", row.checked_at, row.evidence_before))
            proof.append(Moment("Turned off by optout, re-read after reloading the page", row.checked_at, row.evidence))
        elif row.state == State.OPTED_IN and last_reading != State.OPTED_IN:
            proof.append(Moment("Found on", row.checked_at, row.evidence))
        if row.state.determined:
            last_reading = row.state
    return proof


def figure(moment: Moment) -> str:
    caption = f"{escape(moment.caption)}: {escape(readable_time(moment.at))}"
    image = embedded_png(moment.path)
    if image is None:
        missing = escape(moment.path or "none taken")
        return f"<figure><figcaption>{caption} (screenshot not on disk: {missing})</figcaption></figure>"
    return f'<figure><img src="{image}" alt="{escape(moment.caption)}"><figcaption>{caption}</figcaption></figure>'


def embedded_png(path: str | None) -> str | None:
    if not path or not Path(path).is_file():
        return None
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def write(path: Path, found: list[Row], findings: Sequence[FoundRow] = ()) -> None:
    path.write_text(render(found, findings=findings), encoding="utf-8")
