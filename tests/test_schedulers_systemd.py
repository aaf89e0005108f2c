"""The systemd user timer and service: checked by systemd's own tools (systemd-analyze verify and
calendar), quoted so odd home paths stay literal, with a time limit on a hung run."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from optout.schedulers import systemd
from tests.test_schedule import PLANS, command


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze (Debian: systemd)")
@pytest.mark.parametrize("name", PLANS)
def test_systemd_units_pass_systemd_analyze_verify(tmp_path, name):
    plan = PLANS[name]
    for file_name, text in systemd.render(plan, command(plan)).items():
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
    service = systemd.render(PLANS["daily"], command(PLANS["daily"]))["optout.service"]
    assert '--home "/tmp/optout test/100%% home$$x"' in service


def test_a_hung_run_is_stopped_by_systemd():
    service = systemd.render(PLANS["daily"], command(PLANS["daily"]))["optout.service"]
    assert "TimeoutStartSec=45min" in service.splitlines()
