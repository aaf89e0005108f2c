"""Schedules: the plan and the command it runs, which scheduler a system gets, replacing and
removing through the Scheduler interface (with recording schedulers), the installed-state file, and
a real crontab entry installed, shown and removed through the CLI. What each scheduler renders:
tests/test_schedulers_<name>.py."""

from __future__ import annotations

import getpass
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from optout import schedule, schedulers
from optout.home import DamagedFileError
from optout.schedule import Schedule, ScheduleError
from optout.schedulers import cron, systemd
from optout.schedulers.base import Scheduler
from optout.schedulers.cron import MARKER as CRON_MARKER

PYTHON = sys.executable
ODD_HOME = Path("/tmp/optout test/100% home$x")  # spaces, % and $: each scheduler quotes them its own way
PLANS = {
    "daily": Schedule.parse("daily", "09:00", False),
    "weekly": Schedule.parse("weekly", "18:30", True),
    "6h": Schedule.parse("6h", "03:15", False),
}


def command(plan: Schedule) -> list[str]:
    return schedule.scheduled_command(plan, ODD_HOME, PYTHON)


def test_schedule_parsing_and_hours():
    assert PLANS["6h"].hours == [3, 9, 15, 21]
    assert PLANS["6h"].describe() == "every 6 hours (03:15, 09:15, 15:15, 21:15), checking only"
    assert PLANS["weekly"].describe() == "weekly on Mondays at 18:30, turning off what is on (--fix)"
    assert Schedule.parse("12h", "14:05", False).hours == [2, 14]
    with pytest.raises(ValueError) as raised:
        Schedule.parse("5h", "09:00", False)
    assert str(raised.value) == ("--every '5h': use daily, weekly, or a number of hours that divides a day "
                                 "(1h, 2h, 3h, 4h, 6h, 8h, 12h).")
    with pytest.raises(ValueError) as raised:
        Schedule.parse("daily", "9.30", False)
    assert str(raised.value) == "--at '9.30': expected a time such as 09:00 (24-hour clock)."


def test_the_command_carries_the_home_and_the_choice_to_fix():
    assert command(PLANS["weekly"]) == [PYTHON, "-m", "optout", "scheduled", "--home", str(ODD_HOME),
                                        "--jitter", "600", "--fix"]
    assert "--fix" not in command(PLANS["daily"])


def test_a_schedule_that_scans_says_so_and_passes_it_on(tmp_path, monkeypatch):
    plan = Schedule.parse("daily", "09:00", False, scan=True)
    assert plan.describe() == "daily at 09:00, checking only, scanning for new AI settings (--scan)"
    assert command(plan)[-1] == "--scan" and "--scan" not in command(PLANS["daily"])
    monkeypatch.setenv("OPTOUT_HOME", str(tmp_path / "home"))
    schedule.save_installed(schedule.Installed(plan, "cron", [], "2025-01-01T00:00:00+00:00"))
    assert schedule.load_installed().schedule == plan


def test_scheduler_choice_per_os():
    assert schedule.pick_scheduler(None, "darwin") == "launchd"
    assert schedule.pick_scheduler(None, "win32") == "schtasks"
    assert schedule.pick_scheduler("cron", "linux") == "cron"
    with pytest.raises(ValueError) as raised:
        schedule.pick_scheduler("schtasks", "linux")
    assert str(raised.value) == "--scheduler 'schtasks': this system schedules with systemd or cron."


class Recording(Scheduler):
    """A scheduler that keeps what it was asked to do, whether this machine 'has' it, and the
    entries it holds (an install writes its entry before it can fail with `fails`)."""

    def __init__(self, name: str, available: bool = True):
        self.name, self.there, self.calls = name, available, []
        self.held: list[str] = []
        self.fails: str | None = None

    def available(self) -> bool:
        return self.there

    def entries(self):
        return list(self.held)

    def install(self, plan, command):
        self.calls.append(("install", plan, command))
        self.held = [f"{self.name}: entry"]
        if self.fails:
            raise ScheduleError(self.fails)
        return list(self.held)

    def uninstall(self):
        self.calls.append(("uninstall",))
        self.held = []

    def says(self):
        return f"{self.name} says hello"


