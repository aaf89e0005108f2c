"""What every scheduler does, and the one way they call the OS's tools.

A scheduler module renders its own file with a pure function (testable on any OS) and installs
it by writing that file and telling the scheduler. It never decides what runs: it is handed the
command (`optout scheduled …`) and the Schedule to run it on.
"""

from __future__ import annotations

import subprocess
from abc import ABC, abstractmethod
from dataclasses import dataclass

from optout.schedule import Schedule, ScheduleError

SAYS_LINES = 12  # what a scheduler prints about its entry can run long; status shows the start


@dataclass(frozen=True)
class Caveat:
    """Why an installed entry would not run (or not always), and what to do about it."""

    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.problem}. {self.fix}."


class Scheduler(ABC):
    name: str  # as the user types it (--scheduler) and as schedule.json records it

    def available(self) -> bool:
        """Whether this machine has it; only asked when choosing among several (Linux)."""
        return True

    def caveats(self) -> list[Caveat]:
        """What keeps this machine's scheduler from running the entry (empty: nothing known)."""
        return []

    @abstractmethod
    def entries(self) -> list[str]:
        """optout's files or entries this scheduler holds now, whoever wrote them: what uninstall removes."""

    @abstractmethod
    def install(self, schedule: Schedule, command: list[str]) -> list[str]:
        """Install (or replace) the entry; returns the files or entries written."""

    @abstractmethod
    def uninstall(self) -> None:
        """Remove the entry; nothing to remove is not an error."""

    @abstractmethod
    def says(self) -> str:
        """What the scheduler itself reports (next run, or whether the entry is there)."""


def run_tool(*command: str, input: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    try:
        completed = subprocess.run(command, input=input, capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise ScheduleError(f"{command[0]} is not installed.") from None
    if check and completed.returncode != 0:
        reason = completed.stderr.strip() or completed.stdout.strip() or f"exit status {completed.returncode}"
        raise ScheduleError(f"`{' '.join(command[:3])}` failed: {reason}")
    return completed


def tool_says(*command: str) -> str:
    """The start of what a scheduler's own tool prints about the entry, errors included."""
    completed = run_tool(*command, check=False)
    text = (completed.stdout or completed.stderr).strip()
    return "\n".join(text.splitlines()[:SAYS_LINES])
