"""Tumblr, Substack, Squarespace, Figma, HubSpot and grok.com end to end: the real flow files, the
CLI as a subprocess, Chromium and each platform's replica. Four repeat their setting per item
(blogs, publications, sites, teams) with a result each; two are set by admins only, and an
account that is not one gets not_offered saying so. Variants are batched: one apply each."""

from __future__ import annotations

import pytest

from optout.replica.base import DEMO_PASSWORD, DEMO_USERNAME
from tests.e2e.test_shapes import by_target

pytestmark = pytest.mark.browser

PLATFORMS = ["tumblr", "substack", "squarespace", "figma", "hubspot", "grok"]
PASSWORD_SIGN_IN = ("tumblr", "squarespace", "figma", "hubspot")  # the others: `optout login` only
VERIFIED = "Changed to {value} and verified after reloading the page."
NOT_KEPT = "did not keep the change. Nothing is counted as done."

# What `check` reads first: one result per blog, publication, site and team.
CHECKED = {
    "tumblr/third-party-sharing[demo-writer]": "opted_in",
    "tumblr/third-party-sharing[night-sketches]": "opted_out",  # searching discouraged: on already
    "substack/block-ai-training[Field Notes]": "opted_in",
    "substack/block-ai-training[The Demo Letter]": "opted_out",
    "squarespace/block-ai-crawlers[Sunny Bakery]": "opted_in",
    "squarespace/block-ai-crawlers[Studio Lena]": "opted_out",
    "figma/content-training[Demo Studio]": "opted_in",
    "figma/content-training[Side Projects]": "opted_out",
    "hubspot/ai-model-training": "opted_in",
    "grok/improve-the-model": "opted_in",
}
CHANGED_VALUE = {"tumblr": "on", "substack": "on", "squarespace": "on", "figma": "off", "hubspot": "off", "grok": "off"}
OPTED_OUT_SETTINGS = {
    "tumblr": {"demo-writer": True, "night-sketches": True, "search-demo-writer": False, "search-night-sketches": True},
    "substack": {"fieldnotes": True, "demoletter": True},
    # the search-engine checkbox beside the AI one is left alone
    "squarespace": {"ai-sunny-bakery": True, "ai-studio-lena": True, "search-sunny-bakery": False,
                    "search-studio-lena": False},
    "figma": {"training-1001": False, "training-1002": False, "training-1003": True, "features-1001": True,
              "features-1002": True, "features-1003": True},
    "hubspot": {"generative-ai": True, "ai-model-training": False},
    "grok": {"improve-the-model": False},
}
FIGMA_MEMBER = ("Figma does not offer this setting here: Only an admin of this team can change Content training; "
                "ask one of the team's admins to switch it off.")
HUBSPOT_NOT_SUPER_ADMIN = ("HubSpot does not offer this setting here: Only a Super Admin can change AI Model "
                           "Training; ask one of your account's Super Admins to switch it off.")


def sign_in(cli, replicas, platforms, *, passwords: bool = True) -> None:
    """Store the demo login where the site has a password form (passwords=False: a saved session
    everywhere, once the forms are proven, to keep the variant runs short)."""
    for platform in platforms:
        if passwords and platform in PASSWORD_SIGN_IN:
            cli.store_credentials(platform, DEMO_USERNAME, DEMO_PASSWORD)
        else:
            cli.seed_session(platform, replicas[platform].admin("session"))


def states(document: dict) -> dict[str, tuple[str, bool]]:
    return {target: (r["state"], r["changed"]) for target, r in by_target(document).items()}


def test_check_apply_check_gives_a_result_per_item(cli, replicas):
    sign_in(cli, replicas, PLATFORMS)

    code, checked = cli.json("check", *PLATFORMS)
    assert code == 1
    assert {target: r["state"] for target, r in by_target(checked).items()} == CHECKED

    code, applied = cli.json("apply", *PLATFORMS)
    assert code == 0
    assert states(applied) == {target: ("opted_out", state == "opted_in") for target, state in CHECKED.items()}
    for target, result in by_target(applied).items():
        if result["changed"]:
            assert result["detail"] == VERIFIED.format(value=CHANGED_VALUE[target.split("/")[0]]), target
    assert {platform: replicas[platform].switches() for platform in PLATFORMS} == OPTED_OUT_SETTINGS

    code, again = cli.json("check", *PLATFORMS)
    assert code == 0
    assert {target: r["state"] for target, r in by_target(again).items()} == dict.fromkeys(CHECKED, "opted_out")
    # Each password form was filled once; the later runs used the session it saved.
    assert [replicas[p].state()["sign_ins"] for p in PASSWORD_SIGN_IN] == [1, 1, 1, 1]


def test_late_pages_new_labels_and_accounts_that_are_not_admins(cli, replicas):
    variants = {"tumblr": "late-render", "substack": "opt-out-label", "squarespace": "late-render",
                "figma": "member-team", "hubspot": "not-super-admin", "grok": "late-render"}
    for platform, variant in variants.items():
        replicas[platform].reset(variant)
    sign_in(cli, replicas, PLATFORMS, passwords=False)

    code, applied = cli.json("apply", *PLATFORMS)

    assert code == 0
    expected = {target: ("opted_out", state == "opted_in") for target, state in CHECKED.items()
                if not target.startswith("hubspot/")}
    assert states(applied) == {**expected, "figma/content-training[Acme Design]": ("not_offered", False),
                               "hubspot/ai-model-training": ("not_offered", False)}
    results = by_target(applied)
    assert results["figma/content-training[Acme Design]"]["detail"] == FIGMA_MEMBER
    assert results["hubspot/ai-model-training"]["detail"] == HUBSPOT_NOT_SUPER_ADMIN
    assert replicas["figma"].switches()["training-1003"] is True  # a member's disabled switch is never clicked
    assert replicas["hubspot"].switches() == {"generative-ai": True, "ai-model-training": True}


def test_failed_saves_stay_opted_in_and_a_locked_switch_is_read(cli, replicas):
    platforms = ["tumblr", "squarespace", "grok", "hubspot"]
    for platform in platforms[:3]:
        replicas[platform].reset("save-fails")
    replicas["hubspot"].reset("sensitive-data")  # Sensitive Data: off and locked
    sign_in(cli, replicas, platforms, passwords=False)
    before = {platform: replicas[platform].switches() for platform in platforms[:3]}

    code, applied = cli.json("apply", *platforms)

    assert code == 1
    refused = ("tumblr/third-party-sharing[demo-writer]", "squarespace/block-ai-crawlers[Sunny Bakery]",
               "grok/improve-the-model")
    results = by_target(applied)
    for target in refused:
        assert results[target]["state"] == "opted_in", target
        assert results[target]["detail"].endswith(NOT_KEPT), results[target]["detail"]
    assert states(applied)["hubspot/ai-model-training"] == ("opted_out", False)
    assert {platform: replicas[platform].switches() for platform in platforms[:3]} == before
