"""Slack, Zoom, Otter.ai, Snapchat, Udemy, DeviantArt and Amazon Alexa end to end: the real flow
files and the CLI as a subprocess; Chromium and the HTTPS replicas for the three with a page.
Slack's opt-out is an e-mail optout writes and the person confirms; Zoom, Otter.ai and Snapchat
have nothing a browser can switch; Udemy offers its switch only in a yearly window; DeviantArt's
NoAI label is opted out when ticked; Alexa's labels are old, so a reworded one must not be guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

browser = pytest.mark.browser
PAGES = ["udemy", "deviantart", "alexa"]
NO_BROWSER = {"OPTOUT_BROWSER": "/nonexistent/chromium"}  # a run that started a browser would fail
VERIFIED = "Changed to {value} and verified after reloading the page."
# Each target, its replica setting, and the value once opted out.
TARGETS = {
    "udemy/genai-program": ("genai-program", False),
    "deviantart/noai-label": ("noai", True),
    "alexa/develop-new-features": ("develop-new-features", False),
    "alexa/improve-transcriptions": ("improve-transcriptions", False),
}
UNTICKED = {"noai": False}  # DeviantArt's default is opted out: someone unticked it, so apply has work
SLACK_URL = {"OPTOUT_SLACK_WORKSPACE_URL": "https://acme-design.slack.com"}
SLACK_WROTE = ("Wrote the opt-out e-mail for https://acme-design.slack.com to feedback@slack.com (subject \"Slack "
               "Global model opt-out request\"): send it from an owner's address. When Slack replies that it is done, "
               "run `optout confirm slack/model-opt-out`.")


def results(document: dict) -> dict[str, dict]:
    return {f"{r['platform']}/{r['setting']}": r for r in document["results"]}


def sign_in(cli, replicas) -> None:
    for platform in PAGES:
        cli.seed_session(platform, replicas[platform].admin("session"))


def replica_values(replicas) -> dict[str, object]:
    return {target: replicas[target.split("/")[0]].switches()[key] for target, (key, _) in TARGETS.items()}


def reset(replicas, variant: str) -> None:
    for platform in PAGES:
        replicas[platform].reset(variant, settings=UNTICKED if platform == "deviantart" else None)


@browser
def test_check_apply_check_on_late_pages_beside_the_platforms_without_one(cli, replicas):
    reset(replicas, "default")
    sign_in(cli, replicas)
    advice = ["zoom", "otter", "snapchat"]

    code, checked = cli.json("check", *PAGES, *advice)
    assert code == 1
    assert {t: r["state"] for t, r in results(checked).items()} == {
        **dict.fromkeys(TARGETS, "opted_in"), "zoom/ai-training": "not_offered", "otter/ai-training": "not_offered",
        "snapchat/generative-ai": "not_offered"}
    assert results(checked)["deviantart/noai-label"]["detail"] == "Opted in: the checkbox is off (on means opted out)."
    assert results(checked)["snapchat/generative-ai"]["detail"].startswith(
        "Snapchat has this switch only in its mobile app, so optout cannot reach it:")

    for platform in PAGES:  # from here on every page's settings arrive two seconds after it
        replicas[platform].admin("variant", {"variant": "late-render"})
    code, applied = cli.json("apply", *PAGES)
    assert code == 0
    for target, (_, value) in TARGETS.items():
        result = results(applied)[target]
        assert (result["state"], result["changed"]) == ("opted_out", True), result
        assert result["detail"] == VERIFIED.format(value="on" if value else "off")
        assert Path(result["evidence"]).stat().st_size > 10_000
    assert replica_values(replicas) == {target: value for target, (_, value) in TARGETS.items()}
    assert replicas["deviantart"].switches()["mature"] is False  # the decoy beside it is untouched

    code, again = cli.json("check", *PAGES)
    assert code == 0
    assert {t: r["state"] for t, r in results(again).items()} == dict.fromkeys(TARGETS, "opted_out")


@browser
def test_a_closed_window_and_renamed_labels_are_never_clicked(cli, replicas):
    """Udemy outside its window: not_offered naming the window. Alexa's and DeviantArt's
    reworded options: flow_outdated listing them, and nothing changes."""
    for platform, variant in (("udemy", "window-closed"), ("alexa", "renamed"), ("deviantart", "renamed")):
        replicas[platform].reset(variant, settings=UNTICKED if platform == "deviantart" else None)
    sign_in(cli, replicas)
    before = replica_values(replicas)

    code, applied = cli.json("apply", *PAGES)
    assert code == 3  # undetermined settings, and none left opted in
    found = results(applied)
    assert (found["udemy/genai-program"]["state"], found["udemy/genai-program"]["detail"]) == (
        "not_offered", "Udemy does not offer this setting here: Udemy lets instructors leave the Instructor GenAI "
        "Program only during its yearly opt-out window (in 2024, 21 August to 12 September); outside it the switch "
        "is greyed out. Run `optout apply udemy` again when the next window opens.")
    for target, renamed in (("alexa/develop-new-features", "Allow Amazon to review your voice requests"),
                            ("deviantart/noai-label", "Tell AI datasets they can't use my content")):
        assert found[target]["state"] == "flow_outdated", found[target]
        assert found[target]["detail"].startswith("Nothing on https://www.")
        assert found[target]["candidates"][0]["name"] == renamed
    assert found["alexa/improve-transcriptions"]["state"] == "opted_out"
    assert replica_values(replicas) == {**before, "alexa/improve-transcriptions": False}
    assert replicas["deviantart"].state()["saves"] == replicas["udemy"].state()["saves"] == 0


@browser
@pytest.mark.parametrize("variant", ["services-wording", "manage-your-data"])
def test_alexa_s_later_documented_wordings_and_page_are_found(cli, replicas, variant):
    """CNET's 2019 wording of the first switch; the later Manage Your Alexa Data page, reached
    when the hub no longer links the 2019 one."""
    replicas["alexa"].reset(variant)
    cli.seed_session("alexa", replicas["alexa"].admin("session"))
    code, applied = cli.json("apply", "alexa")
    assert code == 0
    for target in ("alexa/develop-new-features", "alexa/improve-transcriptions"):
        assert (results(applied)[target]["state"], results(applied)[target]["changed"]) == ("opted_out", True)
    assert replicas["alexa"].switches() == {"develop-new-features": False, "improve-transcriptions": False}


@browser
def test_a_save_the_site_refuses_is_still_opted_in(cli, replicas):
    reset(replicas, "save-fails")
    sign_in(cli, replicas)
    before = replica_values(replicas)
    code, refused = cli.json("apply", *PAGES)
    assert code == 1
    for target in TARGETS:
        assert results(refused)[target]["state"] == "opted_in"
        assert results(refused)[target]["detail"].endswith("did not keep the change. Nothing is counted as done.")
    assert replica_values(replicas) == before


def test_slack_e_mail_is_written_once_and_opted_out_only_once_confirmed(cli):
    slack = "slack/model-opt-out"
    code, checked = cli.json("check", "slack", env=NO_BROWSER)
    assert (code, results(checked)[slack]["state"]) == (1, "opted_in")
    assert results(checked)[slack]["detail"] == "No opt-out e-mail has been written from optout yet."

    written = cli("apply", "slack", env={**NO_BROWSER, **SLACK_URL})
    assert written.returncode == 3
    assert written.stdout.startswith("To: feedback@slack.com\nSubject: Slack Global model opt-out request\n\nHello,\n\n"
                                     "As an Owner of the Slack workspace https://acme-design.slack.com, I ask")
    assert "drift:" not in written.stderr  # waiting for Slack's reply is not a sign-in problem
    code, waiting = cli.json("apply", "slack", env={**NO_BROWSER, "OPTOUT_SLACK_WORKSPACE_URL": "https://other.slack.com"})
    assert (code, results(waiting)[slack]["state"], results(waiting)[slack]["changed"]) == (3, "needs_human", False)
    assert results(waiting)[slack]["detail"].startswith(
        "The opt-out e-mail to feedback@slack.com for https://acme-design.slack.com was written on ")  # not rewritten
    assert results(waiting)[slack]["detail"].endswith(
        "; waiting for Slack's reply. When it comes, run `optout confirm slack/model-opt-out`.")

    confirmed = cli("confirm", "slack/model-opt-out", env=NO_BROWSER)
    assert (confirmed.returncode, confirmed.stdout.strip()) == (
        0, "Recorded that Slack confirmed slack/model-opt-out; optout check slack now reports it opted out.")
    code, done = cli.json("check", "slack", env=NO_BROWSER)
    assert (code, results(done)[slack]["state"]) == (0, "opted_out")
    assert results(done)[slack]["detail"].startswith("E-mailed feedback@slack.com for https://acme-design.slack.com on ")
    code, history = cli.json("history", "slack")
    assert SLACK_WROTE in [row["detail"] for run in history["runs"] for row in run["results"]]  # when it was written
