"""A Windows Task Scheduler task, defined by an XML file given to `schtasks /Create /XML`."""

from __future__ import annotations

import subprocess
from pathlib import Path
from xml.sax.saxutils import escape

from optout.home import private_dir
from optout.schedule import NAME, RUN_LIMIT_MINUTES, Schedule
from optout.schedulers.base import Scheduler, run_tool, tool_says

TASK_NAMESPACE = "http://schemas.microsoft.com/windows/2004/02/mit/task"


class TaskScheduler(Scheduler):
    name = "schtasks"

    def entries(self) -> list[str]:
        return [str(task_file())] if task_file().exists() else []

    def install(self, schedule: Schedule, command: list[str]) -> list[str]:
        path = task_file()
        path.write_bytes(render(schedule, command))
        run_tool("schtasks", "/Create", "/TN", NAME, "/XML", str(path), "/F")
        return [str(path), f"Task Scheduler: {NAME}"]

    def uninstall(self) -> None:
        run_tool("schtasks", "/Delete", "/TN", NAME, "/F", check=False)
        task_file().unlink(missing_ok=True)

    def says(self) -> str:
        return tool_says("schtasks", "/Query", "/TN", NAME, "/FO", "LIST")


def task_file() -> Path:
    return private_dir("schedule") / f"{NAME}-task.xml"


def render(schedule: Schedule, command: list[str]) -> bytes:
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
