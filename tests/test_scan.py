"""Discovery: the AI vocabulary (whole words, no ordinary controls), the engine's scan against the
fake driver (covered controls by the flow's own locators, scan: pages, nothing clicked, unread
pages), the flow key, and findings in the history and as drift."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from optout import history
from optout.drift import Drift, Kind, scan_drifts
from optout.driver import Control
from optout.engine import Engine, Job, RunOptions, scan_pages
from optout.engine.scan import looks_like_ai
from optout.exitcodes import ExitCode
from optout.history import FlowVersion
from optout.results import Finding, ScanReport
from optout.vocabulary import ai_wording
from tests.fakes import (
    FLOW,
    LABEL,
    SECRETS,
    SWITCH,
    El,
    FakeDriver,
    FakeSite,
    MemoryAccount,
    make_flow,
    problems_of,
    write_flow,
)

AI_CONTROLS = [
    "Use my data for training content creation AI models",
    "Allow Grok to use your posts and interactions for training",
    "Help improve our products with your data",
    "Improve the model for everyone",
    "Generative AI features",
    "Use my conversations to improve Copilot",
    "Machine learning personalization",
    "Let A.I. suggest replies",
    "Meine Daten für das Training von KI-Modellen verwenden",
    "Utiliser mes données pour entraîner les modèles d’IA",
]
ORDINARY_CONTROLS = [
    "Email me about unread messages",
    "We maintain this list, as we said; it is available to you",
    "Who can see your posts",
    "Push notifications",
    "Show my profile photo to everyone",
    "Allow LinkedIn to use my profile data for recommendations",
    "Use my data to personalize ads",
    "Daily digest e-mails",
    "J'ai lu les conditions",  # "ai" in French, in lower case
    "Remodel your feed",
    "Trainee programmes near you",
]


@pytest.mark.parametrize("text", AI_CONTROLS)
def test_ai_wording_is_recognised(text):
    assert ai_wording(text) is not None


@pytest.mark.parametrize("text", ORDINARY_CONTROLS)
def test_ordinary_controls_are_not_ai(text):
    assert ai_wording(text) is None


def test_the_match_says_which_words_made_it():
    assert ai_wording("Data for Generative AI Improvement") == "Generative"
    assert ai_wording("ai") is None  # acronyms only in their own case


# -- the engine's scan against the fake driver ------------------------------------------------------

NEW_AI = El(role="switch", name="Improve writing suggestions with my content",
            region="AI-powered writing suggestions", setting="writing")
NOTIFICATIONS = El(role="switch", name="Email me about unread messages", region="Email notifications",
                   setting="email")
PRIVACY = "https://www.example.com/settings/privacy"


def scan(site: FakeSite, flow=None, account=None, **options) -> tuple[ScanReport, FakeDriver]:
    driver = FakeDriver(site)
    flow = flow or make_flow(scan=[PRIVACY])
    job = Job(flow, [], account or MemoryAccount(SECRETS), scan=scan_pages(flow, flow.settings))
    return asyncio.run(Engine(driver, RunOptions(**options)).run_and_scan([job])).scan, driver


def test_a_new_ai_switch_beside_the_known_one_is_found_and_nothing_is_clicked(tmp_path):
    site = FakeSite(pages={"/settings/ai": [SWITCH, NOTIFICATIONS, NEW_AI], "/settings/privacy": []},
                    settings={"ai": True, "email": True, "writing": True})
    report, driver = scan(site, evidence_dir=tmp_path)
    assert report.findings == [Finding("example", "https://www.example.com/settings/ai", "switch", NEW_AI.name,
                                       NEW_AI.region, "on", str(driver.pages[0].screenshots[0]))]
    assert report.exit_code() == ExitCode.OPTED_IN
    assert driver.pages[0].clicks == ['button "Sign in"']  # signing in, and nothing else
    assert site.settings == {"ai": True, "email": True, "writing": True}


def test_a_control_is_covered_by_any_of_the_flows_locators():
    untied = El(role="switch", name="On", region=LABEL, setting="ai")  # found by `within`, as check does
    site = FakeSite(pages={"/settings/ai": [untied], "/settings/privacy": []})
    report, _ = scan(site)
    assert report == ScanReport([], [], ["example"])
    assert report.exit_code() == ExitCode.OK


def test_the_flows_scan_pages_are_read_and_named_in_findings():
    site = FakeSite(pages={"/settings/ai": [SWITCH], "/settings/privacy": [NEW_AI, NOTIFICATIONS]},
                    settings={"ai": True, "writing": False})
    report, _ = scan(site)
    assert [(f.url, f.name, f.state) for f in report.findings] == [(PRIVACY, NEW_AI.name, "off")]


def test_a_page_that_cannot_be_read_is_reported_and_the_others_still_are():
    site = FakeSite(pages={"/settings/ai": [SWITCH], "/settings/privacy": [NEW_AI]}, status=500)
    report, _ = scan(site, retry_delays=())
    assert [u.url for u in report.unread] == ["https://www.example.com/settings/ai", PRIVACY]
    assert report.unread[0].detail == ("Example answered HTTP 500 for https://www.example.com/settings/ai; "
                                       "try again later.")
    assert report.exit_code() == ExitCode.UNDETERMINED


def test_without_a_way_in_every_page_is_unread():
    report, driver = scan(FakeSite(), account=MemoryAccount(None))
    assert {u.url for u in report.unread} == {"https://www.example.com/settings/ai", PRIVACY}
    assert report.unread[0].detail.startswith("Not signed in to Example.")


def test_check_with_scan_reads_the_settings_then_scans_on_the_same_page():
    site = FakeSite(pages={"/settings/ai": [SWITCH, NEW_AI], "/settings/privacy": []},
                    settings={"ai": True, "writing": True})
    driver = FakeDriver(site)
    flow = make_flow(scan=[PRIVACY])
    job = Job(flow, flow.settings, MemoryAccount(SECRETS), scan=scan_pages(flow, flow.settings))
    ran = asyncio.run(Engine(driver, RunOptions()).run_and_scan([job]))
    assert [r.state.value for r in ran.results] == ["opted_in"]
    assert [f.name for f in ran.scan.findings] == [NEW_AI.name]
    assert len(driver.pages) == 1 and site.sign_in_attempts == 1


def test_the_snippet_is_a_flow_setting_to_paste():
    finding = Finding("linkedin", "https://www.linkedin.com/x", "switch", 'Use "my" data for AI', "", "on")
    assert finding.snippet() == "\n".join([
        "  - id: use-my-data-for-ai",
        '    title: "Use \\"my\\" data for AI"',
        "    url: https://www.linkedin.com/x",
        "    control:",
        "      kind: switch",
        "      opted_out: off  # the value that means opted out: check it on the page",
        "      find:",
        '        - {role: switch, name: "Use \\"my\\" data for AI"}',
    ])


def test_only_setting_controls_count_not_the_sites_menus_plain_buttons_or_a_groups_radios():
    menu = Control("button", "Ask Copilot", "", "Copilot", opens_list=True)
    assert looks_like_ai(menu)  # a dropdown showing its value, in the page
    assert not looks_like_ai(replace(menu, in_chrome=True))  # the site's header or navigation
    assert not looks_like_ai(replace(menu, opens_list=False))  # a button that does something
    assert not looks_like_ai(Control("radio", "AI training", "", "on", in_group=True))  # its group is the control
    assert not looks_like_ai(Control("switch", "AI training", "", "on", known=True))


def test_a_short_name_gets_a_hint_in_its_snippet():
    snippet = Finding("x", "https://x.com/settings", "switch", "On", "Grok training", "on").snippet()
    assert snippet.splitlines()[-1] == ('        # a name as short as this may not be unique: {role: switch, within: "…"} '
                                        "finds the one in the section with that wording")


def test_scan_pages_are_checked_like_every_other_url(tmp_path):
    path = write_flow(tmp_path, {**FLOW, "scan": ["https://evil.example.net/settings"]})
    [problem] = problems_of(path)
    assert problem.message == ("https://evil.example.net/settings is outside the platform's domains "
                               "(www.example.com)")


# -- findings in the history, and as drift ----------------------------------------------------------

def finding(name: str, platform: str = "linkedin") -> Finding:
    return Finding(platform, "https://www.linkedin.com/mypreferences/d/categories/privacy", "switch", name, "", "on")


def test_a_finding_is_a_new_setting_drift_once_and_shown_until_a_scan_no_longer_finds_it(isolated_home):
    def scan_run(*found: Finding) -> list[Drift]:
        run_id = history.start_run("schedule", "check")
        history.finish_run(run_id, [], {"linkedin": FlowVersion(1, "a" * 64)}, None,
                           ScanReport(list(found), [], ["linkedin"]))
        return scan_drifts(history.findings(run_id=run_id), history.findings(before_run=run_id))

    new = finding("Improve writing suggestions with my content")
    assert scan_run(new) == [Drift(
        Kind.NEW_SETTING, 'linkedin: switch "Improve writing suggestions with my content"',
        'linkedin: a new AI setting no flow covers yet, switch "Improve writing suggestions with my content" on '
        "https://www.linkedin.com/mypreferences/d/categories/privacy (it is on). Look at it with `optout scan "
        "linkedin`; its flow snippet is there.")]
    assert scan_run(new) == []  # alerted once
    assert [row.finding for row in history.current_findings()] == [new]
    assert scan_run() == []
    assert history.current_findings() == []  # a flow covers it now
