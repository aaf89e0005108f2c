"""X, ChatGPT, Claude, Discord, GitHub Copilot and Reddit end to end: the real flow files, the CLI
as a subprocess, Chromium, and each platform's HTTPS replica through the origin map."""

from __future__ import annotations

from pathlib import Path

import pytest

from optout.flow import load_flow
from optout.flow.loader import flows_dir
from optout.replica.base import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERNAME
from tests.fakes import without_saved_session

browser = pytest.mark.browser
BROWSER_SIGN_IN = {"x": "X", "chatgpt": "ChatGPT", "claude": "Claude", "discord": "Discord"}
PLATFORMS = [*BROWSER_SIGN_IN, "github"]
GITHUB_CODE = {"OPTOUT_GITHUB_TOTP_SECRET": DEMO_TOTP_SECRET}
# Each target, the replica setting it is, and that setting's value once opted out.
TARGETS = {
    "x/grok-training": ("grok-training", False),
    "chatgpt/improve-the-model": ("improve-model", False),
    "claude/help-improve-claude": ("help-improve-claude", False),
    "discord/improve-discord": ("improve-discord", False),
    "github/copilot-model-training": ("model-training", "Disabled"),
}


def sign_in(cli, replicas, platform: str) -> None:
    """What a person does once: `optout login` (a saved session), or store GitHub's password."""
    if platform == "github":
        cli.store_credentials("github", DEMO_USERNAME, DEMO_PASSWORD)
    else:
        cli.seed_session(platform, replicas[platform].admin("session"))


def settings(replicas) -> dict[str, dict]:
    return {platform: replicas[platform].switches() for platform in PLATFORMS}


def states(document: dict) -> dict[str, str]:
    return {f"{r['platform']}/{r['setting']}": r["state"] for r in document["results"]}


def opted_out(before: dict[str, dict], *targets: str) -> dict[str, dict]:
    """The replicas' settings once exactly these targets are opted out, and nothing else changed."""
    after = {platform: dict(values) for platform, values in before.items()}
    for target in targets:
        key, value = TARGETS[target]
        after[target.split("/")[0]][key] = value
    return after


@browser
def test_check_apply_check_on_every_platform(cli, replicas):
    for platform in PLATFORMS:
        sign_in(cli, replicas, platform)
    before = settings(replicas)

    code, checked = cli.json("check", *PLATFORMS, env=GITHUB_CODE)
    assert code == 1
    assert states(checked) == dict.fromkeys(TARGETS, "opted_in")
    assert settings(replicas) == before  # check never writes

    code, applied = cli.json("apply", *PLATFORMS, env=GITHUB_CODE)
    assert code == 0
    for result in applied["results"]:
        value = '"Disabled"' if result["platform"] == "github" else "off"
        assert (result["state"], result["changed"]) == ("opted_out", True)
        assert result["detail"] == f"Changed to {value} and verified after reloading the page."
        assert Path(result["evidence"]).stat().st_size > 10_000
    # Only the training controls changed: X's personalization checkbox, GitHub's product
    # improvements dropdown and Discord's other data-use switches kept their values.
    assert settings(replicas) == opted_out(before, *TARGETS)

    code, again = cli.json("check", env=GITHUB_CODE)  # no target: every platform signed in to
    assert code == 0
    assert states(again) == dict.fromkeys(TARGETS, "opted_out")
    assert replicas["github"].state()["sign_ins"] == 1  # password and code once; the session after


@browser
@pytest.mark.parametrize("target, variant", [
    ("x/grok-training", "label-2024"),  # the documented 2024 wording; the default pages are 2026's
    ("claude/help-improve-claude", "late-render"),
    ("discord/improve-discord", "my-data"),  # "Use my data to improve Discord"
    ("discord/improve-discord", "privacy-and-safety"),  # the older tab name
    ("github/copilot-model-training", "untied-label"),  # found by the wording beside the dropdown
])
def test_variant_is_found_and_opted_out(cli, replicas, target, variant):
    platform = target.split("/")[0]
    replicas[platform].reset(variant)
    sign_in(cli, replicas, platform)
    before = settings(replicas)
    code, applied = cli.json("apply", target, env=GITHUB_CODE)
    assert code == 0
    assert [(r["state"], r["changed"]) for r in applied["results"]] == [("opted_out", True)]
    assert settings(replicas) == opted_out(before, target)


@browser
def test_chatgpt_save_refused_after_done_is_not_counted(cli, replicas):
    replicas["chatgpt"].reset("save-fails")
    sign_in(cli, replicas, "chatgpt")
    code, applied = cli.json("apply", "chatgpt")
    assert code == 1
    result = applied["results"][0]
    assert (result["state"], result["changed"]) == ("opted_in", False)
    assert result["detail"] == ("Set it to off, but after reloading the page it is opted in again: ChatGPT did "
                                "not keep the change. Nothing is counted as done.")
    assert replicas["chatgpt"].switches() == {"improve-model": True}


@browser
def test_without_a_saved_session_sign_in_is_left_to_the_person(cli, replicas):
    code, checked = cli.json("check", *BROWSER_SIGN_IN)
    assert code == 3
    assert {r["platform"]: (r["state"], r["detail"]) for r in checked["results"]} == without_saved_session(
        BROWSER_SIGN_IN)
    assert all(replicas[platform].state()["sign_in_attempts"] == 0 for platform in BROWSER_SIGN_IN)


def test_reddit_has_no_setting_and_starts_no_browser(cli):
    advice = load_flow(flows_dir() / "reddit.yaml").flow.settings[0].advice
    assert "privacy@reddit.com" in advice
    code, checked = cli.json("check", "reddit", env={"OPTOUT_BROWSER": "/nonexistent"})
    assert code == 0
    assert [(r["setting"], r["state"], r["detail"]) for r in checked["results"]] == [
        ("ai-training", "not_offered", advice)]


def test_flows_list_shows_settings_regions_and_sign_in(cli):
    code, listed = cli.json("flows", "list")
    assert code == 0
    flows = {flow["platform"]: flow for flow in listed["flows"]}
    assert {platform: flows[platform]["sign_in"] for platform in [*PLATFORMS, "reddit"]} == {
        **dict.fromkeys(BROWSER_SIGN_IN, "`optout login` only"),
        "github": "password or `optout login`", "reddit": "none needed"}
    for target in TARGETS:
        platform, setting_id = target.split("/")
        (setting,) = flows[platform]["settings"]
        assert setting["id"] == setting_id and setting["regions"] and setting["url"].startswith("https://")
    discord = flows["discord"]["settings"][0]
    assert discord["title"] == "Use data to improve Discord (nearest control; not an AI-training switch)"
    assert discord["regions"].startswith("All accounts. Discord has no AI-training opt-out")
    reddit = flows["reddit"]["settings"][0]
    assert (reddit["url"], reddit["regions"]) == (None, None) and reddit["advice"].startswith("Reddit has no setting")
