"""`optout scheduled`: what the OS scheduler runs. Never asks anything, waits a random moment
(jitter), runs every platform that has an account, logs to a rotating file under OPTOUT_HOME,
and alerts on drift on every channel, including the desktop."""

from __future__ import annotations

import logging
import os
import random
import time
from dataclasses import dataclass, replace
from functools import partial
from logging.handlers import RotatingFileHandler

from optout import alerts
from optout.errors import OptoutError
from optout.exitcodes import ExitCode
from optout.home import PRIVATE_FILE_MODE, HomeError, private_dir
from optout.results import Result, ScanReport, exit_code_for
from optout.runner import Runner

LOG_BYTES = 1_000_000
LOG_BACKUPS = 5


class PrivateLog(RotatingFileHandler):
    """The rotating log, 0600 like every file optout keeps (it names accounts, hosts and states),
    also when rotation starts a new file and when an older optout left one readable by others."""

    def _open(self):
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
        os.fchmod(descriptor, PRIVATE_FILE_MODE)
        return open(descriptor, self.mode, encoding=self.encoding, errors=self.errors)


def open_log() -> logging.Logger:
    log = logging.getLogger("optout.scheduled")
    if not log.handlers:
        path = private_dir("logs") / "optout.log"
        try:
            handler = PrivateLog(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
        except OSError as exc:
            raise HomeError(f"Cannot write the log {path}: {exc.strerror}.") from None
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    return log


@dataclass(frozen=True)
class ScheduledRun:
    results: list[Result]
    code: ExitCode
    not_recorded: Exception | None = None  # why the results are not in the history (None: they are)
    scan: ScanReport | None = None  # what --scan found


def run_scheduled(runner: Runner, *, fix: bool, jitter: float, scan: bool = False) -> ScheduledRun:
    """Run as the schedule does; the exit code is also 1 when a --fix run turned a switched-back-on
    setting off again, so that drift is never silent."""
    log = open_log()
    shown_progress, shown_warning = runner.progress, runner.warn

    def progress(message: str) -> None:
        shown_progress(message)
        log.info(message)

    def warn(message: str) -> None:
        shown_warning(message)
        log.warning(message)

    runner = replace(runner, may_prompt=False, progress=progress, warn=warn, trigger="schedule",
                     alert=partial(alerts.send, trigger="schedule", log=warn, desktop=True))
    delay = random.uniform(0, jitter)
    if delay >= 1:
        progress(f"starting in {delay:.0f}s (jitter)")
        time.sleep(delay)
    log.info("scheduled run starts (%s)", "check and fix" if fix else "check only")
    try:
        outcome = runner.run(runner.load([]), apply=fix, scan=scan)
    except Exception as exc:
        log.error("scheduled run failed: %s", exc, exc_info=not isinstance(exc, OptoutError))
        raise
    code = ExitCode.OPTED_IN if any(d.fixed for d in outcome.drifts) else exit_code_for(outcome.results)
    for result in outcome.results:
        log.info("%s: %s%s", result.target, result.state.value, " (changed)" if result.changed else "")
    for finding in outcome.scan.findings if outcome.scan else []:
        log.info("%s: scan found %s (no flow covers it)", finding.platform, finding.describe())
    if outcome.not_recorded is not None:
        log.error("these results are not in the history: %s", outcome.not_recorded)
    log.info("scheduled run ends: exit code %d", code)
    return ScheduledRun(outcome.results, code, outcome.not_recorded, outcome.scan)
