"""Schedules: every OS's file rendered and checked against its format (systemd-analyze verify,
plistlib, the Task Scheduler XML namespace), and a real crontab entry installed, shown and removed."""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from optout import schedule
from optout.home import DamagedFileError
from optout.schedule import CRON_MARKER, Schedule

PYTHON = sys.executable
ODD_HOME = Path("/tmp/optout test/100% home$x")  # spaces, % and $: each scheduler quotes them its own way
PLANS = {
    "daily": Schedule.parse("daily", "09:00", False),
    "weekly": Schedule.parse("weekly", "18:30", True),
    "6h": Schedule.parse("6h", "03:15", False),
}
T = "{" + schedule.TASK_NAMESPACE + "}"


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


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze (Debian: systemd)")
@pytest.mark.parametrize("name", PLANS)
def test_systemd_units_pass_systemd_analyze_verify(tmp_path, name):
    plan = PLANS[name]
    for file_name, text in schedule.render_systemd(plan, command(plan)).items():
        (tmp_path / file_name).write_text(text)
    verified = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "optout.timer"),
                               str(tmp_path / "optout.service")], capture_output=True, text=True)
    assert (verified.returncode, verified.stderr) == (0, "")
    calendar = next(line.split("=", 1)[1] for line in (tmp_path / "optout.timer").read_text().splitlines()
                    if line.startswith("OnCalendar="))
    shown = subprocess.run(["systemd-analyze", "calendar", "--iterations=4", calendar], capture_output=True,
                           text=True, check=True, env={**os.environ, "TZ": "UTC"}).stdout
    times = [line.split()[-2][:5] for line in shown.splitlines() if "elapse:" in line or "Iter." in line]
    expected = [f"{hour:02d}:{plan.minute:02d}" for hour in plan.hours]
    assert sorted(set(times)) == expected
    if plan.weekly:
        assert all(line.split()[-4] == "Mon" for line in shown.splitlines() if "elapse:" in line or "Iter." in line)


def test_systemd_exec_start_keeps_odd_paths_literal(tmp_path):
    service = schedule.render_systemd(PLANS["daily"], command(PLANS["daily"]))["optout.service"]
    assert '--home "/tmp/optout test/100%% home$$x"' in service


@pytest.mark.parametrize("name", PLANS)
def test_launchd_plist_round_trips_with_the_keys_launchd_needs(name):
    plan = PLANS[name]
    data = plistlib.loads(schedule.render_launchd(plan, command(plan)))
    assert plistlib.loads(plistlib.dumps(data)) == data
    assert data["Label"] == schedule.LAUNCHD_LABEL
    assert data["ProgramArguments"] == command(plan)
    assert all(isinstance(arg, str) for arg in data["ProgramArguments"])
    weekday = {"Weekday": 1} if plan.weekly else {}
    assert data["StartCalendarInterval"] == [{**weekday, "Hour": hour, "Minute": plan.minute} for hour in plan.hours]
    assert data["RunAtLoad"] is False


@pytest.mark.parametrize("name", PLANS)
def test_task_scheduler_xml_has_the_namespace_and_required_elements(name):
    plan = PLANS[name]
    rendered = schedule.render_task_xml(plan, command(plan))
    assert rendered.startswith(b"\xff\xfe")  # UTF-16 with its byte order mark, as schtasks /XML wants
    task = ET.fromstring(rendered)
    assert task.tag == f"{T}Task" and task.get("version") == "1.2"
    for path in ("RegistrationInfo/Description", "Triggers/CalendarTrigger/StartBoundary",
                 "Triggers/CalendarTrigger/Enabled", "Principals/Principal/LogonType", "Settings/Enabled",
                 "Actions/Exec/Command", "Actions/Exec/Arguments"):
        assert task.find("/".join(T + part for part in path.split("/"))) is not None, path
    trigger = task.find(f"{T}Triggers/{T}CalendarTrigger")
    assert trigger.findtext(f"{T}StartBoundary").endswith(f"T{plan.hours[0]:02d}:{plan.minute:02d}:00")
    if plan.weekly:
        assert trigger.find(f"{T}ScheduleByWeek/{T}DaysOfWeek/{T}Monday") is not None
    else:
        assert trigger.findtext(f"{T}ScheduleByDay/{T}DaysInterval") == "1"
    interval = trigger.findtext(f"{T}Repetition/{T}Interval")
    assert interval == (f"PT{plan.step_hours}H" if plan.step_hours else None)
    assert task.findtext(f"{T}Settings/{T}MultipleInstancesPolicy") == "IgnoreNew"
    assert task.find(f"{T}Principals/{T}Principal").get("id") == task.find(f"{T}Actions").get("Context")
    assert task.findtext(f"{T}Actions/{T}Exec/{T}Command") == PYTHON
    assert task.findtext(f"{T}Actions/{T}Exec/{T}Arguments") == subprocess.list2cmdline(command(plan)[1:])


def test_cron_line_escapes_percent_and_quotes_for_sh():
    line = schedule.render_cron(PLANS["6h"], command(PLANS["6h"]), {})
    assert line == (f"15 3,9,15,21 * * * {PYTHON} -m optout scheduled --home '/tmp/optout test/100\\% home$x' "
                    f"--jitter 600 {CRON_MARKER}")
    assert schedule.render_cron(PLANS["weekly"], ["/bin/true"], {}).startswith("30 18 * * 1 /bin/true")


def test_scheduler_choice_per_os():
    assert schedule.pick_scheduler(None, "darwin") == "launchd"
    assert schedule.pick_scheduler(None, "win32") == "schtasks"
    assert schedule.pick_scheduler("cron", "linux") == "cron"
    with pytest.raises(ValueError) as raised:
        schedule.pick_scheduler("schtasks", "linux")
    assert str(raised.value) == "--scheduler 'schtasks': this system schedules with systemd or cron."


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


def optout(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPTOUT_")}
    return subprocess.run([PYTHON, "-m", "optout", *args], capture_output=True, text=True, timeout=60,
                          env={**env, "OPTOUT_HOME": str(home), "COLUMNS": "200"}, stdin=subprocess.DEVNULL)


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
    assert removed.stdout == "Removed the cron schedule (every 12 hours (07:45, 19:45), turning off what is on (--fix)).\n"
    assert crontab() == "# the person's own\n5 4 * * * /bin/true\n"
    assert optout(home, "schedule", "remove").stdout == "No schedule installed.\n"


def test_a_scheduled_run_that_hangs_is_stopped_by_the_scheduler():
    service = schedule.render_systemd(PLANS["daily"], command(PLANS["daily"]))["optout.service"]
    assert "TimeoutStartSec=45min" in service.splitlines()
    task = ET.fromstring(schedule.render_task_xml(PLANS["daily"], command(PLANS["daily"])))
    assert task.findtext(f"{T}Settings/{T}ExecutionTimeLimit") == "PT45M"


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
