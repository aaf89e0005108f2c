"""Telling a person about drift: always a line in the log (and the exit code), a desktop
notification for scheduled runs, and a JSON POST to a webhook when one is configured.

The webhook URL is OPTOUT_WEBHOOK_URL, else the one saved by `optout schedule install --webhook`
(OPTOUT_HOME/alerts.json, 0600: such URLs often carry a token). It is never printed whole.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Sequence
from urllib.parse import urlsplit

from optout.drift import Drift
from optout.errors import UsageError
from optout.home import DamagedFileError, private_dir, read_json, write_private
from optout.progress import Progress

WEBHOOK_ENV = "OPTOUT_WEBHOOK_URL"
WEBHOOK_TIMEOUT_SECONDS = 10
WEBHOOK_RETRY_DELAYS = (2.0, 8.0)  # seconds before the 2nd and 3rd attempts
NOTIFY_TIMEOUT_SECONDS = 15
# The AppUserModelID Windows shows toasts from without registering an app of our own.
WINDOWS_TOAST_APP_ID = r"{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\WindowsPowerShell\v1.0\powershell.exe"



class AlertError(Exception):
    """An alert could not be delivered on one channel (the others still go out)."""


class WebhookURLError(UsageError):
    """A webhook URL optout will not use; the message never contains the URL, only its host."""


# -- configuration ---------------------------------------------------------------------------


def config_file():
    return private_dir() / "alerts.json"


def check_webhook_url(url: str, source: str) -> str:
    """The URL, if alerts may go there: https, or http only to this machine (anywhere else the
    token in its path would cross the network in clear). `source` names where it came from."""
    problem = webhook_url_problem(url)
    if problem:
        host = url_host(url)
        raise WebhookURLError(f"{source} is not a usable webhook URL{f' (for {host})' if host else ''}: {problem}; "
                              "use https://, or http:// to this machine only. The URL is not shown: its path "
                              "may hold a token.")
    return url


def webhook_url_problem(url: str) -> str | None:
    if any(char.isspace() or not char.isprintable() for char in url):
        return "it contains spaces or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        return "it is not a URL, or its port is not a number"
    if parts.scheme not in ("http", "https"):
        return "it does not start with https://"
    if not parts.hostname:
        return "it names no host"
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return "http:// would carry it unencrypted to another machine"
    return None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_host(url: str) -> str | None:
    """The host a URL (or a URL missing its scheme) names, if it looks like one; never more of it."""
    try:
        host = urlsplit(url if "://" in url else "//" + url).hostname
    except ValueError:
        return None
    return host if host and re.fullmatch(r"[a-z0-9.:-]+", host) else None


def save_webhook(url: str | None) -> None:
    """Remember the webhook for runs that do not have OPTOUT_WEBHOOK_URL (scheduled ones); None forgets it."""
    path = config_file()
    if url is not None:
        write_private(path, json.dumps({"webhook_url": url}).encode())
        return
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise DamagedFileError(f"{path} could not be removed ({exc.strerror}): remove it yourself.") from None


def webhook_url() -> str | None:
    """OPTOUT_WEBHOOK_URL, else the URL saved with the schedule, else None. A bad one raises
    WebhookURLError, an unreadable alerts.json DamagedFileError."""
    configured = os.environ.get(WEBHOOK_ENV)
    if configured:
        return check_webhook_url(configured, WEBHOOK_ENV)
    path = config_file()
    saved = read_json(path, saved_webhook, "run `optout schedule install --webhook-stdin` again to replace it.")
    return check_webhook_url(saved, f"The webhook saved in {path}") if saved else None


def saved_webhook(document: dict) -> str:
    url = document["webhook_url"]
    if not isinstance(url, str):
        raise TypeError("webhook_url is not text")
    return url


def usable_webhook(log: Progress) -> str | None:
    """webhook_url(), or None after logging why the configured one cannot be used."""
    try:
        return webhook_url()
    except (WebhookURLError, DamagedFileError) as exc:
        log(f"webhook: {exc} Until that is fixed, alerts go to no webhook.")
        return None


def describe_url(url: str) -> str:
    """Scheme and host only: the path and query of a webhook are often its secret."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}/…" if parts.hostname else "(not a URL)"


# -- sending ---------------------------------------------------------------------------------


