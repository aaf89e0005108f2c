"""The history database: schema versions, two transactions per run, summaries, a writer killed
at random moments that never leaves a half-written run behind, and a damaged file or a failing
disk told apart, without ever costing a run its results or its lock."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time

import pytest

from optout import history
from optout.driver import BrowserUnavailable
from optout.history import MIGRATIONS, FlowVersion, HistoryError
from optout.lock import run_lock
from optout.results import Result, State
from optout.runner import Runner
from tests.fakes import ADVICE_FLOW, damage_after_first_page, file_of_text

FLOW = {"linkedin": FlowVersion(1, "a" * 64)}


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTOUT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def result(state: State, *, setting: str = "generative-ai", changed: bool = False, at: str = "2025-01-01T00:00:00+00:00",
           evidence: str | None = None, **extra) -> Result:
    return Result("linkedin", setting, "Data for Generative AI Improvement", state, f"{state.value} detail",
                  changed=changed, checked_at=at, evidence=evidence, **extra)


def record(*results: Result, trigger: str = "manual", command: str = "check") -> int:
    run_id = history.start_run(trigger, command)
    history.finish_run(run_id, list(results), FLOW)
    return run_id


def test_a_new_database_has_the_newest_schema_and_is_private(home):
    record(result(State.OPTED_IN))
    path = home / "history.sqlite"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_older_database_migrates_forward_and_keeps_its_runs(home):
    history.database_path()  # creates the home
    with history.connect(migrations=MIGRATIONS[:1]) as db:
        db.execute("INSERT INTO runs (started_at, ended_at, trigger, command, exit_code) "
                   "VALUES ('2025-01-01T00:00:00+00:00', '2025-01-01T00:01:00+00:00', 'manual', 'check', 0)")
    added = "ALTER TABLE runs ADD COLUMN note TEXT;\nUPDATE runs SET note = 'migrated';"
    with history.connect(migrations=[*MIGRATIONS, added]) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1
        assert db.execute("SELECT command, note FROM runs").fetchall() == [("check", "migrated")]


def test_a_database_from_before_origin_maps_were_recorded_still_opens(home, optout_cli):
    history.database_path()  # creates the home
    with history.connect(migrations=MIGRATIONS[:1]) as db:
        db.execute("INSERT INTO runs (started_at, ended_at, trigger, command, exit_code) "
                   "VALUES ('2025-01-01T00:00:00+00:00', '2025-01-01T00:01:00+00:00', 'manual', 'check', 0)")
        db.execute("INSERT INTO results (run_id, platform, setting, title, state, changed, detail, checked_at) "
                   "VALUES (1, 'linkedin', 'generative-ai', 'Data for AI', 'opted_out', 0, 'Off.', "
                   "'2025-01-01T00:00:30+00:00')")
    code, out, err = optout_cli("history", "--json")
    assert (code, err) == (0, "")
    [run] = json.loads(out)["runs"]
    assert (run["command"], run["origin_map"], run["results"][0]["state"], run["results"][0]["origin_map"]) == (
        "check", None, "opted_out", None)
    with history.connect() as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_a_database_from_a_newer_optout_is_refused(home):
    history.database_path()
    with history.connect() as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(HistoryError) as raised:
        history.runs()
    assert str(raised.value) == (f"The history database is from a newer optout (schema {len(MIGRATIONS) + 1}; "
                                 f"this one knows up to {len(MIGRATIONS)}). Upgrade optout to read it.")


@pytest.mark.parametrize("damage, reason", [(damage_after_first_page, "database disk image is malformed"),
                                            (file_of_text, "file is not a database")])
def test_a_damaged_database_is_named_with_what_to_do(home, damage, reason):
    for n in range(20):
        record(result(State.OPTED_OUT, setting=f"s{n}"))
    path = home / "history.sqlite"
    damage(path)
    for use in (history.rows, history.runs, lambda: history.start_run("manual", "check")):
        with pytest.raises(HistoryError) as raised:
            use()
        assert str(raised.value) == (f"The history database {path} is damaged ({reason}). Move it aside "
                                     f"(mv {path} {path}.damaged) and optout starts a new history.")


def limited(patch, pragma: str) -> None:
    """Connections that SQLite itself refuses to let grow (`max_page_count`: its full disk) or
    write (`mode=ro`): the errors a full or read-only disk gives, on any machine, without root."""
    real = sqlite3.connect

    def connect(path, **kwargs):
        if pragma == "read-only":
            return real(f"file:{path}?mode=ro", uri=True, **kwargs)
        db = real(path, **kwargs)
        db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
        return db

    patch.setattr(history.sqlite3, "connect", connect)


@pytest.mark.parametrize("pragma, message", [
    ("full", "the disk is full (database or disk is full). Free some space."),
    ("read-only", "it, its directory or its disk is read-only (attempt to write a readonly database). "
                  "Make them writable."),
])
def test_a_full_or_read_only_disk_is_told_apart_from_damage(home, monkeypatch, pragma, message):
    record(result(State.OPTED_OUT))
    with monkeypatch.context() as patch, pytest.raises(HistoryError) as raised:
        limited(patch, pragma)
        record(*(result(State.OPTED_OUT, setting=f"s{n}") for n in range(50)))
    assert str(raised.value) == f"The history database {home / 'history.sqlite'} cannot be used: {message}"
    assert [run.finished for run in history.runs()][0] is True  # what was there is intact


def test_a_run_is_on_record_when_it_starts_and_its_results_when_it_ends():
    done = record(result(State.OPTED_OUT, evidence="/evidence/final.png", evidence_before="/evidence/before.png",
                         changed=True), command="apply")
    open_run = history.start_run("schedule", "check")
    runs = history.runs()
    assert [(r.id, r.trigger, r.command, r.finished, r.exit_code) for r in runs] == [
        (done, "manual", "apply", True, 0), (open_run, "schedule", "check", False, None)]
    [row] = history.rows()
    assert (row.run_id, row.target, row.state, row.changed) == (done, "linkedin/generative-ai", State.OPTED_OUT, True)
    assert (row.flow_schema, row.flow_sha256) == (1, "a" * 64)
    assert (row.evidence, row.evidence_before) == ("/evidence/final.png", "/evidence/before.png")


def test_closing_a_run_keeps_all_its_results_or_none():
    run_id = history.start_run("manual", "check")
    broken = result(State.OPTED_IN, evidence=["not", "a", "path"])  # SQLite fails on it after the first row
    with pytest.raises(sqlite3.ProgrammingError):
        history.finish_run(run_id, [result(State.OPTED_OUT, setting="research"), broken], FLOW)
    with history.connect() as db:
        assert db.execute("SELECT count(*) FROM results").fetchone() == (0,)
    assert [r.finished for r in history.runs()] == [False]


def test_rows_filter_by_platform_time_and_run():
    first = record(result(State.OPTED_IN))
    history.finish_run(second := history.start_run("manual", "check"),
                       [Result("x", "training", "Grok", State.OPTED_OUT, "off")], {})
    assert [r.run_id for r in history.rows(platform="linkedin")] == [first]
    assert [r.platform for r in history.rows(run_id=second)] == ["x"]
    assert [r.run_id for r in history.rows(before_run=second)] == [first]
    assert history.rows(since="2999-01-01T00:00:00+00:00") == []


def test_status_knows_when_it_was_last_verified_and_since_when_it_is_opted_out():
    record(result(State.OPTED_IN, at="2025-01-01T00:00:00+00:00"))
    record(result(State.OPTED_OUT, changed=True, at="2025-01-02T00:00:00+00:00"))
    record(result(State.OPTED_OUT, at="2025-01-03T00:00:00+00:00"))
    record(result(State.ERROR, at="2025-01-04T00:00:00+00:00"))
    [status] = history.statuses(history.rows())
    assert status.to_json() == {
        "target": "linkedin/generative-ai", "platform": "linkedin", "setting": "generative-ai", "item": None,
        "title": "Data for Generative AI Improvement", "state": "error", "detail": "error detail",
        "last_checked": "2025-01-04T00:00:00+00:00", "verified_state": "opted_out",
        "last_verified": "2025-01-03T00:00:00+00:00", "opted_out_since": "2025-01-02T00:00:00+00:00"}


def test_since_takes_dates_in_local_time(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        assert history.parse_since("2025-01-31") == "2025-01-30T23:00:00+00:00"
        assert history.parse_since("2025-01-31T08:00+00:00") == "2025-01-31T08:00:00+00:00"
    finally:
        monkeypatch.undo()
        time.tzset()
    with pytest.raises(ValueError) as raised:
        history.parse_since("last week")
    assert str(raised.value) == "--since 'last week': expected a date such as 2025-01-31 or a time such as 2025-01-31T08:00"


WRITER = """
import sys
from optout import history
from optout.results import Result, State
flows = {"linkedin": history.FlowVersion(1, "b" * 64)}
print("ready", flush=True)
while True:
    run_id = history.start_run("schedule", "check")
    history.finish_run(run_id, [Result("linkedin", f"s{i}", "t", State.OPTED_OUT, "d" * 500) for i in range(200)], flows)
