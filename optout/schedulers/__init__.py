"""The OS schedulers optout can install its re-check with, one module each behind base.Scheduler,
and which of them this system has."""

from __future__ import annotations

import sys

from optout.schedule import ScheduleError
from optout.schedulers.base import Scheduler
from optout.schedulers.cron import Cron
from optout.schedulers.launchd import Launchd
from optout.schedulers.systemd import Systemd
from optout.schedulers.windows import TaskScheduler

BY_NAME: dict[str, Scheduler] = {scheduler.name: scheduler for scheduler in (Systemd(), Cron(), Launchd(),
                                                                              TaskScheduler())}
NAMES = tuple(BY_NAME)
BY_OS = {"darwin": ("launchd", "cron"), "win32": ("schtasks",)}  # the native one first
ELSEWHERE = ("systemd", "cron")


def get(name: str) -> Scheduler:
    return BY_NAME[name]


def of_system(system: str = sys.platform) -> list[Scheduler]:
    """The schedulers this system may have, the native one first."""
    return [get(name) for name in BY_OS.get(system, ELSEWHERE)]


def pick(requested: str | None = None, system: str = sys.platform) -> Scheduler:
    """The scheduler asked for, if this system has it; else the first of this system's that is there."""
    possible = BY_OS.get(system, ELSEWHERE)
    if requested:
        if requested not in possible:
            raise ValueError(f"--scheduler {requested!r}: this system schedules with {' or '.join(possible)}.")
        return get(requested)
    found = next((get(name) for name in possible if get(name).available()), None)
    if found is None:
        raise ScheduleError("No scheduler found: there is no systemd user instance (`systemctl --user`) and no "
                            "`crontab`. Install cron (Debian/Ubuntu: apt-get install cron), or run `optout "
                            "scheduled` from a scheduler of your own.")
    return found
