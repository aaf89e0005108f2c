"""Reports for pipelines: JUnit read back by a real JUnit parser, the Markdown table, the JSON
document, and the --report option's errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from optout.reports import ReportError, ReportSpec, junit, markdown, parse_spec, render, write
from optout.results import Result, State

RESULTS = [
    Result("linkedin", "generative-ai", "Data for Generative AI Improvement", State.OPTED_IN,
           "Opted in: the switch is on (off means opted out).", evidence="/evidence/linkedin-generative-ai-final.png"),
    Result("linkedin", "research", "Social, economic, and workplace research", State.OPTED_OUT,
           "Opted out: the switch is off.", changed=True),
    Result("wordpress", "ai-sharing", "Prevent third-party sharing", State.FLOW_OUTDATED,
           "2 elements match switch | sharing", item="blog.example.com"),
    Result("meta", "objection", "Object to AI training", State.NOT_OFFERED, "Not offered in your region."),
]


def test_junit_has_a_case_per_setting_with_failures_errors_and_skips(tmp_path):
    path = tmp_path / "junit.xml"
    path.write_text(junit(RESULTS, "optout check"))

    xml = JUnitXml.fromfile(str(path))

    assert (xml.name, xml.tests, xml.failures, xml.errors, xml.skipped) == ("optout check", 4, 1, 1, 1)
    cases = {(suite.name, case.classname, case.name): case for suite in xml for case in suite}
    assert list(cases) == [("linkedin", "linkedin", "generative-ai"), ("linkedin", "linkedin", "research"),
                           ("wordpress", "wordpress", "ai-sharing[blog.example.com]"), ("meta", "meta", "objection")]
    [failure] = cases["linkedin", "linkedin", "generative-ai"].result
    assert isinstance(failure, Failure)
    assert (failure.type, failure.message) == ("opted_in", "Opted in: the switch is on (off means opted out).")
    assert cases["linkedin", "linkedin", "generative-ai"].system_out == (
        "Data for Generative AI Improvement: opted_in\nOpted in: the switch is on (off means opted out).\n"
        "Screenshot: /evidence/linkedin-generative-ai-final.png")
    assert cases["linkedin", "linkedin", "research"].is_passed
    [error] = cases["wordpress", "wordpress", "ai-sharing[blog.example.com]"].result
    assert isinstance(error, Error)
    assert (error.type, error.message, error.text) == ("flow_outdated", "2 elements match switch | sharing",
                                                       "2 elements match switch | sharing")
    [skipped] = cases["meta", "meta", "objection"].result
    assert isinstance(skipped, Skipped) and skipped.message == "Not offered in your region."


def test_markdown_table_is_safe_for_pipes_and_line_breaks():
    text = markdown(RESULTS[:3], "optout apply")
    assert text == (
        "### optout apply: 1 flow outdated, 1 opted in, 1 opted out\n\n"
        "| setting | state | changed | detail |\n|---|---|---|---|\n"
        "| linkedin/generative-ai | opted_in |  | Opted in: the switch is on (off means opted out). |\n"
        "| linkedin/research | opted_out | yes | Opted out: the switch is off. |\n"
        "| wordpress/ai-sharing[blog.example.com] | flow_outdated |  | 2 elements match switch \\| sharing |\n")


def test_json_report_is_the_json_output_document():
    document = json.loads(render("json", RESULTS, "optout check"))
    assert document == {"version": 1, "results": [result.to_json() for result in RESULTS]}


@pytest.mark.parametrize("text", ["xml:out.xml", "junit", "junit:", ":out.xml"])
def test_a_report_must_be_format_colon_path(text):
    with pytest.raises(ReportError) as raised:
        parse_spec(text)
    assert str(raised.value) == (f"--report {text!r} is not FORMAT:PATH with FORMAT one of junit, markdown, json "
                                 "(e.g. junit:optout-junit.xml).")


def test_reports_are_written_and_the_step_summary_appended(tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    write(RESULTS[:1], [parse_spec(f"markdown:{tmp_path}/new/dir/report.md"), ReportSpec("json", tmp_path / "r.json")],
          "optout check")
    assert (tmp_path / "new/dir/report.md").read_text() == markdown(RESULTS[:1], "optout check")
    assert summary.read_text() == "earlier step\n" + markdown(RESULTS[:1], "optout check") + "\n"
    assert json.loads((tmp_path / "r.json").read_text())["results"][0]["state"] == "opted_in"


def test_unwritable_report_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(ReportError) as raised:
        write(RESULTS, [ReportSpec("junit", tmp_path / "file" / "junit.xml")], "optout check")
    assert str(raised.value) == f"Could not write the report {tmp_path}/file/junit.xml: File exists."


def test_bad_report_option_is_a_usage_error_before_any_browser_starts(tmp_path):
    env = {**os.environ, "OPTOUT_HOME": str(tmp_path), "OPTOUT_BROWSER": "/nonexistent/chrome",
           "OPTOUT_LINKEDIN_USERNAME": "a@example.com", "OPTOUT_LINKEDIN_PASSWORD": "x"}
    completed = subprocess.run([sys.executable, "-m", "optout", "check", "linkedin", "--report", "xml:out.xml"],
                               capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60)
    assert completed.returncode == 2
    assert completed.stderr == ("error: --report 'xml:out.xml' is not FORMAT:PATH with FORMAT one of junit, "
                                "markdown, json (e.g. junit:optout-junit.xml).\n")
