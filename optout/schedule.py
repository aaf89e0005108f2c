"""Scheduled re-checks through the OS's own scheduler: a systemd user timer on Linux (cron where
there is no systemd user instance), a launchd agent on macOS, Task Scheduler on Windows.

Each scheduler's file is rendered by a pure function (testable on any OS); installing writes it
and tells the scheduler. Every scheduler runs the same command, `optout scheduled`, with the
OPTOUT_HOME given as --home so no environment has to be carried over.
"""

from __future__ import annotations

import json
import os
import plistlib
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from optout.home import optout_home, private_dir, read_json, write_private

NAME = "optout"
LAUNCHD_LABEL = "org.optout.scheduled"
CRON_MARKER = "# optout-schedule (managed by `optout schedule`)"
JITTER_SECONDS = 600  # scheduled runs start up to this much later, so many machines do not arrive at once
TASK_NAMESPACE = "http://schemas.microsoft.com/windows/2004/02/mit/task"
HOURLY_STEPS = (1, 2, 3, 4, 6, 8, 12)  # divide a day evenly, so every scheduler runs at the same hours
SCHEDULERS_BY_OS = {"darwin": ("launchd", "cron"), "win32": ("schtasks",)}  # elsewhere: systemd, cron
SCHEDULERS = ("systemd", "cron", "launchd", "schtasks")
# A scheduled run still going after this is stopped by the scheduler, so a hung run never blocks
# the next ones. It is the jitter (10 min) plus the engine's own whole-run watchdog (30 min) plus
# a margin, so the engine ends a slow run first and records it.
RUN_LIMIT_MINUTES = 45


class ScheduleError(Exception):
    """A schedule could not be installed, read or removed."""


@dataclass(frozen=True)
class Schedule:
    every: str  # "daily" | "weekly" | "<N>h"
    hour: int
    minute: int
    fix: bool = False

    @classmethod
    def parse(cls, every: str, at: str, fix: bool) -> Schedule:
        match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", at)
        if not match:
            raise ValueError(f"--at {at!r}: expected a time such as 09:00 (24-hour clock).")
        every = every.lower()
        hours = re.fullmatch(r"(\d+)h", every)
        if every not in ("daily", "weekly") and not (hours and int(hours.group(1)) in HOURLY_STEPS):
            steps = ", ".join(f"{n}h" for n in HOURLY_STEPS)
            raise ValueError(f"--every {every!r}: use daily, weekly, or a number of hours that divides a day "
                             f"({steps}).")
        return cls(every, int(match.group(1)), int(match.group(2)), fix)

    @property
    def step_hours(self) -> int | None:
        return int(self.every[:-1]) if self.every.endswith("h") else None

    @property
    def weekly(self) -> bool:
        return self.every == "weekly"

    @property
    def hours(self) -> list[int]:
        """The hours of the day a run starts (for every Nh: the hour given, and every N hours around it)."""
        step = self.step_hours
        return list(range(self.hour % step, 24, step)) if step else [self.hour]

    def describe(self) -> str:
        times = ", ".join(f"{hour:02d}:{self.minute:02d}" for hour in self.hours)
        when = {"daily": f"daily at {times}", "weekly": f"weekly on Mondays at {times}"}.get(
            self.every, f"every {self.step_hours} hours ({times})")
        return f"{when}, {'turning off what is on (--fix)' if self.fix else 'checking only'}"


def scheduled_command(schedule: Schedule, home: Path, python: str) -> list[str]:
    command = [python, "-m", "optout", "scheduled", "--home", str(home), "--jitter", str(JITTER_SECONDS)]
    return command + (["--fix"] if schedule.fix else [])


def default_python() -> str:
    """This interpreter; on Windows its window-less twin, so a run does not flash a console."""
    python = Path(sys.executable)
    windowless = python.with_name("pythonw.exe")
    return str(windowless if sys.platform == "win32" and windowless.exists() else python)


# -- rendering (pure) -------------------------------------------------------------------------


def systemd_quote(arg: str) -> str:
    """One ExecStart word: specifiers (%) and variables ($) kept literal, quoted when needed."""
    arg = arg.replace("%", "%%").replace("$", "$$")
    if re.search(r'[\s"\'\\;]', arg) or not arg:
        return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return arg


def render_systemd(schedule: Schedule, command: list[str]) -> dict[str, str]:
    step = schedule.step_hours
    hour = f"{schedule.hours[0]:02d}/{step}" if step else f"{schedule.hour:02d}"
    calendar = f"{'Mon ' if schedule.weekly else ''}*-*-* {hour}:{schedule.minute:02d}:00"
    service = "\n".join([
        "[Unit]",
        "Description=optout: re-check the AI-training opt-outs",
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        f"ExecStart={' '.join(systemd_quote(arg) for arg in command)}",
        f"TimeoutStartSec={RUN_LIMIT_MINUTES}min",  # a oneshot's whole run is its start
        "Nice=10",
        "",
    ])
    timer = "\n".join([
        "[Unit]",
        f"Description=optout: re-check {schedule.describe()}",
        "",
        "[Timer]",
        f"OnCalendar={calendar}",
        "Persistent=true",  # a run missed while the machine was off happens at the next start
        f"Unit={NAME}.service",
        "",
        "[Install]",
        "WantedBy=timers.target",
        "",
    ])
    return {f"{NAME}.service": service, f"{NAME}.timer": timer}


