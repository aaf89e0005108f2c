"""`optout apply` hands a request e-mail it wrote to the person: opened in the mail client when
someone is at the screen (what it needs asked at the terminal), written only once."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest

from optout import credentials
from optout.accounts import StoredAccount
from optout.loader import load_flows
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
