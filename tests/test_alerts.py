"""Alerts: the webhook (retries, backoff, timeout, refusals), desktop notification commands per
OS, and one send per run that never fails the run."""

from __future__ import annotations

import base64
import json
import socket
import stat

import pytest

from optout import alerts
from optout.alerts import AlertError
from optout.drift import Drift, Kind
from tests.webhook import WebhookReceiver

DRIFT = Drift(Kind.SWITCHED_BACK_ON, "linkedin/generative-ai", "Data for Generative AI Improvement was switched back on.")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTOUT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv(alerts.WEBHOOK_ENV, raising=False)
    return tmp_path / "home"


def test_webhook_retries_server_errors_with_backoff_then_delivers():
    waited = []
    with WebhookReceiver(answers=[503, 429]) as receiver:
        alerts.post_webhook(receiver.url, {"hello": "world"}, sleep=waited.append)
    assert receiver.calls == 3
    assert waited == list(alerts.WEBHOOK_RETRY_DELAYS)
    assert receiver.bodies[-1] == {"content_type": "application/json", "json": {"hello": "world"}}


def test_webhook_that_refuses_is_not_retried():
    with WebhookReceiver(answers=[404]) as receiver:
        with pytest.raises(AlertError) as raised:
            alerts.post_webhook(receiver.url, {}, sleep=lambda _: None)
    assert receiver.calls == 1
    assert str(raised.value) == "the webhook at http://127.0.0.1/… refused the alert (HTTP 404)."


def test_webhook_that_never_answers_in_time_gives_up_after_every_attempt():
    with WebhookReceiver(delay=1.0) as receiver:
        with pytest.raises(AlertError) as raised:
            alerts.post_webhook(receiver.url, {}, timeout=0.2, sleep=lambda _: None)
    assert receiver.calls == 3
    assert str(raised.value) == "the webhook at http://127.0.0.1/… did not take the alert after 3 attempts (timed out)."


def test_webhook_nobody_listens_on():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(AlertError) as raised:
        alerts.post_webhook(f"http://127.0.0.1:{port}/hook", {}, sleep=lambda _: None)
    assert str(raised.value) == ("the webhook at http://127.0.0.1/… did not take the alert after 3 attempts "
                                 "([Errno 111] Connection refused).")


def test_send_posts_every_drift_of_the_run_once_and_logs_each(monkeypatch):
    logged = []
    second = Drift(Kind.LOGIN_NEEDED, "linkedin", "linkedin needs you to sign in.")
    with WebhookReceiver() as receiver:
        monkeypatch.setenv(alerts.WEBHOOK_ENV, receiver.url)
        alerts.send(7, [DRIFT, second], trigger="schedule", log=logged.append, desktop=False)
        alerts.send(8, [], trigger="schedule", log=logged.append, desktop=False)
    assert receiver.calls == 1
    body = receiver.bodies[0]["json"]
    assert (body["source"], body["run_id"], body["trigger"]) == ("optout", 7, "schedule")
    assert body["drifts"] == [DRIFT.to_json(), second.to_json()]
    assert body["text"] == f"optout needs your attention\n{DRIFT.message}\n{second.message}"
    assert logged == [f"drift: {DRIFT.message}", f"drift: {second.message}",
                      "alert sent to the webhook at http://127.0.0.1/…"]
    assert all("secret-token" not in line for line in logged)


def test_a_failing_channel_is_logged_and_the_others_still_go_out(monkeypatch):
    logged = []
    monkeypatch.setattr(alerts, "desktop_command", lambda title, body: ["no-such-notifier-here", title, body])
    with WebhookReceiver() as receiver:
        monkeypatch.setenv(alerts.WEBHOOK_ENV, receiver.url)
        alerts.send(1, [DRIFT], trigger="schedule", log=logged.append, desktop=True)
    assert receiver.calls == 1
    assert "no desktop notification: no-such-notifier-here is not available." in logged


def test_desktop_notification_runs_the_command(monkeypatch, tmp_path):
    shown = tmp_path / "shown.json"
    notifier = tmp_path / "notifier"
    notifier.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > {shown}\n")
    notifier.chmod(0o700)
    monkeypatch.setattr(alerts, "desktop_command", lambda title, body: [str(notifier), title, body])
    alerts.notify_desktop("optout needs your attention", "it's back on")
    assert shown.read_text() == "optout needs your attention\nit's back on\n"


def test_desktop_commands_per_os():
    assert alerts.desktop_command("T", "B", "linux") == ["notify-send", "--app-name=optout", "--urgency=critical",
                                                         "T", "B"]
    mac = alerts.desktop_command("T", 'say "hi"', "darwin")
    assert mac[0] == "osascript" and mac[-2:] == ["T", 'say "hi"']  # text as argv, never inside the script
    windows = alerts.desktop_command("T", "it's on", "win32")
    script = base64.b64decode(windows[-1]).decode("utf-16-le")
    assert windows[:4] == ["powershell", "-NoProfile", "-NonInteractive", "-EncodedCommand"]
    assert "$xml.CreateTextNode('it''s on')" in script


def test_saved_webhook_is_private_and_the_environment_wins(home, monkeypatch):
    alerts.save_webhook("https://hooks.example.com/services/T000/B000/XXXX")
    saved = home / "alerts.json"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert json.loads(saved.read_text()) == {"webhook_url": "https://hooks.example.com/services/T000/B000/XXXX"}
    assert alerts.webhook_url() == "https://hooks.example.com/services/T000/B000/XXXX"
    monkeypatch.setenv(alerts.WEBHOOK_ENV, "http://127.0.0.1:9/other")
    assert alerts.webhook_url() == "http://127.0.0.1:9/other"
    alerts.save_webhook(None)
    assert not saved.exists()


def test_a_webhook_must_be_http():
    with pytest.raises(ValueError) as raised:
        alerts.check_webhook_url("file:///etc/passwd")
    assert str(raised.value) == "The webhook must be an http:// or https:// URL with a host, not a file: URL."
