"""`optout scan` and `check --scan` through the CLI against the LinkedIn replica: a new AI switch
beside the known one is found (and nothing else is), the default pages hold only known switches, a
finding is alerted and shown until a flow covers it, and the snippet is a flow setting. That it is
alerted only once is tested on the history (tests/test_scan.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.fakes import local_flow

pytestmark = pytest.mark.browser
GENAI_PAGE = "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement"
NEW_SWITCH = "Improve writing suggestions with my content"
DRIFT = (f'drift: linkedin: a new AI setting no flow covers yet, switch "{NEW_SWITCH}" on {GENAI_PAGE} (it is on). '
         "Look at it with optout scan linkedin; its flow snippet is there.")  # on a terminal: no backticks


def test_a_new_ai_switch_beside_the_known_one_is_the_only_finding_and_nothing_changes(cli, linkedin, replicas):
    linkedin.reset("new-ai-switch")
    cli.store_demo_credentials()
    cli.seed_session("x", replicas["x"].admin("session"))
    switches = linkedin.switches()
    code, document = cli.json("scan", "linkedin", "x")
    assert code == 1
    # X's Grok page has the personalisation checkbox beside the training one the flow reads.
    [finding, grok] = document["findings"]  # not LinkedIn's email, profile photo or recommendations switches
    assert (grok["platform"], grok["role"], grok["name"], grok["state"]) == (
        "x", "checkbox", "Allow X to personalize your experience with Grok", "on")
    evidence = finding.pop("evidence")
    assert finding == {
        "platform": "linkedin", "url": GENAI_PAGE, "role": "switch", "name": NEW_SWITCH,
        "context": "AI-powered writing suggestions Can LinkedIn use the messages and posts you write to improve its "
                   f"writing suggestions? {NEW_SWITCH} On Learn more",
        "state": "on",
        "snippet": "\n".join([
            "  - id: improve-writing-suggestions-with-my-cont", f'    title: "{NEW_SWITCH}"', f"    url: {GENAI_PAGE}",
            "    control:", "      kind: switch",
            "      opted_out: off  # the value that means opted out: check it on the page",
            "      find:", f'        - {{role: switch, name: "{NEW_SWITCH}"}}']),
    }
    assert Path(evidence).stat().st_size > 10_000
    assert document["unread"] == [] and document["version"] == 1
    assert linkedin.switches() == switches  # a scan never changes anything
    assert replicas["x"].switches() == {"grok-training": True, "grok-personalization": True}


def test_pages_with_only_known_switches_have_no_finding(cli, linkedin):
    cli.store_demo_credentials()
    assert cli.json("scan", "linkedin") == (0, {"version": 1, "findings": [], "unread": []})


def test_a_page_nobody_can_sign_in_to_is_exit_3(cli, linkedin):
    completed = cli("scan", "linkedin")
    assert completed.returncode == 3
    assert "No AI controls that no flow covers were found on the pages read; 3 could not be read." in completed.stdout
    assert ("warning: linkedin: could not read https://www.linkedin.com/mypreferences/d/settings/data-for-ai-"
            "improvement, https://www.linkedin.com/mypreferences/d/settings/policy-and-academic-research, "
            "https://www.linkedin.com/mypreferences/d/categories/privacy: Not signed in to LinkedIn. Run optout "
            "login linkedin.") in completed.stderr


def test_check_scan_alerts_and_shows_the_finding_until_a_flow_covers_it(cli, linkedin, tmp_path):
    linkedin.reset("new-ai-switch")
    cli.store_demo_credentials()
    first = cli("check", "linkedin", "--scan")
    assert first.returncode == 1
    assert DRIFT in first.stderr
    assert f'        - {{role: switch, name: "{NEW_SWITCH}"}}' in first.stdout  # the snippet, ready to paste

    code, status = cli.json("status")
    assert [(f["name"], f["url"]) for f in status["findings"]] == [(NEW_SWITCH, GENAI_PAGE)]
    assert cli("report", "--html", str(tmp_path / "report.html")).returncode == 0
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert f"switch \u201c{NEW_SWITCH}\u201d" in report and "data:image/png;base64," in report

    snippet = yaml.safe_load(status["findings"][0]["snippet"])
    local_flow(cli.home, lambda flow: flow["settings"].extend(snippet))  # the person pastes it
    code, covered = cli.json("check", "linkedin", "--scan")
    assert covered["findings"] == []
    assert [r["state"] for r in covered["results"]] == ["opted_in"] * 3  # now a setting optout reads
    assert cli.json("status")[1]["findings"] == []
