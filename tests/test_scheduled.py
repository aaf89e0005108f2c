"""`optout scheduled` around the runner: jitter, non-interactive, the rotating log, alerts on
every channel, and the exit code of a --fix run that turned a switched-back-on setting off."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from dataclasses import dataclass, field, replace

import pytest

from optout import scheduled
from optout.drift import Drift, Kind
from optout.exitcodes import ExitCode
from optout.history import HistoryError
from optout.results import Finding, Result, ScanReport, State
from optout.runner import Runner, RunOutcome
from tests.fakes import CLI_TIMEOUT

FIXED = Drift(Kind.SWITCHED_BACK_ON, "linkedin/generative-ai", "It was switched back on; optout turned it off again.",
              fixed=True)
NEW_SWITCH = Finding("linkedin", "https://www.linkedin.com/mypreferences/d/categories/privacy", "switch",
                     "Improve writing suggestions with my content", "", "on")


@dataclass
class RecordingRunner(Runner):
    """Runs nothing: reports what a --fix run that met drift would, and keeps how it was called."""

    drifts: list[Drift] = field(default_factory=list)
    calls: list[dict] = field(default_factory=list)

    def load(self, targets, flows_dir=None):
        return []

    def run(self, selections, *, apply, dry_run=False, scan=False):
        self.calls.append({"apply": apply, "trigger": self.trigger, "may_prompt": self.may_prompt, "scan": scan})
        self.progress("linkedin: signed in")
        self.alert(1, self.drifts)
        return RunOutcome([Result("linkedin", "generative-ai", "Data for Generative AI Improvement", State.OPTED_OUT,
                                  "Changed to off and verified after reloading the page.", changed=True)],
                          self.drifts, run_id=1, scan=ScanReport([NEW_SWITCH], [], ["linkedin"]) if scan else None)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTOUT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OPTOUT_WEBHOOK_URL", raising=False)
    shown: list = []
    monkeypatch.setattr(scheduled.alerts, "notify_desktop", lambda title, body: shown.append((title, body)))
    for handler in scheduled.open_log().handlers[:]:  # the log follows this test's OPTOUT_HOME
        scheduled.open_log().removeHandler(handler)
    return tmp_path / "home", shown


def test_a_fix_run_that_met_drift_exits_1_logs_it_and_shows_it(home, monkeypatch):
    path, shown = home
    slept = []
    monkeypatch.setattr(scheduled.random, "uniform", lambda low, high: high / 2)
    monkeypatch.setattr(scheduled.time, "sleep", slept.append)
    runner = RecordingRunner([], drifts=[FIXED])
    run = scheduled.run_scheduled(runner, fix=True, jitter=600)
    assert run.code is ExitCode.OPTED_IN and [r.state for r in run.results] == [State.OPTED_OUT]
    assert slept == [300]
    assert runner.calls == [{"apply": True, "trigger": "schedule", "may_prompt": False, "scan": False}]
    assert shown == [("optout needs your attention", FIXED.message)]
    log = (path / "logs" / "optout.log").read_text()
    for line in ["INFO starting in 300s (jitter)", "INFO scheduled run starts (check and fix)",
                 "INFO linkedin: signed in", f"WARNING drift: {FIXED.message}",
                 "INFO linkedin/generative-ai: opted_out (changed)", "INFO scheduled run ends: exit code 1"]:
        assert line in log


def test_a_scanning_run_scans_and_logs_what_it_found(home):
    runner = RecordingRunner([])
    run = scheduled.run_scheduled(runner, fix=False, jitter=0, scan=True)
    assert runner.calls[0]["scan"] is True and run.scan.findings == [NEW_SWITCH]
    assert (f'INFO linkedin: scan found switch "{NEW_SWITCH.name}" on {NEW_SWITCH.url} (no flow covers it)'
            in (home[0] / "logs" / "optout.log").read_text())


def test_without_drift_the_exit_code_is_the_results(home):
    run = scheduled.run_scheduled(RecordingRunner([]), fix=False, jitter=0)
    assert (run.code, run.not_recorded) == (ExitCode.OK, None)
    assert home[1] == []


@dataclass
class UnrecordedRunner(RecordingRunner):
    def run(self, selections, *, apply, dry_run=False, scan=False):
        return replace(super().run(selections, apply=apply, dry_run=dry_run),
                       not_recorded=HistoryError("The history database h.sqlite cannot be used: the disk is full."))


def test_results_the_history_could_not_keep_are_logged_and_returned_with_their_code(home):
    run = scheduled.run_scheduled(UnrecordedRunner([]), fix=False, jitter=0)
    assert (run.code, str(run.not_recorded)) == (ExitCode.OK, "The history database h.sqlite cannot be used: "
                                                              "the disk is full.")
    log = (home[0] / "logs" / "optout.log").read_text()
    assert "ERROR these results are not in the history: The history database h.sqlite cannot be used" in log


def test_the_log_is_private_like_every_file_optout_keeps(tmp_path):
    """Also the log an older optout left readable by others."""
    logs = tmp_path / "home" / "logs"
    logs.mkdir(parents=True, mode=0o700)
    (logs / "optout.log").write_text("an older optout's line\n")
    (logs / "optout.log").chmod(0o644)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPTOUT_")}
    ran = subprocess.run([sys.executable, "-m", "optout", "scheduled", "--home", str(tmp_path / "home")], env=env,
                         capture_output=True, text=True, timeout=CLI_TIMEOUT, stdin=subprocess.DEVNULL)
    assert ran.returncode == ExitCode.USAGE, ran.stderr  # no platform has an account: nothing to do
    assert stat.S_IMODE((logs / "optout.log").stat().st_mode) == 0o600
    assert "scheduled run starts (check only)" in (logs / "optout.log").read_text()
