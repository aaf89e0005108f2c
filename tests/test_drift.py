"""Drift over history rows: each kind is found by the run where it starts, and not again while it lasts."""

from __future__ import annotations

from optout.drift import Drift, Kind, find_drifts
from optout.history import Row
from optout.results import State

SHA = "1" * 64
TITLE = "Data for Generative AI Improvement"


def row(run: int, state: State, *, setting: str = "generative-ai", item: str | None = None, changed: bool = False,
        platform: str = "linkedin", sha: str = SHA, detail: str = "") -> Row:
    return Row(run, platform, setting, item, TITLE, state, changed, detail or f"{state.value} detail",
               f"2025-01-{run:02d}T00:00:00+00:00", 1, sha)


def drifts_per_run(rows: list[Row]) -> list[list[Drift]]:
    """What each run would have found, run by run."""
    runs = sorted({r.run_id for r in rows})
    return [find_drifts([r for r in rows if r.run_id == run], [r for r in rows if r.run_id < run]) for run in runs]


def test_switched_back_on_is_found_once_while_it_lasts():
    found = drifts_per_run([row(1, State.OPTED_OUT), row(2, State.OPTED_IN), row(3, State.OPTED_IN)])
    assert found == [[], [Drift(Kind.SWITCHED_BACK_ON, "linkedin/generative-ai",
                                f"{TITLE} (linkedin/generative-ai) was switched back on after you had opted out. "
                                "Run `optout apply linkedin/generative-ai` to turn it off.")], []]


def test_runs_that_could_not_read_it_do_not_hide_or_repeat_a_drift():
    found = drifts_per_run([row(1, State.OPTED_OUT), row(2, State.ERROR), row(3, State.OPTED_IN),
                            row(4, State.LOGIN_REQUIRED), row(5, State.OPTED_IN)])
    assert [[d.kind for d in run] for run in found] == [[], [], [Kind.SWITCHED_BACK_ON], [Kind.LOGIN_NEEDED], []]


def test_a_fix_run_that_turned_it_off_again_still_reports_it_once():
    found = drifts_per_run([row(1, State.OPTED_OUT), row(2, State.OPTED_OUT, changed=True),
                            row(3, State.OPTED_OUT)])
    assert found == [[], [Drift(Kind.SWITCHED_BACK_ON, "linkedin/generative-ai",
                                f"{TITLE} (linkedin/generative-ai) was switched back on after you had opted out; "
                                "optout turned it off again.", fixed=True)], []]


def test_the_first_opt_out_is_not_drift():
    assert drifts_per_run([row(1, State.OPTED_IN), row(2, State.OPTED_OUT, changed=True),
                           row(3, State.OPTED_OUT)]) == [[], [], []]


def test_a_new_item_that_is_on_is_drift_and_one_that_is_off_is_not():
    rows = [row(1, State.OPTED_OUT, setting="ai-training", item="blog-a"),
            row(2, State.OPTED_OUT, setting="ai-training", item="blog-a"),
            row(2, State.OPTED_IN, setting="ai-training", item="blog-b"),
            row(2, State.OPTED_OUT, setting="ai-training", item="blog-c")]
    assert [(d.kind, d.target) for d in drifts_per_run(rows)[1]] == [(Kind.NEW_SETTING, "linkedin/ai-training[blog-b]")]
    assert drifts_per_run(rows)[1][0].message == (f"{TITLE} (linkedin/ai-training[blog-b]) appeared, and it is on. "
                                                  "Run `optout apply linkedin/ai-training` to turn it off.")


def test_a_setting_new_in_an_updated_flow_is_drift_but_one_never_selected_before_is_not():
    before = [row(1, State.OPTED_OUT)]
    assert [d.kind for d in drifts_per_run(before + [row(2, State.OPTED_IN, setting="research", sha="2" * 64)])[1]] \
        == [Kind.NEW_SETTING]
    assert drifts_per_run(before + [row(2, State.OPTED_IN, setting="research")])[1] == []


def test_a_setting_newly_offered_and_on_is_drift():
    [drift] = drifts_per_run([row(1, State.NOT_OFFERED), row(2, State.OPTED_IN)])[1]
    assert drift.message.startswith(f"{TITLE} (linkedin/generative-ai) is now offered to your account, and it is on.")


def test_a_flow_that_keeps_failing_is_reported_at_the_third_run_only():
    states = [State.OPTED_OUT, State.FLOW_OUTDATED, State.ERROR, State.FLOW_OUTDATED, State.FLOW_OUTDATED,
              State.OPTED_OUT, State.ERROR]
    found = drifts_per_run([row(run, state, detail="Nothing matched") for run, state in enumerate(states, 1)])
    assert [len(run) for run in found] == [0, 0, 0, 1, 0, 0, 0]
    assert found[3][0] == Drift(Kind.FLOW_FAILING, "linkedin/generative-ai",
                                "linkedin/generative-ai failed 3 runs in a row (flow_outdated: Nothing matched). The "
                                "site has probably changed: update optout, or report it with the evidence.")


def test_a_login_that_needs_a_person_is_one_alert_per_platform_until_it_works_again():
    needs = "LinkedIn is showing a security check."
    rows = [row(1, State.OPTED_OUT), row(1, State.OPTED_OUT, setting="research"),
            row(2, State.NEEDS_HUMAN, detail=needs), row(2, State.NEEDS_HUMAN, setting="research", detail=needs),
            row(3, State.NEEDS_HUMAN, detail=needs), row(4, State.OPTED_OUT), row(5, State.LOGIN_REQUIRED)]
    found = drifts_per_run(rows)
    assert found[1] == [Drift(Kind.LOGIN_NEEDED, "linkedin", "linkedin needs you to sign in: run `optout login "
                              f"linkedin`. Until then optout cannot check it. ({needs})")]
    assert [len(run) for run in found] == [0, 1, 0, 0, 1]


def test_an_account_never_signed_in_is_not_drift_on_its_first_run():
    found = drifts_per_run([row(1, State.LOGIN_REQUIRED), row(2, State.LOGIN_REQUIRED), row(3, State.OPTED_OUT),
                            row(4, State.NEEDS_HUMAN)])
    assert [[d.kind for d in run] for run in found] == [[], [], [], [Kind.LOGIN_NEEDED]]
