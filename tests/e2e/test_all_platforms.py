"""Every platform in one command: `optout apply` then `optout check` over all flows at once,
concurrently, against all the replicas, with saved sessions as `optout login` leaves them."""

from __future__ import annotations

import time

import pytest

from optout.flow import load_flows

pytestmark = pytest.mark.browser

# No setting exists (advice, no browser), and a WordPress.com site that is not public.
NOT_OFFERED = {("reddit", "ai-training", None), ("zoom", "ai-training", None), ("otter", "ai-training", None),
               ("snapchat", "generative-ai", None), ("wordpress", "third-party-sharing", "family-album.wordpress.com")}
ADVICE_ONLY = {"reddit", "zoom", "otter", "snapchat"}
SLACK = {"OPTOUT_SLACK_WORKSPACE_URL": "https://acme.slack.com"}  # Slack's opt-out is an e-mail


def test_apply_then_check_every_platform_in_one_command(cli, replicas):
    platforms = sorted(load_flows())
    assert len(platforms) == 33
    replicas["deviantart"].reset(settings={"noai": False})  # NoAI is the default: someone unticked it
    for name, site in replicas.items():
        cli.seed_session(name, site.admin("session"))

    started = time.monotonic()
    code, applied = cli.json("apply", *platforms, env=SLACK)
    took = time.monotonic() - started
    states = {(r["platform"], r["setting"], r["item"]): r["state"] for r in applied["results"]}
    assert code == 3, [(key, state) for key, state in states.items() if state != "opted_out"]  # Slack's reply
    assert {r["platform"] for r in applied["results"]} == set(platforms)
    assert {key: state for key, state in states.items() if state != "opted_out"} == {
        **dict.fromkeys(NOT_OFFERED, "not_offered"), ("slack", "model-opt-out", None): "needs_human"}
    changed = {r["platform"] for r in applied["results"] if r["changed"]}
    assert changed == set(platforms) - ADVICE_ONLY

    assert cli("confirm", "slack").returncode == 0  # Slack answered the e-mail
    code, checked = cli.json("check", *platforms)
    assert code == 0
    assert [(r["platform"], r["setting"], r["item"]) for r in checked["results"]] == list(states)
    assert {r["state"] for r in checked["results"]} == {"opted_out", "not_offered"}
    assert not any(r["changed"] for r in checked["results"])
    print(f"apply over {len(platforms)} platforms took {took:.1f}s")
