"""Every check and apply, kept in a local SQLite database under OPTOUT_HOME.

A run is written in two transactions: one opens it (so a run that never finishes still shows),
one closes it with all its results. A run killed at any moment therefore loses at most itself;
WAL keeps readers (`optout status` while a scheduled run works) from waiting on the writer.
The schema version is SQLite's `user_version`; MIGRATIONS upgrade older files in order.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Sequence

from optout.errors import OptoutError
from optout.home import PRIVATE_FILE_MODE, private_dir
from optout.results import Finding, Result, ScanReport, State, exit_code_for, utc_now

BUSY_TIMEOUT_SECONDS = 10  # how long a writer waits for another one (WAL readers never wait)
NEARLY_FULL_BYTES = 1 << 20  # less free space than this on the database's disk counts as full

# One entry per schema version, applied in order; never edit a released one, append a new one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        ended_at TEXT,  -- NULL: still running, or killed before it finished
        trigger TEXT NOT NULL CHECK (trigger IN ('manual', 'schedule', 'ci')),
        command TEXT NOT NULL,  -- check | apply | dry-run
        exit_code INTEGER
    );
    CREATE TABLE results (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        platform TEXT NOT NULL,
        setting TEXT NOT NULL,
        item TEXT,
        title TEXT NOT NULL,
        state TEXT NOT NULL,
        changed INTEGER NOT NULL,
        detail TEXT NOT NULL,
        checked_at TEXT NOT NULL,
        flow_schema INTEGER,
        flow_sha256 TEXT,
        evidence TEXT,
        evidence_before TEXT
    );
    CREATE INDEX results_by_target ON results (platform, setting, item, run_id);
    """,
    """
    -- NULL: the run read the real sites; else the origin map it went through ("host=address:port, ...")
    ALTER TABLE runs ADD COLUMN origin_map TEXT;
    -- A run with --scan: each platform it scanned, and what it found there (AI controls no flow covers).
    CREATE TABLE scans (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        platform TEXT NOT NULL
    );
    CREATE TABLE findings (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        platform TEXT NOT NULL,
        url TEXT NOT NULL,
        role TEXT NOT NULL,
        name TEXT NOT NULL,
        context TEXT NOT NULL,
        state TEXT,
        evidence TEXT,
        found_at TEXT NOT NULL
    );
    """,
]


class HistoryError(OptoutError):
    """The history database cannot be used: from a newer optout, damaged, or on a disk that
    fails (full, read-only, I/O errors). The message says which, and what to do."""


# SQLite's own error names (sqlite3 exceptions carry them): what went wrong, in the person's terms.
DAMAGED = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
CANNOT_OPEN = ("it cannot be opened", "Check that it is a file you may write, in a directory you may write.")
BUSY = ("another process holds it", "Try again when that process has finished.")
STORAGE = {  # error name prefix: (what is wrong, what to do)
    "SQLITE_FULL": ("the disk is full", "Free some space."),
    "SQLITE_READONLY": ("it, its directory or its disk is read-only", "Make them writable."),
    "SQLITE_IOERR": ("the disk failed to read or write it", "Check the disk, and that it has space left."),
    "SQLITE_CANTOPEN": CANNOT_OPEN, "SQLITE_PERM": CANNOT_OPEN, "SQLITE_BUSY": BUSY, "SQLITE_LOCKED": BUSY,
}
# sqlite3 errors that are mistakes in optout's own SQL or values: bugs, never the file's fault.
BUGS = (sqlite3.ProgrammingError, sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.NotSupportedError,
        sqlite3.DataError)


@dataclass(frozen=True)
class Run:
    id: int
    started_at: str
    ended_at: str | None
    trigger: str
    command: str
    exit_code: int | None
    origin_map: str | None = None  # "host=address:port, ...": pages came from replicas, not the real sites

    @property
    def finished(self) -> bool:
        return self.ended_at is not None