"""


@pytest.mark.parametrize("delay", [0.4, 0.9, 1.3])
def test_a_writer_killed_at_any_moment_leaves_whole_runs(home, delay):
    writer = subprocess.Popen([sys.executable, "-c", WRITER], env={**os.environ, "OPTOUT_HOME": str(home)},
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline() == "ready\n"
    time.sleep(delay)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    writer.stdout.close()
    with history.connect() as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finished = [run.id for run in history.runs() if run.finished]
    assert finished, "the writer finished some runs before it was killed"
    per_run = {run_id: 0 for run_id in finished}
    for row in history.rows():
        per_run[row.run_id] += 1
    assert set(per_run.values()) == {200}
    assert all(not run.finished for run in history.runs() if run.id not in per_run)




@pytest.fixture
def example(tmp_path):
    """A run that needs no browser: a platform whose only setting is advice."""
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "example.yaml").write_text(ADVICE_FLOW)
    return Runner([]).load(["example"], flows)


def test_a_run_whose_history_cannot_be_written_still_returns_its_results(home, example):
    record(result(State.OPTED_OUT))
    damage_after_first_page(home / "history.sqlite")
    outcome = Runner([]).run(example, apply=False)
    assert [(r.target, r.state) for r in outcome.results] == [("example/training", State.NOT_OFFERED)]
    assert "is damaged (database disk image is malformed)" in str(outcome.not_recorded)
    with run_lock():  # released
        pass


@pytest.mark.parametrize("raised, code", [(BrowserUnavailable("No browser."), 3), (KeyboardInterrupt(), 130),
                                          (RuntimeError("a bug"), 1)])
def test_a_run_that_raises_is_closed_in_the_history_and_releases_the_lock(example, monkeypatch, raised, code):
    async def fails(*args):
        raise raised

    monkeypatch.setattr(Runner, "_run", fails)
    with pytest.raises(type(raised)):
        Runner([]).run(example, apply=False)
    [run] = history.runs()
    assert (run.finished, run.exit_code) == (True, code)
    with run_lock():
        pass


def test_the_last_lines_of_a_log_keep_whole_runs_and_cut_the_oldest_one_from_its_start():
    def record(run_id: int, targets: list[str]) -> history.RunRecord:
        run = history.Run(run_id, f"2025-01-0{run_id}T08:00:00+00:00", None, "manual", "check", None)
        rows = [history.Row(run_id, "linkedin", setting, None, setting, State.OPTED_OUT, False, "",
                            run.started_at) for setting in targets]
        return history.RunRecord(run, rows, bool(rows))

    log = [record(1, ["a", "b"]), record(2, ["c", "d", "e"]), record(3, [])]  # run 3 did not finish
    kept = history.last_lines(log, 3)
    assert [(r.run.id, [row.setting for row in r.results]) for r in kept] == [(2, ["d", "e"]), (3, [])]
    assert history.last_lines(log, 0) == log
