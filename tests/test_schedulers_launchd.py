"""The launchd agent's property list: it round-trips and has the keys launchd needs."""

from __future__ import annotations

import plistlib

import pytest

from optout.schedulers import launchd
from tests.test_schedule import PLANS, command


@pytest.mark.parametrize("name", PLANS)
def test_launchd_plist_round_trips_with_the_keys_launchd_needs(name):
    plan = PLANS[name]
    data = plistlib.loads(launchd.render(plan, command(plan)))
    assert plistlib.loads(plistlib.dumps(data)) == data
    assert data["Label"] == launchd.LABEL
    assert data["ProgramArguments"] == command(plan)
    assert all(isinstance(arg, str) for arg in data["ProgramArguments"])
    weekday = {"Weekday": 1} if plan.weekly else {}
    assert data["StartCalendarInterval"] == [{**weekday, "Hour": hour, "Minute": plan.minute} for hour in plan.hours]
    assert data["RunAtLoad"] is False