def render_cron(schedule: Schedule, command: list[str], environment: dict[str, str]) -> str:
    """One crontab line. Cron runs it with /bin/sh, where an unescaped % would end the command."""
    days = "1" if schedule.weekly else "*"
    hours = ",".join(str(hour) for hour in schedule.hours)
    words = [f"{key}={shlex.quote(value)}" for key, value in environment.items()] + [shlex.quote(a) for a in command]
    return f"{schedule.minute} {hours} * * {days} {' '.join(words).replace('%', chr(92) + '%')} {CRON_MARKER}"


def render_launchd(schedule: Schedule, command: list[str]) -> bytes:
    weekday = {"Weekday": 1} if schedule.weekly else {}
    return plistlib.dumps({
        "Label": LAUNCHD_LABEL,
        "ProgramArguments": command,
        "StartCalendarInterval": [{**weekday, "Hour": hour, "Minute": schedule.minute} for hour in schedule.hours],
        "ProcessType": "Background",
        "RunAtLoad": False,
        # Everything goes to the rotating log under OPTOUT_HOME; these files would only grow.
        "StandardOutPath": os.devnull,
        "StandardErrorPath": os.devnull,
    })


def render_task_xml(schedule: Schedule, command: list[str]) -> bytes:
    """A Task Scheduler definition, UTF-16 as `schtasks /Create /XML` expects."""
    start = f"2025-01-06T{schedule.hours[0]:02d}:{schedule.minute:02d}:00"  # a Monday, in local time
    step = schedule.step_hours
    repetition = (f"<Repetition><Interval>PT{step}H</Interval><Duration>P1D</Duration>"
                  "<StopAtDurationEnd>false</StopAtDurationEnd></Repetition>") if step else ""
    days = ("<ScheduleByWeek><WeeksInterval>1</WeeksInterval><DaysOfWeek><Monday /></DaysOfWeek></ScheduleByWeek>"
            if schedule.weekly else "<ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>")
    arguments = subprocess.list2cmdline(command[1:])
    xml = f"""<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="{TASK_NAMESPACE}">
  <RegistrationInfo>
    <Description>{escape(f"optout: re-check the AI-training opt-outs {schedule.describe()}")}</Description>
    <URI>\\{NAME}</URI>
  </RegistrationInfo>
  <Triggers>
    <CalendarTrigger>
      {repetition}
      <StartBoundary>{start}</StartBoundary>
      <Enabled>true</Enabled>
      {days}
    </CalendarTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>true</RunOnlyIfNetworkAvailable>
    <ExecutionTimeLimit>PT{RUN_LIMIT_MINUTES}M</ExecutionTimeLimit>
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>{escape(command[0])}</Command>
      <Arguments>{escape(arguments)}</Arguments>
    </Exec>
  </Actions>
</Task>
"""
    return xml.encode("utf-16")


# -- installing ------------------------------------------------------------------------------


