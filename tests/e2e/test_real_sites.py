"""What live pages do that the first replicas did not, through the CLI with the unchanged flows:
a wrong password shown on the sign-in form's own target, a remembered-account picker, the EU
cookie dialog, a page in another language, a renamed switch, an overlay on the control, and a
sign-in redirected to a look-alike host. Each failed on the code before these flows and engine."""

from __future__ import annotations

import pytest

from optout.replica.base import DEMO_PASSWORD as COMMON_PASSWORD
from optout.replica.base import DEMO_TOTP_SECRET as COMMON_TOTP_SECRET
from optout.replica.base import DEMO_USERNAME as COMMON_USERNAME
from optout.replica.linkedin import DEMO_PASSWORD, DEMO_USERNAME
from tests.fakes import local_flow

pytestmark = pytest.mark.browser
GENAI = "linkedin/generative-ai"


@pytest.mark.parametrize("variant", ["default", "wrong-password-curly"])
def test_a_wrong_password_on_login_submit_is_login_required_after_one_attempt(cli, linkedin, variant):
    linkedin.reset(variant)
    cli.store_credentials("linkedin", DEMO_USERNAME, "not the password")
    code, document = cli.json("check", "linkedin")
    assert code == 3
    assert [r["state"] for r in document["results"]] == ["login_required", "login_required"]
    assert "rejected the stored username or password" in document["results"][0]["detail"]
    assert linkedin.state()["sign_in_attempts"] == 1


def test_the_remembered_account_picker_is_passed_by_signing_in_with_another_account(cli, linkedin):
    linkedin.reset("account-picker")
    cli.store_demo_credentials()
    code, document = cli.json("apply", GENAI)
    assert (code, document["results"][0]["state"]) == (0, "opted_out")
    steps = [step["step"] for step in document["results"][0]["steps"]]
    assert "dismiss remembered-account picker" in steps
    assert linkedin.state()["sign_ins"] == 1


def test_the_eu_cookie_dialog_is_declined_and_the_run_goes_on(cli, linkedin):
    linkedin.reset("eu-cookies")
    cli.store_demo_credentials()
    code, document = cli.json("apply", "linkedin")
    assert code == 0
    assert [(r["state"], r["changed"]) for r in document["results"]] == [("opted_out", True)] * 2
    choices = linkedin.state()["cookie_choices"]
    assert choices and set(choices) == {"rejected"}  # Reject, each time it was in the way; never Accept
    assert linkedin.switches()["generative-ai"] is False


def test_a_page_in_another_language_says_so_and_clicks_nothing(cli, linkedin):
    linkedin.reset("german")
    cli.store_demo_credentials()
    code, document = cli.json("apply", GENAI)
    assert code == 3
    result = document["results"][0]
    assert result["state"] == "flow_outdated"
    assert "The page is in German (de) and this flow's labels are in English, French" in result["detail"]
    assert "switch LinkedIn's language to English" in result["detail"]
    assert linkedin.switches()["generative-ai"] is True


def test_a_renamed_switch_comes_back_with_candidates_and_is_left_alone(cli, linkedin):
    linkedin.reset("renamed")
    cli.store_demo_credentials()
    code, document = cli.json("apply", GENAI)
    assert code == 3
    result = document["results"][0]
    assert result["state"] == "flow_outdated"
    assert result["candidates"][0] == {"role": "switch",
                                       "name": "Allow LinkedIn to improve generative features with my content"}
    assert len(result["candidates"]) <= 5
    assert linkedin.switches()["generative-ai"] is True


def test_the_renamed_switch_is_a_one_line_fix_in_a_local_flow(cli, linkedin):
    linkedin.reset("renamed")
    cli.store_demo_credentials()
    code, document = cli.json("check", GENAI)
    renamed = document["results"][0]["candidates"][0]

    def add_new_name(data):
        data["settings"][0]["control"]["find"].insert(0, {"role": renamed["role"], "name": renamed["name"]})

    path = local_flow(cli.home, add_new_name)
    completed = cli("apply", GENAI, "--json")
    assert completed.returncode == 0, completed.stderr
    assert f"linkedin: using your local flow {path}" in completed.stderr
    assert linkedin.switches()["generative-ai"] is False


