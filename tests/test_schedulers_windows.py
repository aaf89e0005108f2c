"""The Task Scheduler XML: UTF-16, the task namespace, the elements schtasks requires, and a time
limit on a hung run."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET

import pytest

from optout.schedulers import windows
from tests.test_schedule import PLANS, PYTHON, command

T = "{" + windows.TASK_NAMESPACE + "}"


@pytest.mark.parametrize("name", PLANS)
def test_task_scheduler_xml_has_the_namespace_and_required_elements(name):
    plan = PLANS[name]
    rendered = windows.render(plan, command(plan))
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


def test_a_hung_run_is_stopped_by_task_scheduler():
    task = ET.fromstring(windows.render(PLANS["daily"], command(PLANS["daily"])))
    assert task.findtext(f"{T}Settings/{T}ExecutionTimeLimit") == "PT45M"
