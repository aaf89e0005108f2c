"""Where optout keeps its files, and how files holding secrets or sessions are written.

Everything lives under OPTOUT_HOME (default: the platform's user data dir). Directories are
0700 and private files 0600, written atomically so a crash never leaves half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def optout_home() -> Path:
    configured = os.environ.get("OPTOUT_HOME")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("optout", appauthor=False))


def private_dir(*parts: str, home: Path | None = None) -> Path:
    """Return home/parts... (home: OPTOUT_HOME), created 0700 at every level we create."""
    path = home or optout_home()
    for part in ("", *parts):
        path = path / part if part else path
        path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        os.chmod(path, PRIVATE_DIR_MODE)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write data to path with mode 0600, atomically (temp file in the same dir, then rename)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