@dataclass(frozen=True)
class Row:
    """One recorded result of a finished run."""

    run_id: int
    platform: str
    setting: str
    item: str | None
    title: str
    state: State
    changed: bool
    detail: str
    checked_at: str
    flow_schema: int | None = None
    flow_sha256: str | None = None
    evidence: str | None = None
    evidence_before: str | None = None
    origin_map: str | None = None  # of the run: "host=address:port, ..." when it read replicas

    @property
    def target(self) -> str:
        base = f"{self.platform}/{self.setting}"
        return f"{base}[{self.item}]" if self.item else base

    def to_json(self) -> dict:
        return {**asdict(self), "target": self.target, "state": self.state.value}


@dataclass(frozen=True)
class FlowVersion:
    schema: int
    sha256: str


def database_path() -> Path:
    return private_dir() / "history.sqlite"


def migrate(db: sqlite3.Connection, migrations: Sequence[str] = MIGRATIONS) -> None:
    """Bring the file up to the newest schema, one version per transaction."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(migrations):
        raise HistoryError(f"The history database is from a newer optout (schema {version}; this one knows "
                           f"up to {len(migrations)}). Upgrade optout to read it.")
    for number, script in enumerate(migrations[version:], start=version + 1):
        with transaction(db):
            for statement in split_statements(script):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number}")


def split_statements(script: str) -> list[str]:
    """executescript() would commit on its own; statements run one by one stay in our transaction."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return [s for s in statements if s]


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if db.in_transaction:  # after some errors (a full disk) SQLite has already rolled back
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


@contextmanager
def connect(migrations: Sequence[str] = MIGRATIONS) -> Iterator[sqlite3.Connection]:
    """The migrated database. Whatever the file or its disk does wrong, while opening or in the
    caller's statements, comes out as one HistoryError."""
    path = database_path()
    try:
        if not path.exists():  # created 0600 before SQLite opens it; its -wal and -shm files copy the mode
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE))
        with closing(sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)) as db:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA foreign_keys = ON")
            migrate(db, migrations)
            yield db
    except BUGS:
        raise
    except (sqlite3.DatabaseError, OSError) as exc:
        raise unusable(path, exc) from None


def disk_nearly_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def unusable(path: Path, exc: sqlite3.DatabaseError | OSError) -> HistoryError:
    """Tell a damaged file (move it aside) from a disk that fails (free space, fix permissions)."""
    if isinstance(exc, OSError):  # creating the file failed
        return HistoryError(f"The history database {path} cannot be created: {exc.strerror}.")
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name in DAMAGED or str(exc) in ("database disk image is malformed", "file is not a database"):
        return HistoryError(f"The history database {path} is damaged ({exc}). Move it aside (mv {path} "
                            f"{path}.damaged) and optout starts a new history.")
    if name.startswith("SQLITE_IOERR") and disk_nearly_full(path):
        name = "SQLITE_FULL"  # a full disk often shows as an I/O error (the WAL index cannot grow)
    why, todo = next((text for prefix, text in STORAGE.items() if name.startswith(prefix)), CANNOT_OPEN)
    return HistoryError(f"The history database {path} cannot be used: {why} ({exc}). {todo}")


def start_run(trigger: str, command: str, origin_map: str | None = None) -> int:
    """Open a run (its own transaction), so even a run that never finishes is on record. `origin_map`:
    the map the run goes through ("host=address:port, ..."), so its results are never taken for the real sites'."""
    with connect() as db, transaction(db):
        cursor = db.execute("INSERT INTO runs (started_at, trigger, command, origin_map) VALUES (?, ?, ?, ?)",
                            (utc_now(), trigger, command, origin_map))
        assert cursor.lastrowid is not None  # an INSERT into a rowid table always sets it
        return cursor.lastrowid


