"""The tests' in-process CLI really shares one browser, and only when a run would launch one
exactly like it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_runs_borrow_the_sessions_browser_unless_they_launch_differently(cli, linkedin, shared_browser, tmp_path):
    cli.seed_session("linkedin", linkedin.admin("session"))
    borrowed = shared_browser.borrowed

    assert cli("check", "linkedin").returncode == 1
    assert shared_browser.borrowed == borrowed + 1
    assert cli("check", "linkedin", "--diagnostics", str(tmp_path / "bundles")).returncode == 1  # traced: its own
    assert shared_browser.borrowed == borrowed + 1
