"""Scheduled re-checks: what a schedule is, what optout installed, and the operations the
commands use (choose a scheduler, replace or remove the installed schedule, ask it how it is).

Each OS scheduler is a module of optout/schedulers/ behind one interface (base.Scheduler). They
import the Schedule and ScheduleError from here; this module reaches them only inside the
functions below, so either side can be imported first. Every scheduler runs the same command,
`optout scheduled`, with the OPTOUT_HOME given as --home so no environment has to be carried over.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from optout import alerts
from optout.errors import UsageError
from optout.home import optout_home, private_dir, read_json, write_private
from optout.results import utc_now

if TYPE_CHECKING:  # the schedulers import this module: they are reached inside the functions below
    from optout.schedulers.base import Caveat, Scheduler

NAME = "optout"  # of the timer, the task, the files
JITTER_SECONDS = 600  # scheduled runs start up to this much later, so many machines do not arrive at once
HOURLY_STEPS = (1, 2, 3, 4, 6, 8, 12)  # divide a day evenly, so every scheduler runs at the same hours
# A scheduled run still going after this is stopped by the scheduler, so a hung run never blocks
# the next ones. It is the jitter (10 min) plus the engine's own whole-run watchdog (30 min) plus
# a margin, so the engine ends a slow run first and records it.
RUN_LIMIT_MINUTES = 45


class ScheduleError(UsageError):
    """A schedule could not be installed, read or removed."""


@dataclass(frozen=True)
class Schedule:
    every: str  # "daily" | "weekly" | "<N>h"
    hour: int
    minute: int
    fix: bool = False
    scan: bool = False  # also scan for AI settings no flow covers (--scan)

    @classmethod
    def parse(cls, every: str, at: str, fix: bool, scan: bool = False) -> Schedule:
        match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", at)
        if not match:
            raise ValueError(f"--at {at!r}: expected a time such as 09:00 (24-hour clock).")
        every = every.lower()
        hours = re.fullmatch(r"(\d+)h", every)
        if every not in ("daily", "weekly") and not (hours and int(hours.group(1)) in HOURLY_STEPS):
            steps = ", ".join(f"{n}h" for n in HOURLY_STEPS)
            raise ValueError(f"--every {every!r}: use daily, weekly, or a number of hours that divides a day "
                             f"({steps}).")
        return cls(every, int(match.group(1)), int(match.group(2)), fix, scan)

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
        scanning = ", scanning for new AI settings (--scan)" if self.scan else ""
        return f"{when}, {'turning off what is on (--fix)' if self.fix else 'checking only'}{scanning}"


def scheduled_command(schedule: Schedule, home: Path, python: str) -> list[str]:
    command = [python, "-m", "optout", "scheduled", "--home", str(home), "--jitter", str(JITTER_SECONDS)]
    return command + (["--fix"] if schedule.fix else []) + (["--scan"] if schedule.scan else [])


def default_python() -> str:
    """This interpreter; on Windows its window-less twin, so a run does not flash a console."""
    python = Path(sys.executable)
    windowless = python.with_name("pythonw.exe")
    return str(windowless if sys.platform == "win32" and windowless.exists() else python)


# -- the schedulers -------------------------------------------------------------------------


def pick_scheduler(requested: str | None = None, system: str = sys.platform) -> str:
    """The name of the scheduler asked for, if this system has it; else of the native one.
    ValueError for one this system does not have."""
    from optout import schedulers

    return schedulers.pick(requested, system).name


def scheduler_says(scheduler: str) -> str:
    """What the scheduler itself reports (next run, or whether the entry is there)."""
    from optout import schedulers

    return schedulers.get(scheduler).says()


def scheduler_caveats(scheduler: str) -> list[Caveat]:
    """What keeps the scheduler from running an installed entry on this machine (empty: nothing known)."""
    from optout import schedulers

    return schedulers.get(scheduler).caveats()


def replace(schedule: Schedule, scheduler: str, webhook: str | None = None) -> Installed:
    """Install the schedule with this scheduler in place of any installed before (with this one or
    another), remember it, and the webhook alerts go to when one is given. An install that fails
    removes what it had written: a half-installed schedule would run nothing, or run unseen."""
    from optout import schedulers

    previous = load_installed()
    if previous and previous.scheduler != scheduler:
        schedulers.get(previous.scheduler).uninstall()
    command = scheduled_command(schedule, optout_home().resolve(), default_python())
    chosen = schedulers.get(scheduler)
    try:
        entries = chosen.install(schedule, command)
    except (ScheduleError, OSError) as exc:
        if previous:
            forget_installed()  # replaced or removed above: nothing of it runs any more
        reason = str(exc) if isinstance(exc, ScheduleError) else f"{exc.filename}: {exc.strerror}"
        raise ScheduleError(f"The {scheduler} schedule could not be installed ({reason}). "
                            f"{remove_after_failure(chosen)}") from None
    installed = Installed(schedule, scheduler, entries, utc_now())
    save_installed(installed)
    if webhook:
        alerts.save_webhook(webhook)
    return installed


def remove_after_failure(scheduler: Scheduler) -> str:
    """Undo a failed install; what the person is told about what is left."""
    try:
        scheduler.uninstall()
    except (ScheduleError, OSError):
        return "Nothing is scheduled; `optout schedule remove` removes what the install had written."
    return "What it had written is removed: nothing is scheduled."


@dataclass(frozen=True)
class Removed:
    installed: Installed | None  # the schedule schedule.json recorded (None: none was)
    leftovers: list[str]  # entries of optout's found in this system's schedulers besides it, now removed


def remove() -> Removed:
    """Remove the installed schedule and the webhook saved with it, and any entry of optout's left in
    this system's schedulers without a record (a failed install, a schedule.json moved aside)."""
    from optout import schedulers

    installed = load_installed()
    if installed is not None:
        schedulers.get(installed.scheduler).uninstall()
    leftovers = []
    for scheduler in schedulers.of_system():
        found = scheduler.entries()
        if found:
            scheduler.uninstall()
            leftovers += found
    if installed is not None:
        forget_installed()
        alerts.save_webhook(None)
    return Removed(installed, leftovers)


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
    schedule = Schedule.parse(plan["every"], f"{plan['hour']:02d}:{plan['minute']:02d}", plan["fix"],
                              plan.get("scan", False))
    entries = data["entries"]
    from optout.schedulers import NAMES

    if data["scheduler"] not in NAMES or not isinstance(plan["fix"], bool) or not isinstance(schedule.scan, bool) \
            or not isinstance(entries, list) \
            or not all(isinstance(entry, str) for entry in entries) or not isinstance(data["installed_at"], str):
        raise ValueError("not a saved schedule")
    return Installed(schedule, data["scheduler"], entries, data["installed_at"])


def forget_installed() -> None:
    state_file().unlink(missing_ok=True)