def finish_run(run_id: int, results: list[Result], flows: dict[str, FlowVersion], exit_code: int | None = None,
               scan: ScanReport | None = None) -> None:
    """Close a run with every result (and what its scan found), all in one transaction: all of it
    is kept, or none. A run that ended by an error has no results and the exit code the error gave."""
    rows = [(run_id, r.platform, r.setting, r.item, r.title, r.state.value, int(r.changed), r.detail, r.checked_at,
             flows[r.platform].schema if r.platform in flows else None,
             flows[r.platform].sha256 if r.platform in flows else None,
             r.evidence, r.evidence_before) for r in results]
    with connect() as db, transaction(db):
        db.executemany(
            "INSERT INTO results (run_id, platform, setting, item, title, state, changed, detail, checked_at, "
            "flow_schema, flow_sha256, evidence, evidence_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        if scan is not None:
            db.executemany("INSERT INTO scans (run_id, platform) VALUES (?, ?)",
                           [(run_id, platform) for platform in scan.platforms])
            db.executemany("INSERT INTO findings (run_id, platform, url, role, name, context, state, evidence, "
                           "found_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [(run_id, f.platform, f.url, f.role, f.name, f.context, f.state, f.evidence, utc_now())
                            for f in scan.findings])
        db.execute("UPDATE runs SET ended_at = ?, exit_code = ? WHERE id = ?",
                   (utc_now(), int(exit_code_for(results) if exit_code is None else exit_code), run_id))


def runs(*, since: str | None = None) -> list[Run]:
    with connect() as db:
        found = db.execute("SELECT id, started_at, ended_at, trigger, command, exit_code, origin_map FROM runs "
                           "WHERE started_at >= ? ORDER BY id", (since or "",)).fetchall()
    return [Run(*values) for values in found]


def rows(*, platform: str | None = None, since: str | None = None, before_run: int | None = None,
         run_id: int | None = None) -> list[Row]:
    """Results of finished runs, oldest first: all, one platform's, from a time, before a run, or one run's."""
    clauses, values = ["runs.ended_at IS NOT NULL"], []
    for clause, value in (("r.platform = ?", platform), ("runs.started_at >= ?", since),
                          ("r.run_id < ?", before_run), ("r.run_id = ?", run_id)):
        if value is not None:
            clauses.append(clause)
            values.append(value)
    query = ("SELECT r.run_id, r.platform, r.setting, r.item, r.title, r.state, r.changed, r.detail, r.checked_at, "
             "r.flow_schema, r.flow_sha256, r.evidence, r.evidence_before, runs.origin_map "
             "FROM results r JOIN runs ON runs.id = r.run_id "
             f"WHERE {' AND '.join(clauses)} ORDER BY r.run_id, r.id")
    with connect() as db:
        found = db.execute(query, values).fetchall()
    return [Row(run, platform_, setting, item, title, State(state), bool(changed), *rest)
            for run, platform_, setting, item, title, state, changed, *rest in found]


@dataclass(frozen=True)
class FoundRow:
    """A finding of a finished run's scan."""

    run_id: int
    found_at: str
    finding: Finding


def findings(*, run_id: int | None = None, before_run: int | None = None) -> list[FoundRow]:
    """Findings of finished runs, oldest first: all, one run's, or those before a run."""
    clauses, values = ["runs.ended_at IS NOT NULL"], []
    for clause, value in (("f.run_id = ?", run_id), ("f.run_id < ?", before_run)):
        if value is not None:
            clauses.append(clause)
            values.append(value)
    query = ("SELECT f.run_id, f.found_at, f.platform, f.url, f.role, f.name, f.context, f.state, f.evidence "
             f"FROM findings f JOIN runs ON runs.id = f.run_id WHERE {' AND '.join(clauses)} ORDER BY f.run_id, f.id")
    with connect() as db:
        found = db.execute(query, values).fetchall()
    return [FoundRow(run, found_at, Finding(*rest)) for run, found_at, *rest in found]


