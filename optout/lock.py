"""One optout run at a time per OPTOUT_HOME, so a scheduled run and a manual one never overlap.

An OS file lock (flock on POSIX, LockFileEx on Windows, through filelock): the system drops it
when the holder exits, even when it is killed, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from filelock import FileLock, Timeout

from optout.errors import OptoutError
from optout.home import PRIVATE_FILE_MODE, HomeError, private_dir


class RunInProgress(OptoutError):
    """Another run holds the lock."""


@contextmanager
def run_lock() -> Iterator[None]:
    path = private_dir() / "run.lock"
    lock = FileLock(path, timeout=0, mode=PRIVATE_FILE_MODE)
    try:
        lock.acquire()
    except Timeout:
        raise RunInProgress(f"Another optout run is in progress (it holds {path}); this one exits without "
                            "doing anything. Try again once that run has finished.") from None
    except OSError as exc:  # a directory in its place, or a lock file we may not open
        raise HomeError(f"Cannot take the run lock {path}: {exc.strerror}. Move it aside.") from None
    try:
        yield
    finally:  # whatever ends the run (an error, a watchdog, Ctrl-C), the next run is not blocked
        lock.release()