def run_tool(*command: str, input: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    try:
        completed = subprocess.run(command, input=input, capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise ScheduleError(f"{command[0]} is not installed.") from None
    if check and completed.returncode != 0:
        reason = completed.stderr.strip() or completed.stdout.strip() or f"exit status {completed.returncode}"
        raise ScheduleError(f"`{' '.join(command[:3])}` failed: {reason}")
    return completed


def systemd_user_available() -> bool:
    if shutil.which("systemctl") is None:
        return False
    return run_tool("systemctl", "--user", "show-environment", check=False).returncode == 0


def pick_scheduler(requested: str | None = None, system: str = sys.platform) -> str:
    """The scheduler asked for, if this system has it; else the native one."""
    possible = SCHEDULERS_BY_OS.get(system, ("systemd", "cron"))
    if requested:
        if requested not in possible:
            raise ValueError(f"--scheduler {requested!r}: this system schedules with {' or '.join(possible)}.")
        return requested
    if system in SCHEDULERS_BY_OS:
        return possible[0]
    if systemd_user_available():
        return "systemd"
    if shutil.which("crontab"):
        return "cron"
    raise ScheduleError("No scheduler found: there is no systemd user instance (`systemctl --user`) and no "
                        "`crontab`. Install cron (Debian/Ubuntu: apt-get install cron), or run `optout "
                        "scheduled` from a scheduler of your own.")


def systemd_dir() -> Path:
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "systemd" / "user"


def launchd_file() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{LAUNCHD_LABEL}.plist"


def cron_environment() -> dict[str, str]:
    """Cron starts jobs without the desktop session; the session bus at its standard place is how
    a cron run reaches the keyring that holds the saved sessions."""
    bus = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "")
    return {"DBUS_SESSION_BUS_ADDRESS": bus} if re.fullmatch(r"unix:path=/run/user/\d+/bus", bus) else {}


def read_crontab() -> list[str]:
    completed = run_tool("crontab", "-l", check=False)
    if completed.returncode != 0:
        if "no crontab" in completed.stderr.lower():
            return []
        raise ScheduleError(f"`crontab -l` failed: {completed.stderr.strip()}")
    return completed.stdout.splitlines()


def write_crontab(lines: list[str]) -> None:
    if any(line.strip() for line in lines):
        run_tool("crontab", "-", input="\n".join(lines) + "\n")
    else:
        run_tool("crontab", "-r", check=False)


def install(schedule: Schedule, scheduler: str) -> list[str]:
    """Install (or replace) the schedule; returns the files or entries written."""
    command = scheduled_command(schedule, optout_home().resolve(), default_python())
    if scheduler == "systemd":
        directory = systemd_dir()
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in render_systemd(schedule, command).items():
            (directory / name).write_text(text)
            written.append(str(directory / name))
        run_tool("systemctl", "--user", "daemon-reload")
        run_tool("systemctl", "--user", "enable", "--now", f"{NAME}.timer")
        return written
    if scheduler == "cron":
        line = render_cron(schedule, command, cron_environment())
        write_crontab([kept for kept in read_crontab() if CRON_MARKER not in kept] + [line])
        return [f"crontab: {line}"]
    if scheduler == "launchd":
        path = launchd_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render_launchd(schedule, command))
        domain = f"gui/{os.getuid()}"
        run_tool("launchctl", "bootout", f"{domain}/{LAUNCHD_LABEL}", check=False)
        run_tool("launchctl", "bootstrap", domain, str(path))
        return [str(path)]
    path = private_dir("schedule") / f"{NAME}-task.xml"
    path.write_bytes(render_task_xml(schedule, command))
    run_tool("schtasks", "/Create", "/TN", NAME, "/XML", str(path), "/F")
    return [str(path), f"Task Scheduler: {NAME}"]


def uninstall(scheduler: str) -> None:
    if scheduler == "systemd":
        run_tool("systemctl", "--user", "disable", "--now", f"{NAME}.timer", check=False)
        for name in (f"{NAME}.timer", f"{NAME}.service"):
            (systemd_dir() / name).unlink(missing_ok=True)
        run_tool("systemctl", "--user", "daemon-reload", check=False)
    elif scheduler == "cron":
        write_crontab([line for line in read_crontab() if CRON_MARKER not in line])
    elif scheduler == "launchd":
        run_tool("launchctl", "bootout", f"gui/{os.getuid()}/{LAUNCHD_LABEL}", check=False)
        launchd_file().unlink(missing_ok=True)
    else:
        run_tool("schtasks", "/Delete", "/TN", NAME, "/F", check=False)
        (private_dir("schedule") / f"{NAME}-task.xml").unlink(missing_ok=True)


def scheduler_says(scheduler: str) -> str:
    """What the scheduler itself reports (next run, or whether the entry is there)."""
    if scheduler == "systemd":
        completed = run_tool("systemctl", "--user", "list-timers", f"{NAME}.timer", "--no-pager", check=False)
    elif scheduler == "cron":
        entries = [line for line in read_crontab() if CRON_MARKER in line]
        return f"crontab entry: {entries[0]}" if entries else "no crontab entry (removed outside optout?)"
    elif scheduler == "launchd":
        completed = run_tool("launchctl", "print", f"gui/{os.getuid()}/{LAUNCHD_LABEL}", check=False)
    else:
        completed = run_tool("schtasks", "/Query", "/TN", NAME, "/FO", "LIST", check=False)
    text = (completed.stdout or completed.stderr).strip()
    return "\n".join(text.splitlines()[:12])


# -- what was installed ----------------------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    schedule: Schedule
    scheduler: str
    entries: list[str]
    installed_at: str


def state_file() -> Path:
    return private_dir() / "schedule.json"


def save_installed(installed: Installed) -> None:
    write_private(state_file(), json.dumps(asdict(installed), indent=2).encode())


def load_installed() -> Installed | None:
    return read_json(state_file(), installed_from_json,
                     "move it aside, then run `optout schedule install` again; it replaces the entry the old "
                     "schedule left in the scheduler (if it did not, remove that by hand).")


def installed_from_json(data: dict) -> Installed:
    """What save_installed wrote; KeyError, TypeError or ValueError for anything else."""
    plan = data["schedule"]
    schedule = Schedule.parse(plan["every"], f"{plan['hour']:02d}:{plan['minute']:02d}", plan["fix"])
    entries = data["entries"]
    if data["scheduler"] not in SCHEDULERS or not isinstance(plan["fix"], bool) or not isinstance(entries, list) \
            or not all(isinstance(entry, str) for entry in entries) or not isinstance(data["installed_at"], str):
        raise ValueError("not a saved schedule")
    return Installed(schedule, data["scheduler"], entries, data["installed_at"])


def forget_installed() -> None:
    state_file().unlink(missing_ok=True)
