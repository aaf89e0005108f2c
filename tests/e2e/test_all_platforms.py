"""Every platform in one command: `optout apply` then `optout check` over all flows at once,
concurrently, against all the replicas, with saved sessions as `optout login` leaves them."""

from __future__ import annotations

import time

import pytest

from optout.loader import load_flows

pytestmark = pytest.mark.browser


def test_apply_then_check_every_platform_in_one_command(cli, replicas):
    platforms = sorted(load_flows())
    for name, site in replicas.items():
        cli.seed_session(name, site.admin("session"))

    started = time.monotonic()
    code, applied = cli.json("apply", *platforms)
    took = time.monotonic() - started
    assert code == 0, [(r["platform"], r["setting"], r["state"], r["detail"]) for r in applied["results"]]
    assert {r["platform"] for r in applied["results"]} == set(platforms)
    assert {r["state"] for r in applied["results"]} <= {"opted_out", "not_offered"}
    changed = {(r["platform"], r["setting"]) for r in applied["results"] if r["changed"]}
    assert {platform for platform, _ in changed} == set(platforms) - {"reddit"}  # nothing to change there
    assert [r["state"] for r in applied["results"] if r["platform"] == "reddit"] == ["not_offered"]

    code, checked = cli.json("check", *platforms)
    assert code == 0
    assert [(r["platform"], r["setting"], r["item"], r["state"]) for r in checked["results"]] == [
        (r["platform"], r["setting"], r["item"], r["state"]) for r in applied["results"]]
    assert not any(r["changed"] for r in checked["results"])
    print(f"apply over {len(platforms)} platforms took {took:.1f}s")
