"""status, history, report and schedule through the CLI, without a browser: each run is recorded
with its trigger, and none of these commands loads Playwright."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.fakes import ADVICE_FLOW


@pytest.fixture
def optout(tmp_path):
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "example.yaml").write_text(ADVICE_FLOW)
    keep = {k: v for k, v in os.environ.items() if not k.startswith("OPTOUT_") and k != "CI"}
    env = {**keep, "OPTOUT_HOME": str(tmp_path / "home"), "OPTOUT_FLOWS": str(flows), "COLUMNS": "200"}

    def run(*args: str, extra: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=60,
                              env={**env, **(extra or {})}, stdin=subprocess.DEVNULL)

    return run


def test_runs_are_recorded_with_their_trigger_and_shown(optout):
    assert optout("-m", "optout", "check", "example").returncode == 0
    assert optout("-m", "optout", "check", "example", extra={"CI": "true"}).returncode == 0
    history = json.loads(optout("-m", "optout", "history", "--json").stdout)
    assert [(run["id"], run["trigger"], run["command"], run["exit_code"], run["finished"])
            for run in history["runs"]] == [(1, "manual", "check", 0, True), (2, "ci", "check", 0, True)]
    [result] = history["runs"][0]["results"]
    assert (result["target"], result["state"], result["flow_schema"]) == ("example/training", "not_offered", 1)

    assert optout("-m", "optout", "check", "Example").returncode == 0
    runs = json.loads(optout("-m", "optout", "history", "--json", "--limit", "2").stdout)["runs"]
    started = [run["started_at"].replace("T", " ").replace("+00:00", " UTC") for run in runs]
    lines = optout("-m", "optout", "history", "example", "--limit", "2", extra={"COLUMNS": "80"}).stdout.splitlines()
    assert lines == ["when                     run          setting           state        changed",
                     f"{started[0]}  #2 ci check  example/training  not_offered",
                     f"{started[1]}  #3 check     example/training  not_offered",
                     "The last 2 results of 3; --limit 0 shows all."]
    assert json.loads(optout("-m", "optout", "history", "--since", "2999-01-01", "--json").stdout)["runs"] == []

    status = json.loads(optout("-m", "optout", "status", "--json").stdout)
    assert [(s["target"], s["state"], s["verified_state"]) for s in status["settings"]] == [
        ("example/training", "not_offered", "not_offered")]
    assert optout("-m", "optout", "status", extra={"COLUMNS": "80"}).stdout.splitlines() == [
        "setting           state        last verified",
        f"example/training  not_offered  {started[1]}",  # a date is never cut
        "    Example has no setting for this; delete what you do not want used."]


def test_history_and_report_usage_errors(optout, tmp_path):
    unknown = optout("-m", "optout", "history", "exampel")
    assert (unknown.returncode, unknown.stderr) == (2, "error: Unknown platform 'exampel'. Did you mean example?\n")
    since = optout("-m", "optout", "history", "--since", "yesterday")
    assert (since.returncode, since.stderr) == (
        2, "error: --since 'yesterday': expected a date such as 2025-01-31 or a time such as 2025-01-31T08:00\n")
    report = optout("-m", "optout", "report", "--html", str(tmp_path / "missing" / "r.html"))
    assert (report.returncode, report.stderr) == (
        2, f"error: Cannot write {tmp_path / 'missing' / 'r.html'}: No such file or directory.\n")


@pytest.mark.parametrize("args", [["status"], ["history", "--json"], ["report", "--html", "{tmp}/r.html"],
                                  ["schedule", "status"]])
def test_commands_that_need_no_browser_never_load_playwright(optout, tmp_path, args):
    optout("-m", "optout", "check", "example")
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    imported = imports_of(optout, args)
    assert "optout.history" in imported
    assert not [name for name in imported if name.startswith("playwright")]


def test_a_run_with_nothing_to_sign_in_to_loads_no_browser_keyring_or_cryptography(optout):
    imported = imports_of(optout, ["check", "example"])
    assert "optout.runner" in imported
    assert not [name for name in imported if name.split(".")[0] in ("playwright", "keyring", "cryptography")]


def imports_of(optout, args: list[str]) -> list[str]:
    """The modules `optout ARGS` imports, from Python's -X importtime."""
    completed = optout("-X", "importtime", "-m", "optout", *args)
    assert completed.returncode == 0, completed.stderr
    return [line.rsplit("|", 1)[-1].strip() for line in completed.stderr.splitlines() if "import time:" in line]


def test_a_run_through_an_origin_map_is_recorded_and_the_report_says_so_first(optout, tmp_path):
    mapped = optout("-m", "optout", "check", "example", "--origin-map", "www.example.com=127.0.0.1:8443")
    assert mapped.returncode == 0, mapped.stderr
    assert optout("-m", "optout", "check", "example").returncode == 0
    runs = json.loads(optout("-m", "optout", "history", "--json").stdout)["runs"]
    assert [run["origin_map"] for run in runs] == ["www.example.com=127.0.0.1:8443", None]
    assert [row["origin_map"] for run in runs for row in run["results"]] == ["www.example.com=127.0.0.1:8443", None]

    assert optout("-m", "optout", "report", "--html", str(tmp_path / "r.html")).returncode == 0
    page = (tmp_path / "r.html").read_text()
    notice = ('<p class="replica"><strong>Made against a replica, not the real sites.</strong> 1 of 2 runs went '
              "through an origin map (www.example.com → 127.0.0.1:8443): their pages came from those addresses, so "
              "their results are no evidence about the real sites.</p>")
    assert notice in page and page.index(notice) < page.index("<table")
