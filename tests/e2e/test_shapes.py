"""Facebook, Instagram, Google Gemini, WordPress.com and Medium end to end: the real flow files,
the CLI as a subprocess, Chromium, and each platform's HTTPS replica through the origin map.
Between them they exercise every shape beyond a plain switch: a form whose state cannot be read
back, a menu choice, a checkbox opted out when ticked and repeated per site, and a radio group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from optout.replica.base import DEMO_PASSWORD, DEMO_USERNAME

browser = pytest.mark.browser
PLATFORMS = ["facebook", "instagram", "gemini", "wordpress", "medium"]
BROWSER_SIGN_IN = {"facebook": "Facebook", "instagram": "Instagram", "gemini": "Google Gemini", "medium": "Medium"}
GEMINI_AUDIO_ON = {"audio-recordings": True}  # off by default: turned on so both Gemini settings have work
VERIFIED = "verified after reloading the page."
SUBMITTED = "Submitted; {name} showed its confirmation."

# What `check` reads first, and what `apply` then reports (state, changed, detail's end).
CHECKED = {
    "facebook/ai-objection": "opted_in",
    "instagram/ai-objection": "opted_in",
    "gemini/keep-activity": "opted_in",
    "gemini/audio-recordings": "opted_in",
    "wordpress/third-party-sharing[travel-notes.wordpress.com]": "opted_in",
    "wordpress/third-party-sharing[recipes.example.com]": "opted_out",
    "wordpress/third-party-sharing[family-album.wordpress.com]": "not_offered",
    "medium/third-party-ai": "opted_in",
}
APPLIED = {
    "facebook/ai-objection": ("opted_out", True, SUBMITTED.format(name="Facebook")),
    "instagram/ai-objection": ("opted_out", True, SUBMITTED.format(name="Instagram")),
    "gemini/keep-activity": ("opted_out", True, f'Changed to "Turn off" and {VERIFIED}'),
    "gemini/audio-recordings": ("opted_out", True, f"Changed to off and {VERIFIED}"),
    "wordpress/third-party-sharing[travel-notes.wordpress.com]": ("opted_out", True, f"Changed to on and {VERIFIED}"),
    "wordpress/third-party-sharing[recipes.example.com]": ("opted_out", False, "the checkbox is on."),
    "wordpress/third-party-sharing[family-album.wordpress.com]": (
        "not_offered", False, "WordPress.com does not offer this setting here: WordPress.com shows \"Prevent "
        "third-party sharing\" only while a site is Public, and this site is Coming Soon or Private."),
    "medium/third-party-ai": ("opted_out", True, f'Changed to "Minimize third-party training" and {VERIFIED}'),
}
OPTED_OUT_SETTINGS = {
    "gemini": {"keep-activity": False, "audio-recordings": False},
    "wordpress": {"travel-notes.wordpress.com": True, "recipes.example.com": True, "family-album.wordpress.com": False},
    "medium": {"third-party-ai": "Minimize third-party training"},
}


def sign_in(cli, replicas, platform: str) -> None:
    """What a person does once: `optout login` (a saved session), or store WordPress.com's password."""
    if platform == "wordpress":
        cli.store_credentials("wordpress", DEMO_USERNAME, DEMO_PASSWORD)
    else:
        cli.seed_session(platform, replicas[platform].admin("session"))


def by_target(document: dict) -> dict[str, dict]:
    results = {}
    for r in document["results"]:
        target = f"{r['platform']}/{r['setting']}" + (f"[{r['item']}]" if r["item"] else "")
        results[target] = r
    return results


def settings(replicas) -> dict[str, dict]:
    return {platform: replicas[platform].switches() for platform in OPTED_OUT_SETTINGS}


