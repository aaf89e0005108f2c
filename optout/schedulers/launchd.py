"""A launchd agent (macOS): a property list in ~/Library/LaunchAgents, loaded into the GUI domain."""

from __future__ import annotations

import os
import plistlib
from pathlib import Path

from optout.schedule import Schedule
from optout.schedulers.base import Scheduler, run_tool, tool_says

LABEL = "org.optout.scheduled"


class Launchd(Scheduler):
    name = "launchd"

    def entries(self) -> list[str]:
        return [str(agent_file())] if agent_file().exists() else []

    def install(self, schedule: Schedule, command: list[str]) -> list[str]:
        path = agent_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render(schedule, command))
        run_tool("launchctl", "bootout", service(), check=False)  # bootstrap refuses a label already loaded
        run_tool("launchctl", "bootstrap", domain(), str(path))
        return [str(path)]

    def uninstall(self) -> None:
        run_tool("launchctl", "bootout", service(), check=False)
        agent_file().unlink(missing_ok=True)

    def says(self) -> str:
        return tool_says("launchctl", "print", service())


def domain() -> str:
    return f"gui/{os.getuid()}"


def service() -> str:
    return f"{domain()}/{LABEL}"


def agent_file() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{LABEL}.plist"


def render(schedule: Schedule, command: list[str]) -> bytes:
    weekday = {"Weekday": 1} if schedule.weekly else {}
    return plistlib.dumps({
        "Label": LABEL,
        "ProgramArguments": command,
        "StartCalendarInterval": [{**weekday, "Hour": hour, "Minute": schedule.minute} for hour in schedule.hours],
        "ProcessType": "Background",
        "RunAtLoad": False,
        # Everything goes to the rotating log under OPTOUT_HOME; these files would only grow.
        "StandardOutPath": os.devnull,
        "StandardErrorPath": os.devnull,
    })