@pytest.fixture
def recorded(monkeypatch, tmp_path) -> dict[str, Recording]:
    """Every scheduler replaced by a Recording one, in a fresh OPTOUT_HOME."""
    monkeypatch.setenv("OPTOUT_HOME", str(tmp_path / "home"))
    fakes = {name: Recording(name) for name in schedulers.NAMES}
    for name, fake in fakes.items():
        monkeypatch.setitem(schedulers.BY_NAME, name, fake)
    return fakes


def test_every_scheduler_has_a_module_behind_the_interface():
    assert schedulers.NAMES == ("systemd", "cron", "launchd", "schtasks")
    assert all(isinstance(schedulers.get(name), Scheduler) and schedulers.get(name).name == name
               for name in schedulers.NAMES)


def test_linux_takes_systemd_then_cron_and_says_what_to_install_without_either(recorded):
    assert schedule.pick_scheduler(None, "linux") == "systemd"
    recorded["systemd"].there = False
    assert schedule.pick_scheduler(None, "linux") == "cron"
    recorded["cron"].there = False
    with pytest.raises(ScheduleError) as raised:
        schedule.pick_scheduler(None, "linux")
    assert "Install cron (Debian/Ubuntu: apt-get install cron)" in str(raised.value)


def test_replacing_with_another_scheduler_removes_the_old_entry_first(recorded, tmp_path):
    first = schedule.replace(PLANS["daily"], "systemd")
    assert first.entries == ["systemd: entry"] and recorded["systemd"].calls[0][0] == "install"
    assert recorded["systemd"].calls[0][2] == schedule.scheduled_command(PLANS["daily"], (tmp_path / "home").resolve(),
                                                                         schedule.default_python())
    second = schedule.replace(PLANS["6h"], "cron", webhook="https://hooks.example/x")
    assert recorded["systemd"].calls[-1] == ("uninstall",)
    assert [call[0] for call in recorded["cron"].calls] == ["install"]
    assert schedule.load_installed() == second and second.scheduler == "cron"
    assert json.loads((tmp_path / "home" / "alerts.json").read_text()) == {"webhook_url": "https://hooks.example/x"}
    schedule.replace(PLANS["weekly"], "cron")  # same scheduler: it replaces its own entry, no uninstall
    assert [call[0] for call in recorded["cron"].calls] == ["install", "install"]
    assert schedule.scheduler_says("cron") == "cron says hello"


def test_removing_uninstalls_and_forgets_the_schedule_and_its_webhook(recorded, tmp_path):
    assert schedule.remove() == schedule.Removed(None, [])
    installed = schedule.replace(PLANS["daily"], "launchd", webhook="https://hooks.example/x")
    assert schedule.remove() == schedule.Removed(installed, [])
    assert recorded["launchd"].calls[-1] == ("uninstall",)
    assert schedule.load_installed() is None and not (tmp_path / "home" / "alerts.json").exists()


def test_removing_also_removes_entries_no_schedule_file_records(recorded):
    recorded["cron"].held = ["crontab: 0 9 * * * optout scheduled"]
    installed = schedule.replace(PLANS["daily"], "systemd")
    assert schedule.remove() == schedule.Removed(installed, ["crontab: 0 9 * * * optout scheduled"])
    assert recorded["cron"].calls == [("uninstall",)] and recorded["cron"].held == []


def test_a_failed_install_removes_what_it_wrote_and_the_schedule_it_replaced(recorded):
    schedule.replace(PLANS["daily"], "cron")
    recorded["cron"].fails = "`crontab -` failed: no space left"
    with pytest.raises(ScheduleError) as raised:
        schedule.replace(PLANS["weekly"], "cron")
    assert str(raised.value) == ("The cron schedule could not be installed (`crontab -` failed: no space left). What "
                                 "it had written is removed: nothing is scheduled.")
    assert recorded["cron"].held == [] and schedule.load_installed() is None


@pytest.fixture
def own_crontab():
    """The real crontab of this user, put back as it was afterwards."""
    if shutil.which("crontab") is None:
        pytest.skip("needs crontab (Debian: cron)")
    saved = subprocess.run(["crontab", "-l"], capture_output=True, text=True)
    yield saved.stdout if saved.returncode == 0 else None
    if saved.returncode == 0:
        subprocess.run(["crontab", "-"], input=saved.stdout, text=True, check=True)
    else:
        subprocess.run(["crontab", "-r"], capture_output=True)


def crontab() -> str:
    listed = subprocess.run(["crontab", "-l"], capture_output=True, text=True)
    return listed.stdout if listed.returncode == 0 else ""


