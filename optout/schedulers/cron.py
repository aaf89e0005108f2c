"""One line in the user's crontab, found again by its marker; the person's own lines are kept."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

from optout.schedule import Schedule, ScheduleError
from optout.schedulers.base import Caveat, Scheduler, run_tool

MARKER = "# optout-schedule (managed by `optout schedule`)"
DAEMONS = {"cron", "crond", "cronie", "fcron", "busybox"}  # the names a cron daemon runs under


class Cron(Scheduler):
    name = "cron"

    def available(self) -> bool:
        return shutil.which("crontab") is not None

    def caveats(self) -> list[Caveat]:
        if daemon_running() is False:
            return [Caveat("no cron daemon is running, so crontab entries never run",
                           "Start one (Debian/Ubuntu: `sudo service cron start`; `sudo systemctl enable --now cron` "
                           "where systemd runs the system)")]
        return []

    def entries(self) -> list[str]:
        if not self.available():
            return []
        return [f"crontab: {line}" for line in read_crontab() if MARKER in line]

    def install(self, schedule: Schedule, command: list[str]) -> list[str]:
        line = render(schedule, command, environment())
        write_crontab(others() + [line])
        return [f"crontab: {line}"]

    def uninstall(self) -> None:
        write_crontab(others())

    def says(self) -> str:
        entries = [line for line in read_crontab() if MARKER in line]
        return f"crontab entry: {entries[0]}" if entries else "no crontab entry (removed outside optout?)"


def daemon_running(proc: Path = Path("/proc")) -> bool | None:
    """Whether a cron daemon is among the running processes; None where /proc cannot tell (macOS,
    whose launchd starts cron when a crontab exists)."""
    if not proc.is_dir():
        return None
    for comm in proc.glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() in DAEMONS:
                return True
        except OSError:  # a process that ended while we looked
            continue
    return False


def environment() -> dict[str, str]:
    """Cron starts jobs without the desktop session; the session bus at its standard place is how
    a cron run reaches the keyring that holds the saved sessions."""
    bus = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "")
    return {"DBUS_SESSION_BUS_ADDRESS": bus} if re.fullmatch(r"unix:path=/run/user/\d+/bus", bus) else {}


def render(schedule: Schedule, command: list[str], environment: dict[str, str]) -> str:
    """One crontab line. Cron runs it with /bin/sh, where an unescaped % would end the command."""
    days = "1" if schedule.weekly else "*"
    hours = ",".join(str(hour) for hour in schedule.hours)
    words = [f"{key}={shlex.quote(value)}" for key, value in environment.items()] + [shlex.quote(a) for a in command]
    return f"{schedule.minute} {hours} * * {days} {' '.join(words).replace('%', chr(92) + '%')} {MARKER}"


def others() -> list[str]:
    """The crontab without optout's line."""
    return [line for line in read_crontab() if MARKER not in line]


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
