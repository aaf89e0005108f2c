"""`optout apply` hands a request e-mail it wrote to the person: opened in the mail client when
someone is at the screen (what it needs asked at the terminal), written only once."""

from __future__ import annotations

import io
import json
from urllib.parse import unquote

import pytest

from optout import credentials
from optout.accounts import StoredAccount
from optout.flow import load_flows
from optout.sessions import SessionStore

MAILTO = "mailto:feedback@slack.com?subject=Slack%20Global%20model%20opt-out%20request&body="


@pytest.fixture
def person_at_screen(monkeypatch, isolated_home) -> list[str]:
    """A terminal and a mail client: the URLs handed to it."""
    opened: list[str] = []
    monkeypatch.setattr(credentials, "is_interactive", lambda: True)
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    return opened


def test_the_e_mail_is_opened_in_the_mail_client_once(optout_cli, person_at_screen):
    code, stdout, stderr = optout_cli("apply", "slack/model-opt-out",
                                      OPTOUT_SLACK_WORKSPACE_URL="https://acme.enterprise.slack.com")
    assert code == 3
    assert "Opened the e-mail to feedback@slack.com in your mail client: send it from an owner's address." in stderr
    [url] = person_at_screen
    assert url.startswith(MAILTO)
    assert "As an Owner of the Slack workspace https://acme.enterprise.slack.com, I ask" in unquote(url)
    assert "Wrote the opt-out e-mail for https://acme.enterprise.slack.com" in stdout

    code, stdout, _ = optout_cli("apply", "slack")  # written once: not asked for, not opened again
    assert (code, person_at_screen) == (3, [url])
    assert "waiting for Slack's reply" in stdout


def test_what_a_request_needs_is_asked_at_the_terminal_on_stderr(person_at_screen, monkeypatch, capsys):
    ask = load_flows()["slack"].flow.setting("model-opt-out").request.ask
    account = StoredAccount("slack", SessionStore(), lambda _: None, may_prompt=True)
    monkeypatch.setattr("sys.stdin", io.StringIO(" https://acme.slack.com \n"))
    assert account.answer(ask) == "https://acme.slack.com"
    assert capsys.readouterr() == ("", "Your Slack workspace or org URL (e.g. https://acme.slack.com): ")


def test_without_a_valid_workspace_url_nothing_is_written_and_nothing_can_be_confirmed(optout_cli, isolated_home):
    slack = "slack/model-opt-out"
    code, _, stderr = optout_cli("confirm", "slack")
    assert (code, stderr.strip()) == (
        2, "error: optout has not written or sent slack/model-opt-out yet: run optout apply slack/model-opt-out first.")
    code, stdout, _ = optout_cli("apply", slack, "--json")  # nobody to ask, no URL given
    assert code == 3
    assert json.loads(stdout)["results"][0]["detail"] == (
        "The opt-out is an e-mail that needs your Slack workspace or org URL: set OPTOUT_SLACK_WORKSPACE_URL (e.g. "
        "https://acme.slack.com) or run `optout apply slack` in a terminal to type it. Nothing was written.")
    code, stdout, _ = optout_cli("apply", slack, "--json", OPTOUT_SLACK_WORKSPACE_URL="https://slack.com.evil.io")
    assert json.loads(stdout)["results"][0]["detail"] == (
        "'https://slack.com.evil.io' is not your Slack workspace or org URL such as https://acme.slack.com; nothing "
        "was written.")
    assert optout_cli("confirm", "slack")[0] == 2  # still nothing written


def test_confirm_names_what_can_be_confirmed(optout_cli, isolated_home):
    code, _, stderr = optout_cli("confirm", "udemy/genai-program")
    assert (code, stderr.strip()) == (
        2, "error: Nothing to confirm in 'udemy/genai-program': only requests and forms are confirmed by hand, and "
           "Udemy has none.")
    code, _, stderr = optout_cli("confirm", "facebook/nothing")
    assert (code, stderr.strip()) == (
        2, "error: Nothing to confirm in 'facebook/nothing': only requests and forms are confirmed by hand, and "
           "Facebook has facebook/ai-objection.")
