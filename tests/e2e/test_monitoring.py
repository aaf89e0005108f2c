"""Scheduled runs end to end through the CLI, Chromium and the LinkedIn replica: drift found once
and alerted once, the history and its HTML report, a run killed mid-way, and two runs at once."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.fakes import CLI_TIMEOUT
from tests.webhook import WebhookReceiver

pytestmark = pytest.mark.browser
GENAI = "linkedin/generative-ai"


def scheduled(cli, *args: str, webhook: WebhookReceiver | None = None) -> subprocess.CompletedProcess:
    env = {"OPTOUT_WEBHOOK_URL": webhook.url} if webhook else {}
    return cli("scheduled", "--jitter", "0", *args, env=env)


def test_drift_between_scheduled_runs_alerts_once_and_is_on_record(cli, linkedin, tmp_path):
    cli.store_demo_credentials()
    with WebhookReceiver() as webhook:
        first = scheduled(cli, "--fix", webhook=webhook)
        assert first.returncode == 0, first.stderr  # found on and turned off: the first opt-out, not drift
        assert linkedin.switches()["generative-ai"] is False

        linkedin.admin("settings", {"generative-ai": True})  # LinkedIn turns it back on
        second = scheduled(cli, webhook=webhook)
        assert second.returncode == 1
        assert webhook.calls == 1
        [drift] = webhook.bodies[0]["json"]["drifts"]
        assert drift == {"kind": "switched_back_on", "target": GENAI, "fixed": False, "message": (
            "Data for Generative AI Improvement (linkedin/generative-ai) was switched back on after you had opted "
            "out. Run `optout apply linkedin/generative-ai` to turn it off.")}
        terminal = drift["message"].replace("`", "")  # a terminal shows the command bold, without backticks
        assert f"warning: drift: {terminal}" in second.stderr.splitlines()

        third = scheduled(cli, webhook=webhook)  # still on: the same drift, already alerted
        assert third.returncode == 1
        assert webhook.calls == 1
    assert linkedin.switches()["generative-ai"] is True  # runs without --fix only check

    log = (cli.home / "logs" / "optout.log").read_text()
    assert log.count("drift: Data for Generative AI Improvement") == 1
    assert log.count("scheduled run ends: exit code 1") == 2

    code, document = cli.json("history")
    assert code == 0
    assert [(r["trigger"], r["command"], r["exit_code"]) for r in document["runs"]] == [
        ("schedule", "apply", 0), ("schedule", "check", 1), ("schedule", "check", 1)]
    first_genai = next(r for r in document["runs"][0]["results"] if r["target"] == GENAI)
    assert (first_genai["state"], first_genai["changed"]) == ("opted_out", True)
    assert len(first_genai["flow_sha256"]) == 64
    assert first_genai["evidence"].endswith("linkedin-generative-ai-final.png")
    assert first_genai["evidence_before"].endswith("linkedin-generative-ai-before.png")

    code, status = cli.json("status")
    genai = next(s for s in status["settings"] if s["target"] == GENAI)
    assert (genai["state"], genai["opted_out_since"]) == ("opted_in", None)
    research = next(s for s in status["settings"] if s["target"] == "linkedin/research")
    assert research["opted_out_since"] == document["runs"][0]["results"][1]["checked_at"]

    report = tmp_path / "report.html"
    made = cli("report", "--html", str(report))
    assert made.stdout == f"Wrote {report}: 2 settings from 3 runs.\n"
    check_report_in_chromium(report, tmp_path / "report.png")


def check_report_in_chromium(report, screenshot):
    """The report stands alone: opened from disk with the network cut, every screenshot shows."""
    from playwright.sync_api import sync_playwright

    html = report.read_text()
    assert "src=\"file:" not in html and "src=\"/" not in html
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("OPTOUT_BROWSER", "/usr/bin/chromium"),
                                             args=["--no-sandbox"] if os.geteuid() == 0 else [])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                       else route.abort())
            page.goto(report.as_uri())
            images = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.alt, i.naturalWidth])")
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    captions = [alt for alt, _ in images]
    assert captions.count("Found on, before optout changed it") == 2  # both settings, in the --fix run
    assert captions.count("Turned off by optout, re-read after reloading the page") == 2
    assert captions.count("Found on") == 1  # generative-ai, switched back on
    assert all(width > 100 for _, width in images)


def unfinished_runs(home) -> list[int]:
    path = home / "history.sqlite"
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        return [run for (run,) in db.execute("SELECT id FROM runs WHERE ended_at IS NULL")]


def start(cli, *args: str) -> subprocess.Popen:
    """optout in its own process group, so the browser it starts can be cleaned up after a kill."""
    return subprocess.Popen([sys.executable, "-m", "optout", *args], env=cli.env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, start_new_session=True)


def test_a_run_killed_mid_way_leaves_the_earlier_runs_intact(cli, linkedin):
    cli.store_demo_credentials()
    assert cli("check", GENAI).returncode == 1
    linkedin.admin("variant", {"variant": "slow"})
    killed = start(cli, "check", "linkedin")
    try:
        deadline = time.monotonic() + 60
        while not unfinished_runs(cli.home) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(3)  # inside the run: signed in, on a settings page
        assert killed.poll() is None, "the run ended before it could be killed"
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=10)
    finally:
        with contextlib.suppress(ProcessLookupError):  # unless it already went with the run
            os.killpg(killed.pid, signal.SIGKILL)  # the browser the killed run left behind
        killed.communicate()
    assert killed.returncode == -signal.SIGKILL

    code, document = cli.json("history")
    assert code == 0
    first, second = document["runs"]
    assert (first["finished"], first["exit_code"], [r["state"] for r in first["results"]]) == (True, 1, ["opted_in"])
    assert (second["finished"], second["results"]) == (False, [])
    assert "did not finish" in cli("history").stdout

    linkedin.admin("variant", {"variant": "default"})
    assert cli("check", GENAI).returncode == 1  # the lock died with the killed run


def test_two_runs_started_together_one_runs_one_exits(cli, linkedin):
    cli.store_demo_credentials()
    linkedin.admin("variant", {"variant": "slow"})
    runs = [start(cli, "scheduled", "--jitter", "0") for _ in range(2)]
    outputs = [run.communicate(timeout=CLI_TIMEOUT) for run in runs]
    codes = sorted(run.returncode for run in runs)
    assert codes == [1, 3]
    refused = [stderr for (_, stderr), run in zip(outputs, runs, strict=True) if run.returncode == 3]
    assert refused[0].splitlines()[-1] == (f"error: Another optout run is in progress (it holds {cli.home / 'run.lock'}); "
                                           "this one exits without doing anything. Try again once that run has finished.")
    code, document = cli.json("history")
    assert [run["exit_code"] for run in document["runs"]] == [1]  # the refused run never opened one
