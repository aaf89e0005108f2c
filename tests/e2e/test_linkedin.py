"""LinkedIn end to end: the real flow file, the CLI as a subprocess, Chromium, the HTTPS replica
through the origin map, and the real keyring. Every result state comes from some variant."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from optout.replica.linkedin import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERNAME

pytestmark = pytest.mark.browser
GENAI = "linkedin/generative-ai"


def by_target(document: dict) -> dict[str, dict]:
    return {f"{r['platform']}/{r['setting']}": r for r in document["results"]}


def test_check_apply_check(cli, linkedin):
    cli.store_demo_credentials()
    switches = linkedin.switches()
    code, before = cli.json("check", "linkedin")
    assert code == 1
    assert {t: r["state"] for t, r in by_target(before).items()} == {
        GENAI: "opted_in", "linkedin/research": "opted_in"}
    assert linkedin.switches() == switches  # check never writes

    code, applied = cli.json("apply", "linkedin")
    assert code == 0
    for result in applied["results"]:
        assert (result["state"], result["changed"]) == ("opted_out", True)
        assert result["detail"] == "Changed to off and verified after reloading the page."
        assert Path(result["evidence"]).stat().st_size > 10_000
    assert linkedin.switches() == {**switches, "generative-ai": False, "research": False}

    code, after = cli.json("check")  # no target: every platform with credentials
    assert code == 0
    assert [(r["state"], r["changed"]) for r in after["results"]] == [("opted_out", False)] * 2


def test_human_output_is_a_table_with_progress_on_stderr(cli, linkedin):
    cli.store_demo_credentials()
    completed = cli("check", GENAI)
    assert completed.returncode == 1
    assert completed.stdout.startswith("setting                 state     changed\nlinkedin/generative-ai  opted_in\n"
                                       "    Opted in: the switch is on (off means opted out).\n")
    assert "ORIGIN MAP ACTIVE: www.linkedin.com=127.0.0.1" in completed.stderr
    assert "… linkedin: signed in" in completed.stderr
    assert "signed in" not in completed.stdout


def test_session_is_saved_encrypted_reused_and_renewed_once_expired(cli, linkedin):
    cli.store_demo_credentials()
    assert cli("check", GENAI).returncode == 1
    session_file = cli.home / "sessions" / "linkedin.session"
    assert stat.S_IMODE(session_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(session_file.parent.stat().st_mode) == 0o700
    assert cli("check", GENAI).returncode == 1
    assert linkedin.state()["sign_ins"] == 1  # the second run reused the session

    linkedin.admin("expire-sessions")
    assert cli("check", GENAI).returncode == 1
    assert linkedin.state()["sign_ins"] == 2  # signed in once more, then carried on


@pytest.mark.parametrize("variant", ["untied-label", "late-render", "slow"])
def test_variants_a_careful_tool_still_handles(cli, linkedin, variant):
    linkedin.reset(variant)
    cli.store_demo_credentials()
    code, document = cli.json("apply", GENAI)
    assert code == 0
    assert (document["results"][0]["state"], document["results"][0]["changed"]) == ("opted_out", True)
    assert linkedin.switches()["generative-ai"] is False


def test_decoy_switch_nearby_is_left_alone(cli, linkedin):
    linkedin.reset("decoy")
    cli.store_demo_credentials()
    before = linkedin.switches()
    code, document = cli.json("apply", GENAI)
    assert code == 0
    assert document["results"][0]["changed"] is True
    assert linkedin.switches() == {**before, "generative-ai": False}


@pytest.mark.parametrize("variant, detail_starts", [
    ("duplicate", '2 elements match switch "Use my data for training content creation AI models"'),
    ("renamed", "Nothing on https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement matched"),
])
def test_ambiguous_or_renamed_control_is_flow_outdated_and_untouched(cli, linkedin, variant, detail_starts):
    linkedin.reset(variant)
    cli.store_demo_credentials()
    code, document = cli.json("apply", GENAI)
    assert code == 3
    result = document["results"][0]
    assert (result["state"], result["changed"]) == ("flow_outdated", False)
    assert result["detail"].startswith(detail_starts)
    assert linkedin.switches()["generative-ai"] is True


def test_save_that_fails_and_reverts_is_reported_not_counted(cli, linkedin):
    linkedin.reset("save-fails")
    cli.store_demo_credentials()
    code, document = cli.json("apply", GENAI)
    assert code == 1
    result = document["results"][0]
    assert (result["state"], result["changed"]) == ("opted_in", False)
    assert "LinkedIn did not keep the change" in result["detail"]


def test_not_offered(cli, linkedin):
    linkedin.reset("not-offered")
    cli.store_demo_credentials()
    code, document = cli.json("check", GENAI)
    assert (code, document["results"][0]["state"]) == (0, "not_offered")


def test_server_error_is_error(cli, linkedin):
    linkedin.reset("server-error")
    cli.store_demo_credentials()
    code, document = cli.json("check", GENAI)
    assert (code, document["results"][0]["state"]) == (3, "error")
    assert "answered HTTP 500" in document["results"][0]["detail"]


def test_security_checkpoint_needs_a_human_at_once(cli, linkedin):
    linkedin.reset("checkpoint")
    cli.store_demo_credentials()
    started = time.monotonic()
    code, document = cli.json("check", "linkedin")
    assert code == 3
    assert [r["state"] for r in document["results"]] == ["needs_human", "needs_human"]
    assert "run `optout login linkedin`" in document["results"][0]["detail"]
    assert linkedin.state()["sign_in_attempts"] == 1  # no retries against the checkpoint
    assert time.monotonic() - started < 30


def test_one_time_code_from_the_stored_totp_secret(cli, linkedin):
    linkedin.reset("two-step")
    stored = cli("credentials", "set", "linkedin", "--username", DEMO_USERNAME, "--password-stdin",
                 input=DEMO_PASSWORD + "\n", env={"OPTOUT_LINKEDIN_TOTP_SECRET": DEMO_TOTP_SECRET})
    assert stored.returncode == 0
    code, document = cli.json("check", GENAI, env={"OPTOUT_LINKEDIN_TOTP_SECRET": DEMO_TOTP_SECRET})
    assert (code, document["results"][0]["state"]) == (1, "opted_in")


def test_one_time_code_without_a_secret_needs_a_human(cli, linkedin):
    linkedin.reset("two-step")
    cli.store_demo_credentials()
    code, document = cli.json("check", GENAI)
    assert (code, document["results"][0]["state"]) == (3, "needs_human")


def test_wrong_password_is_login_required_after_one_attempt(cli, linkedin):
    stored = cli("credentials", "set", "linkedin", "--username", DEMO_USERNAME, "--password-stdin",
                 input="not the password\n")
    assert stored.returncode == 0
    code, document = cli.json("check", "linkedin")
    assert code == 3
    assert [r["state"] for r in document["results"]] == ["login_required", "login_required"]
    assert linkedin.state()["sign_in_attempts"] == 1


def test_ci_without_credentials_never_prompts(cli, linkedin):
    started = time.monotonic()
    code, document = cli.json("check", GENAI, env={"CI": "true"})
    assert (code, document["results"][0]["state"]) == (3, "login_required")
    assert time.monotonic() - started < 30


def test_no_secret_in_any_file_or_output(cli, linkedin):
    cli.store_demo_credentials()
    cli("apply", "linkedin")
    cli("check", "linkedin", "--json")
    cookies = linkedin.state()["sessions"]
    assert cookies, "the replica issued a session cookie"
    secrets = [DEMO_PASSWORD, *cookies]
    files = [p for p in cli.home.rglob("*") if p.is_file()]
    assert any(p.suffix == ".png" for p in files) and any(p.suffix == ".session" for p in files)
    for path in files:
        content = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, f"{path} holds a secret in plain text"
    for text in cli.printed:
        for secret in secrets:
            assert secret not in text


def test_saved_session_alone_is_enough(cli, linkedin):
    cli.seed_session("linkedin", linkedin.admin("session"))
    code, document = cli.json("check")  # no credentials anywhere: the saved session is the account
    assert (code, [r["state"] for r in document["results"]]) == (1, ["opted_in", "opted_in"])
    assert linkedin.state()["sign_in_attempts"] == 0