def optout(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """optout in the environment given (default: this one), without OPTOUT_ variables but the home."""
    kept = {k: v for k, v in (os.environ if env is None else env).items() if not k.startswith("OPTOUT_")}
    return subprocess.run([PYTHON, "-m", "optout", *args], capture_output=True, text=True, timeout=60,
                          env={**kept, "OPTOUT_HOME": str(home), "COLUMNS": "200"}, stdin=subprocess.DEVNULL)


def tools(directory: Path, **scripts: str) -> dict[str, str]:
    """The environment of a machine whose tools (systemctl, notify-send: shell script bodies) a test
    decides, with its own systemd configuration directory; no desktop session bus."""
    directory.mkdir(exist_ok=True)
    for name, body in scripts.items():
        (directory / name.replace("_", "-")).write_text(f"#!/bin/sh\n{body}\n")
        (directory / name.replace("_", "-")).chmod(0o700)
    kept = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    return {**kept, "PATH": f"{directory}:{os.environ['PATH']}", "XDG_CONFIG_HOME": str(directory / "config")}


NO_USER_INSTANCE = 'echo "Failed to connect to bus: No medium found" >&2; exit 1'


def test_install_warns_when_cron_runs_nothing_and_notifications_cannot_show(own_crontab, tmp_path):
    if cron.daemon_running():
        pytest.skip("a cron daemon runs on this machine")
    if Path(f"/run/user/{os.getuid()}/bus").exists():
        pytest.skip("this machine has a desktop session bus")
    home, env = tmp_path / "home", tools(tmp_path / "bin", notify_send="exit 0")
    installed = optout(home, "schedule", "install", "--every", "daily", "--scheduler", "cron", env=env)
    assert installed.returncode == 0, installed.stderr
    assert ("warning: cron: no cron daemon is running, so crontab entries never run. Start one (Debian/Ubuntu: "
            "sudo service cron start; sudo systemctl enable --now cron where systemd runs the system).\n"
            ) in installed.stderr
    assert ("warning: Desktop notifications are unavailable: there is no desktop session (no D-Bus session bus) to "
            "show them in. Scheduled runs alert only in the log, by their exit code, and to a webhook when one is "
            "set.\n") in installed.stderr

    daemon = tmp_path / "cron"  # a process named as a cron daemon is, for as long as the test needs it
    shutil.copy("/bin/sleep", daemon)
    with subprocess.Popen([str(daemon), "60"]) as running:
        try:
            env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/run/user/1000/bus"
            installed = optout(home, "schedule", "install", "--every", "daily", "--scheduler", "cron", env=env)
        finally:
            running.kill()
    assert installed.returncode == 0, installed.stderr
    assert "cron daemon" not in installed.stderr and "notifications" not in installed.stderr


def test_install_warns_when_a_systemd_timer_runs_only_while_logged_in(tmp_path):
    if (systemd.LINGER_DIR / getpass.getuser()).exists():
        pytest.skip("lingering is on for this user")
    home, env = tmp_path / "home", tools(tmp_path / "bin", systemctl="exit 0")
    installed = optout(home, "schedule", "install", "--every", "daily", "--scheduler", "systemd", env=env)
    assert installed.returncode == 0, installed.stderr
    assert ("warning: systemd: lingering is off, so the timer runs only while you are logged in. Run loginctl "
            "enable-linger to have it run always.\n") in installed.stderr
    assert optout(home, "schedule", "remove", env=env).stdout.startswith("Removed the systemd schedule (daily")
    assert list((tmp_path / "bin" / "config" / "systemd" / "user").iterdir()) == []


def test_a_failed_install_removes_what_it_wrote(tmp_path):
    home, env = tmp_path / "home", tools(tmp_path / "bin", systemctl=NO_USER_INSTANCE)
    failed = optout(home, "schedule", "install", "--every", "daily", "--scheduler", "systemd", env=env)
    assert (failed.returncode, failed.stdout) == (2, "")
    assert failed.stderr == ("error: The systemd schedule could not be installed (systemctl --user daemon-reload "
                             "failed: Failed to connect to bus: No medium found). What it had written is removed: "
                             "nothing is scheduled.\n")
    assert list((tmp_path / "bin" / "config" / "systemd" / "user").iterdir()) == []
    assert not (home / "schedule.json").exists()


def test_remove_also_removes_what_an_earlier_schedule_left_behind(own_crontab, tmp_path):
    home, env = tmp_path / "home", tools(tmp_path / "bin", systemctl="exit 0")
    units = tmp_path / "bin" / "config" / "systemd" / "user"
    units.mkdir(parents=True)
    for name in ("optout.timer", "optout.service"):
        (units / name).write_text("[Unit]\n")
    leftover = f"0 9 * * * /usr/bin/python3 -m optout scheduled {CRON_MARKER}"
    subprocess.run(["crontab", "-"], input=f"5 4 * * * /bin/true\n{leftover}\n", text=True, check=True)
    removed = optout(home, "schedule", "remove", env=env)
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout == (f"Removed what an earlier schedule left behind:\n  {units / 'optout.timer'}\n"
                              f"  {units / 'optout.service'}\n  crontab: {leftover}\n")
    assert list(units.iterdir()) == [] and crontab() == "5 4 * * * /bin/true\n"
    assert optout(home, "schedule", "remove", env=env).stdout == "No schedule installed.\n"


def test_cron_entry_is_installed_replaced_shown_and_removed(own_crontab, tmp_path):
    subprocess.run(["crontab", "-"], input="# the person's own\n5 4 * * * /bin/true\n", text=True, check=True)
    home = tmp_path / "home"
    installed = optout(home, "schedule", "install", "--every", "daily", "--at", "07:45", "--scheduler", "cron")
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.startswith("Scheduled with cron: daily at 07:45, checking only.\n")
    assert "No platform has credentials or a saved session yet" in installed.stderr
    installed = optout(home, "schedule", "install", "--every", "12h", "--at", "07:45", "--fix", "--scheduler", "cron")
    assert installed.returncode == 0, installed.stderr
    entries = [line for line in crontab().splitlines() if CRON_MARKER in line]
    assert entries == [f"45 7,19 * * * {PYTHON} -m optout scheduled --home {home.resolve()} --jitter 600 --fix "
                       f"{CRON_MARKER}"]
    assert "5 4 * * * /bin/true" in crontab()

    status = optout(home, "schedule", "status")
    assert status.returncode == 0, status.stderr
    assert "Scheduled with cron since" in status.stdout
    assert "every 12 hours (07:45, 19:45), turning off what is on (--fix)." in status.stdout
    assert f"crontab entry: {entries[0]}" in status.stdout

    removed = optout(home, "schedule", "remove")
    assert removed.stdout == ("Removed the cron schedule (every 12 hours (07:45, 19:45), turning off what is on "
                              "(--fix)).\n")
    assert crontab() == "# the person's own\n5 4 * * * /bin/true\n"
    assert optout(home, "schedule", "remove").stdout == "No schedule installed.\n"


def test_the_installed_schedule_round_trips(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTOUT_HOME", str(tmp_path / "home"))
    installed = schedule.Installed(PLANS["6h"], "cron", ["crontab: ..."], "2025-01-01T00:00:00+00:00")
    schedule.save_installed(installed)
    assert schedule.load_installed() == installed


@pytest.mark.parametrize("content, problem", [
    ("{", "is damaged (not valid JSON)"),
    ('{"schedule": {"every": "daily"}, "scheduler": "cron"}', "is damaged (not what optout writes there)"),
    ('{"schedule": {"every": "5h", "hour": 9, "minute": 0, "fix": false}, "scheduler": "cron", "entries": [], '
     '"installed_at": "x"}', "is damaged (not what optout writes there)"),
    ('{"schedule": {"every": "daily", "hour": 9, "minute": 0, "fix": false}, "scheduler": "at", "entries": [], '
     '"installed_at": "x"}', "is damaged (not what optout writes there)"),
    (None, "is a directory, not a file"),
])
def test_a_damaged_schedule_file_is_named_with_what_to_do(tmp_path, monkeypatch, content, problem):
    home = tmp_path / "home"
    monkeypatch.setenv("OPTOUT_HOME", str(home))
    home.mkdir()
    path = home / "schedule.json"
    path.mkdir() if content is None else path.write_text(content)
    with pytest.raises(DamagedFileError) as raised:
        schedule.load_installed()
    assert str(raised.value) == (f"{path} {problem}: move it aside, then run `optout schedule install` again; it "
                                 "replaces the entry the old schedule left in the scheduler (if it did not, remove "
                                 "that by hand).")