def send(run_id: int, drifts: list[Drift], *, trigger: str, log: Progress, desktop: bool) -> None:
    """Every channel for the drifts one run found; a failing channel is logged, never fatal. A
    webhook that cannot be used is logged by every run, drift or not, so it is fixed before it matters."""
    url = usable_webhook(log)
    if not drifts:
        return
    for drift in drifts:
        log(f"drift: {drift.message}")
    title = "optout needs your attention"
    body = "\n".join(drift.message for drift in drifts)
    if desktop:
        try:
            notify_desktop(title, body)
        except AlertError as exc:
            log(f"no desktop notification: {exc}")
    if url:
        payload = {"source": "optout", "version": 1, "run_id": run_id, "trigger": trigger,
                   "host": socket.gethostname(), "text": f"{title}\n{body}", "drifts": [d.to_json() for d in drifts]}
        try:
            post_webhook(url, payload)
            log(f"alert sent to the webhook at {describe_url(url)}")
        except AlertError as exc:
            log(f"webhook: {exc}")


def post_webhook(url: str, payload: dict, *, delays: Sequence[float] = WEBHOOK_RETRY_DELAYS,
                 timeout: float = WEBHOOK_TIMEOUT_SECONDS, sleep: Callable[[float], None] = time.sleep) -> None:
    """POST the payload as JSON; network failures, timeouts, 5xx and 429 are retried with backoff."""
    import urllib.error  # loaded only to send: every run reaches this module, few send an alert
    import urllib.request

    where = describe_url(url)
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": "optout"})
    for delay in (*delays, None):
        try:
            with urllib.request.urlopen(request, timeout=timeout):
                return
        except urllib.error.HTTPError as exc:
            problem = f"HTTP {exc.code}"
            if exc.code < 500 and exc.code != 429:
                raise AlertError(f"the webhook at {where} refused the alert ({problem}).") from None
        except (urllib.error.URLError, OSError) as exc:  # refused, unreachable, timed out
            problem = str(getattr(exc, "reason", exc))
        except ValueError:  # http.client's InvalidURL quotes the URL: never pass its text on
            raise AlertError(f"the webhook at {where} is not a URL optout can send to.") from None
        if delay is None:
            raise AlertError(f"the webhook at {where} did not take the alert after {len(delays) + 1} attempts "
                             f"({problem}).")
        sleep(delay)


def desktop_command(title: str, body: str, system: str = sys.platform) -> list[str]:
    """The command that shows a notification on this OS."""
    if system == "darwin":  # argv, not string splicing: no quoting of the text into AppleScript
        return ["osascript", "-e", "on run argv", "-e",
                "display notification (item 2 of argv) with title (item 1 of argv)", "-e", "end run", title, body]
    if system == "win32":
        return ["powershell", "-NoProfile", "-NonInteractive", "-EncodedCommand",
                base64.b64encode(windows_toast_script(title, body).encode("utf-16-le")).decode()]
    return ["notify-send", "--app-name=optout", "--urgency=critical", title, body]


def windows_toast_script(title: str, body: str) -> str:
    def literal(text: str) -> str:  # a single-quoted PowerShell string
        return "'" + text.replace("'", "''") + "'"

    return "\n".join([
        "$ErrorActionPreference = 'Stop'",
        "[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, "
        "ContentType = WindowsRuntime] > $null",
        "$xml = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent("
        "[Windows.UI.Notifications.ToastTemplateType]::ToastText02)",
        "$lines = $xml.GetElementsByTagName('text')",
        f"$lines.Item(0).AppendChild($xml.CreateTextNode({literal(title)})) > $null",
        f"$lines.Item(1).AppendChild($xml.CreateTextNode({literal(body)})) > $null",
        f"[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier({literal(WINDOWS_TOAST_APP_ID)})"
        ".Show([Windows.UI.Notifications.ToastNotification]::new($xml))",
    ])


def desktop_problem(system: str = sys.platform) -> str | None:
    """Why a desktop notification cannot be shown here; None when, as far as can be told without
    showing one, it can."""
    tool = desktop_command("", "", system)[0]
    missing = missing_tool(tool)
    if missing or tool != "notify-send":
        return missing
    return None if session_bus() else "there is no desktop session (no D-Bus session bus) to show them in."


def session_bus() -> bool:
    """Whether a D-Bus session bus is there: notify-send talks to the desktop through it."""
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return True
    return hasattr(os, "getuid") and Path(f"/run/user/{os.getuid()}/bus").exists()


def missing_tool(tool: str) -> str | None:
    if shutil.which(tool) is not None:
        return None
    hint = " (Debian/Ubuntu: apt-get install libnotify-bin)" if tool == "notify-send" else ""
    return f"{tool} is not available{hint}."


def notify_desktop(title: str, body: str) -> None:
    command = desktop_command(title, body)
    missing = missing_tool(command[0])
    if missing:
        raise AlertError(missing)
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=NOTIFY_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise AlertError(f"{command[0]} did not finish within {NOTIFY_TIMEOUT_SECONDS}s.") from None
    if completed.returncode != 0:
        said = completed.stderr.strip()
        reason = said.splitlines()[-1] if said else f"exit {completed.returncode}"
        raise AlertError(f"{command[0]} failed: {reason}")
