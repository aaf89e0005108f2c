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


TOKEN = "T000/B000/secret-token"


@pytest.mark.parametrize("url, problem", [
    (f"hooks.example.com/services/{TOKEN}", " (for hooks.example.com): it does not start with https://"),
    (f"hooks.example.com:8443/{TOKEN}", " (for hooks.example.com): it does not start with https://"),
    (f"file:///etc/{TOKEN}", ": it does not start with https://"),
    (f"http://hooks.example.com/{TOKEN}", " (for hooks.example.com): http:// would carry it unencrypted to "
                                          "another machine"),
    (f"https:///{TOKEN}", ": it names no host"),
    (f"https://hooks.example.com:99999/{TOKEN}", " (for hooks.example.com): it is not a URL, or its port is "
                                                 "not a number"),
    (f"https://hooks.example.com/{TOKEN} x", " (for hooks.example.com): it contains spaces or control characters"),
    (f"https://[::1/{TOKEN}", ": it is not a URL, or its port is not a number"),
])
def test_a_webhook_url_is_https_or_local_http_and_never_echoed(url, problem):
    with pytest.raises(alerts.WebhookURLError) as raised:
        alerts.check_webhook_url(url, "--webhook")
    assert str(raised.value) == (f"--webhook is not a usable webhook URL{problem}; use https://, or http:// to this "
                                 "machine only. The URL is not shown: its path may hold a token.")


@pytest.mark.parametrize("url", ["https://hooks.example.com/x?token=1", "http://127.0.0.1:9/x", "http://[::1]:9/x",
                                 "http://localhost/x", "http://127.8.0.1/x"])
def test_https_anywhere_and_http_to_this_machine_are_fine(url):
    assert alerts.check_webhook_url(url, "--webhook") == url


def test_a_bad_variable_is_warned_about_by_every_run_even_without_drift(monkeypatch):
    logged = []
    monkeypatch.setenv(alerts.WEBHOOK_ENV, f"hooks.example.com/{TOKEN}")
    alerts.send(1, [], trigger="manual", log=logged.append, desktop=False)
    assert logged == ["webhook: OPTOUT_WEBHOOK_URL is not a usable webhook URL (for hooks.example.com): it does not "
                      "start with https://; use https://, or http:// to this machine only. The URL is not shown: its "
                      "path may hold a token. Until that is fixed, alerts go to no webhook."]


def write_directory(path):
    path.mkdir()


@pytest.mark.parametrize("damage, problem", [
    (lambda path: path.write_text("{not json"), "is damaged (not valid JSON)"),
    (lambda path: path.write_text('["https://hooks.example.com/x"]'), "is damaged (not what optout writes there)"),
    (lambda path: path.write_text('{"webhook_url": 5}'), "is damaged (not what optout writes there)"),
    (write_directory, "is a directory, not a file"),
])
def test_a_damaged_alerts_file_is_a_warning_and_the_other_channels_still_go_out(home, monkeypatch, damage, problem):
    home.mkdir(mode=0o700)
    damage(home / "alerts.json")
    logged, shown = [], []
    monkeypatch.setattr(alerts, "notify_desktop", lambda title, body: shown.append(body))
    alerts.send(1, [DRIFT], trigger="schedule", log=logged.append, desktop=True)
    assert logged == [f"webhook: {home / 'alerts.json'} {problem}: run `optout schedule install --webhook-stdin` "
                      "again to replace it. Until that is fixed, alerts go to no webhook.",
                      f"drift: {DRIFT.message}"]
    assert shown == [DRIFT.message]


def test_a_saved_webhook_from_before_the_https_rule_is_not_used(home):
    home.mkdir(mode=0o700)
    (home / "alerts.json").write_text(json.dumps({"webhook_url": f"http://hooks.example.com/{TOKEN}"}))
    with pytest.raises(alerts.WebhookURLError) as raised:
        alerts.webhook_url()
    assert str(raised.value).startswith(f"The webhook saved in {home / 'alerts.json'} is not a usable webhook URL "
                                        "(for hooks.example.com): http:// would carry it unencrypted")
