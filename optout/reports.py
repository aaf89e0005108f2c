"""Run results as files a pipeline reads: JUnit XML (one test case per setting), a Markdown
table (also appended to GitHub's step summary), and the very document `--json` prints."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from optout.errors import UsageError
from optout.results import Result, State, redact_urls

FORMATS = ("junit", "markdown", "json")
JSON_VERSION = 1  # of every JSON document optout prints or writes
STEP_SUMMARY_VARIABLE = "GITHUB_STEP_SUMMARY"


class ReportError(UsageError):
    """A --report that cannot be parsed or written; the message is meant for the user."""


@dataclass(frozen=True)
class ReportSpec:
    format: str
    path: Path


def parse_spec(text: str) -> ReportSpec:
    """FORMAT:PATH, e.g. junit:reports/optout.xml."""
    format_name, colon, path = text.partition(":")
    if not colon or format_name not in FORMATS or not path:
        raise ReportError(f"--report {text!r} is not FORMAT:PATH with FORMAT one of {', '.join(FORMATS)} "
                          f"(e.g. junit:optout-junit.xml).")
    return ReportSpec(format_name, Path(path))


def results_document(results: list[Result]) -> dict:
    """The document of `--json` (json_text adds its version)."""
    return {"results": [result.to_json() for result in shareable(results)]}


def shareable(results: list[Result]) -> list[Result]:
    """Results as reports carry them: URLs without query strings or fragments, where sign-in
    tokens and ids live (the engine strips them too; a report is kept and passed around)."""
    return [replace(result, detail=redact_urls(result.detail),
                    steps=[replace(step, detail=redact_urls(step.detail)) for step in result.steps])
            for result in results]


def render(format_name: str, results: list[Result], title: str) -> str:
    if format_name == "junit":
        return junit(results, title)
    if format_name == "markdown":
        return markdown(results, title)
    return json_text(results_document(results))


def json_text(document: dict) -> str:
    """A JSON document as optout prints and writes them: versioned, indented, one line break at the end."""
    return json.dumps({"version": JSON_VERSION, **document}, indent=2) + "\n"


def junit(results: list[Result], title: str) -> str:
    """A testsuite per platform and a testcase per setting: opted in is a failure, anything
    undetermined is an error carrying its detail, and not offered is skipped."""
    results = shareable(results)
    root = ET.Element("testsuites", name=title)
    for platform in dict.fromkeys(result.platform for result in results):
        cases = [result for result in results if result.platform == platform]
        suite = ET.SubElement(root, "testsuite", name=platform, timestamp=cases[0].checked_at)
        for result in cases:
            junit_case(suite, result)
        set_totals(suite, cases)
    set_totals(root, results)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def junit_case(suite: ET.Element, result: Result) -> None:
    case = ET.SubElement(suite, "testcase", classname=result.platform,
                         name=result.target.removeprefix(f"{result.platform}/"))
    if result.state == State.OPTED_IN:
        ET.SubElement(case, "failure", message=result.detail, type=result.state.value).text = result.detail
    elif result.state == State.NOT_OFFERED:
        ET.SubElement(case, "skipped", message=result.detail)
    elif not result.state.determined:
        ET.SubElement(case, "error", message=result.detail, type=result.state.value).text = result.detail
    lines = [f"{result.title}: {result.state.value}", result.detail]
    if result.evidence:
        lines.append(f"Screenshot: {result.evidence}")
    ET.SubElement(case, "system-out").text = "\n".join(lines)


def set_totals(element: ET.Element, results: list[Result]) -> None:
    states = Counter(result.state for result in results)
    element.set("tests", str(len(results)))
    element.set("failures", str(states[State.OPTED_IN]))
    element.set("errors", str(sum(n for state, n in states.items() if not state.determined)))
    element.set("skipped", str(states[State.NOT_OFFERED]))


def markdown(results: list[Result], title: str) -> str:
    results = shareable(results)
    states = Counter(result.state.value.replace("_", " ") for result in results)
    summary = ", ".join(f"{count} {state}" for state, count in sorted(states.items())) or "no settings"
    rows = [f"| {cell(r.target)} | {cell(r.state.value)} | {'yes' if r.changed else ''} | {cell(r.detail)} |"
            for r in results]
    return "\n".join([f"### {title}: {summary}", "", "| setting | state | changed | detail |",
                      "|---|---|---|---|", *rows]) + "\n"


def cell(text: str) -> str:
    """Table-safe: a pipe would end the cell and a line break the row."""
    return " ".join(text.split()).replace("|", "\\|")


def write(results: list[Result], specs: list[ReportSpec], title: str) -> None:
    """Write each requested report, and append the Markdown table to GitHub's step summary."""
    targets = [(spec.path, render(spec.format, results, title), "w") for spec in specs]
    summary = os.environ.get(STEP_SUMMARY_VARIABLE)
    if summary:
        targets.append((Path(summary), markdown(results, title) + "\n", "a"))
    for path, text, mode in targets:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open(mode, encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            raise ReportError(f"Could not write the report {path}: {exc.strerror or exc}.") from None
