"""One run at a time per OPTOUT_HOME; the lock is released however a run ends."""

from __future__ import annotations

import stat

import pytest

from optout.lock import RunInProgress, run_lock


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTOUT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_a_second_run_while_one_holds_the_lock_is_refused(home):
    with run_lock():
        with pytest.raises(RunInProgress, match="Another optout run is in progress"):
            with run_lock():
                pass
        assert stat.S_IMODE((home / "run.lock").stat().st_mode) == 0o600


def test_the_lock_is_released_when_a_run_fails(home):
    with pytest.raises(RuntimeError):
        with run_lock():
            raise RuntimeError("the engine failed")
    with run_lock():  # the next run is not blocked
        pass