def test_an_overlay_on_the_control_blocks_it_until_a_flow_declares_how_to_dismiss_it(cli, linkedin):
    linkedin.reset("overlay")
    cli.store_demo_credentials()
    code, document = cli.json("apply", GENAI)
    assert (code, document["results"][0]["state"]) == (3, "flow_outdated")
    assert linkedin.switches()["generative-ai"] is True

    local_flow(cli.home, lambda data: data["interruptions"].append(
        {"name": "Premium promotion", "appears": {"text": "Try Premium for free"},
         "dismiss": {"role": "button", "name": "Dismiss"}}))
    code, document = cli.json("apply", GENAI)
    assert (code, document["results"][0]["state"], document["results"][0]["changed"]) == (0, "opted_out", True)


def test_a_sign_in_redirected_to_a_look_alike_host_types_nothing_there(cli, linkedin, replicas):
    lookalike = replicas["lookalike"]
    linkedin.reset("redirect-foreign")
    cli.store_demo_credentials()
    code, document = cli.json("check", "linkedin")
    assert code == 3
    result = document["results"][0]
    assert result["state"] == "error"
    assert result["detail"] == ("LinkedIn sent the browser to login.linkedin-auth.com, outside www.linkedin.com, "
                                "linkedin.com. optout stopped there and typed nothing.")
    assert lookalike.state()["captured"] == []
    assert not any(DEMO_PASSWORD in text for text in cli.printed)


# -- the other platforms' real-site situations --------------------------------------------------

@pytest.mark.parametrize("platform, variant, target, setting, opted_out_value", [
    ("chatgpt", "overlays", "chatgpt/improve-the-model", "improve-model", False),  # tour and "what's new" on top
    ("chatgpt", "no-done", "chatgpt/improve-the-model", "improve-model", False),  # the sub-dialog saves by itself
    ("github", "default", "github/copilot-model-training", "model-training", "Disabled"),  # a menu button
    ("github", "native-select", "github/copilot-model-training", "model-training", "Disabled"),
    ("gemini", "confirm", "gemini/keep-activity", "keep-activity", False),  # asked to confirm "Turn off"
])
def test_what_the_live_pages_show_is_handled_by_the_unchanged_flow(cli, replicas, platform, variant, target,
                                                                  setting, opted_out_value):
    site = replicas[platform]
    site.reset(variant)
    if platform == "github":
        cli.store_credentials("github", COMMON_USERNAME, COMMON_PASSWORD)
    else:
        cli.seed_session(platform, site.admin("session"))
    before = site.switches()
    code, document = cli.json("apply", target, env={"OPTOUT_GITHUB_TOTP_SECRET": COMMON_TOTP_SECRET})
    assert code == 0, document
    assert (document["results"][0]["state"], document["results"][0]["changed"]) == ("opted_out", True)
    assert site.switches() == {**before, setting: opted_out_value}  # the decoys and neighbours untouched


def test_the_overlays_are_dismissed_with_the_buttons_the_flow_names(cli, replicas):
    chatgpt = replicas["chatgpt"]
    chatgpt.reset("overlays")
    cli.seed_session("chatgpt", chatgpt.admin("session"))
    code, document = cli.json("apply", "chatgpt")
    steps = {step["step"] for step in document["results"][0]["steps"]}
    assert {"dismiss what's new announcement", "dismiss onboarding tour"} & steps


def test_wordpress_signs_in_in_two_steps_and_a_wrong_password_is_one_attempt(cli, replicas):
    wordpress = replicas["wordpress"]
    cli.store_credentials("wordpress", COMMON_USERNAME, "not the password")
    code, document = cli.json("check", "wordpress")
    assert code == 3
    assert {r["state"] for r in document["results"]} == {"login_required"}
    assert "rejected the stored username or password" in document["results"][0]["detail"]

    cli.store_credentials("wordpress", COMMON_USERNAME, COMMON_PASSWORD)
    code, document = cli.json("check", "wordpress")
    assert {r["state"] for r in document["results"]} <= {"opted_in", "opted_out", "not_offered"}, document
    assert wordpress.state()["sign_ins"] == 1


@pytest.mark.parametrize("variant, language", [("italian", "Italian (it)"), ("german", "German (de)")])
def test_meta_in_the_account_s_language_says_so_and_sends_nothing(cli, replicas, variant, language):
    facebook = replicas["facebook"]
    facebook.reset(variant)
    cli.seed_session("facebook", facebook.admin("session"))
    code, document = cli.json("apply", "facebook")
    assert code == 3
    result = document["results"][0]
    assert result["state"] == "flow_outdated"
    assert f"The page is in {language}" in result["detail"]
    assert facebook.state()["submissions"] == 0