@browser
def test_check_apply_and_apply_again(cli, replicas):
    replicas["gemini"].reset(settings=GEMINI_AUDIO_ON)
    for platform in PLATFORMS:
        sign_in(cli, replicas, platform)
    before = settings(replicas)

    code, checked = cli.json("check", *PLATFORMS)
    assert code == 1
    assert {target: r["state"] for target, r in by_target(checked).items()} == CHECKED
    assert settings(replicas) == before  # check never writes, and sends no form
    assert [replicas[p].state()["submissions"] for p in ("facebook", "instagram")] == [0, 0]

    code, applied = cli.json("apply", *PLATFORMS)
    assert code == 0
    results = by_target(applied)
    assert list(results) == list(APPLIED)
    for target, (state, changed, detail_end) in APPLIED.items():
        assert (results[target]["state"], results[target]["changed"]) == (state, changed), target
        assert results[target]["detail"].endswith(detail_end), results[target]["detail"]
        assert Path(results[target]["evidence"]).stat().st_size > 10_000
    assert settings(replicas) == OPTED_OUT_SETTINGS
    assert replicas["gemini"].state()["activity_choices"] == ["off"]  # never "Turn off and delete activity"

    # A second apply changes nothing, and a form once confirmed is not sent again.
    code, again = cli.json("apply", *PLATFORMS)
    assert code == 0
    assert {t: (r["state"], r["changed"]) for t, r in by_target(again).items()} == {
        t: (state, False) for t, (state, _, _) in APPLIED.items()}
    assert by_target(again)["facebook/ai-objection"]["detail"].endswith("Facebook confirmed it.")
    for platform in ("facebook", "instagram"):
        assert replicas[platform].state()["submissions"] == 1
        assert replicas[platform].state()["reasons"] == [
            "I object to Meta using my personal information to develop and improve AI at Meta."]


@browser
def test_without_a_session_or_credentials_each_says_how_to_sign_in(cli, replicas):
    code, document = cli.json("check", *PLATFORMS)
    assert code == 3
    details = {r["platform"]: r["detail"] for r in document["results"]}
    assert details == {
        **{platform: f"Not signed in to {name}. Run `optout login {platform}`."
           for platform, name in BROWSER_SIGN_IN.items()},
        "wordpress": "Not signed in to WordPress.com. Run `optout login wordpress`.",
    }
    assert {r["state"] for r in document["results"]} == {"login_required"}


@browser
@pytest.mark.parametrize("platform, variant", [
    ("gemini", "gemini-apps-activity"),  # the setting's name before the 2025 rename
    ("gemini", "late-render"),
    ("wordpress", "this-site"),  # the newer dashboard: a toggle "...for this site" and a "Save" button
    ("medium", "late-render"),
    ("medium", "custom-radios"),  # role="radio" elements named by aria-labelledby, with a description
])
def test_variants_a_careful_flow_still_handles(cli, replicas, platform, variant):
    replicas[platform].reset(variant, settings=GEMINI_AUDIO_ON if platform == "gemini" else None)
    sign_in(cli, replicas, platform)
    code, document = cli.json("apply", platform)
    assert code == 0
    assert {(t, r["state"]) for t, r in by_target(document).items()} == {
        (t, APPLIED[t][0]) for t in APPLIED if t.startswith(f"{platform}/")}
    assert replicas[platform].switches() == OPTED_OUT_SETTINGS[platform]


@browser
@pytest.mark.parametrize("target", [
    "gemini/keep-activity",
    "wordpress/third-party-sharing[travel-notes.wordpress.com]",
    "medium/third-party-ai",
])
def test_a_save_the_site_refuses_is_still_opted_in(cli, replicas, target):
    platform = target.split("/")[0]
    replicas[platform].reset("save-fails")
    sign_in(cli, replicas, platform)
    before = replicas[platform].switches()
    code, document = cli.json("apply", target.split("[")[0])
    assert code == 1
    refused = by_target(document)[target]
    assert refused["state"] == "opted_in"
    assert refused["detail"].endswith("did not keep the change. Nothing is counted as done.")
    assert replicas[platform].switches() == before


def test_flows_list_shows_settings_regions_and_sign_in(cli):
    completed = cli("flows", "list", "--json")
    assert completed.returncode == 0
    flows = {flow["platform"]: flow for flow in json.loads(completed.stdout)["flows"]}
    assert {p: flows[p]["sign_in"] for p in PLATFORMS} == {
        **dict.fromkeys(BROWSER_SIGN_IN, "`optout login` only"), "wordpress": "password or `optout login`"}
    assert [s["id"] for s in flows["gemini"]["settings"]] == ["keep-activity", "audio-recordings"]
    assert all(s["regions"] for p in PLATFORMS for s in flows[p]["settings"])