def current_findings() -> list[FoundRow]:
    """What each platform's latest scan found: shown until a scan no longer finds it (a flow covers
    it now, or the control is gone)."""
    with connect() as db:
        latest = dict(db.execute("SELECT s.platform, MAX(s.run_id) FROM scans s JOIN runs ON runs.id = s.run_id "
                                 "WHERE runs.ended_at IS NOT NULL GROUP BY s.platform").fetchall())
    return [row for row in findings() if latest.get(row.finding.platform) == row.run_id]


@dataclass(frozen=True)
class RunRecord:
    """A run as `optout history` shows it, with its results."""

    run: Run
    results: list[Row]  # only the platform's, in a log of one platform
    had_results: bool  # False: it ended by an error before any setting was read (a browser that would not start)

    def to_json(self) -> dict:
        return {**asdict(self.run), "finished": self.run.finished, "results": [r.to_json() for r in self.results]}


def run_log(*, platform: str | None = None, since: str | None = None) -> list[RunRecord]:
    """Every run from `since` on, oldest first, with its results. Of one platform: the runs that
    read it, and those that did not finish or ended without results (they may have been meant to)."""
    found = rows(platform=platform, since=since)
    with_results = {row.run_id for row in (rows(since=since) if platform else found)}
    return [RunRecord(run, [row for row in found if row.run_id == run.id], run.id in with_results)
            for run in runs(since=since)
            if not run.finished or run.id not in with_results or any(row.run_id == run.id for row in found)]


def last_lines(records: list[RunRecord], limit: int) -> list[RunRecord]:
    """The records as far back as the last `limit` lines of a log (a result, or a run without
    any, is one line); limit 0 keeps everything."""
    kept: list[RunRecord] = []
    room = limit or sum(max(len(record.results), 1) for record in records)
    for record in reversed(records):
        if room <= 0:
            break
        results = record.results[-room:] if record.results else []
        kept.append(replace(record, results=results))
        room -= max(len(results), 1)
    return kept[::-1]


def readable_time(stored: str | None) -> str:
    """A stored UTC time as people read it: 2025-01-31 08:00:00 UTC."""
    return stored.replace("T", " ").replace("+00:00", " UTC") if stored else ""


def parse_since(text: str) -> str:
    """A date or date-time (local time unless it says otherwise) as the UTC text stored in the database."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--since {text!r}: expected a date such as 2025-01-31 or a time such as "
                         "2025-01-31T08:00") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # the person's local time
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class TargetStatus:
    """What the history says about one setting now."""

    latest: Row  # the newest result, whatever its state
    verified: Row | None  # the newest result that read the control (opted_out, opted_in, not_offered)
    opted_out_since: str | None  # the start of the current run of opted-out readings

    def to_json(self) -> dict:
        latest = self.latest
        return {"target": latest.target, "platform": latest.platform, "setting": latest.setting, "item": latest.item,
                "title": latest.title, "state": latest.state.value, "detail": latest.detail,
                "last_checked": latest.checked_at,
                "verified_state": self.verified.state.value if self.verified else None,
                "last_verified": self.verified.checked_at if self.verified else None,
                "opted_out_since": self.opted_out_since}


def by_target(found: list[Row]) -> dict[str, list[Row]]:
    """Rows grouped per setting (per item), each group oldest first, in order of first appearance."""
    grouped: dict[str, list[Row]] = {}
    for row in found:
        grouped.setdefault(row.target, []).append(row)
    return grouped


def statuses(found: list[Row]) -> list[TargetStatus]:
    summary = []
    for rows_of_target in by_target(found).values():
        readings = [row for row in rows_of_target if row.state.determined]
        since = None
        for row in reversed(readings):
            if row.state != State.OPTED_OUT:
                break
            since = row.checked_at
        summary.append(TargetStatus(rows_of_target[-1], readings[-1] if readings else None, since))
    return summary
