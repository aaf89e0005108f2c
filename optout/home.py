"""Where optout keeps its files, and how files holding secrets or sessions are written.

Everything lives under OPTOUT_HOME (default: the platform's user data dir). Directories optout
creates are 0700 and private files 0600, written atomically so a crash never leaves half a file.
A home that exists is used only when it is a directory of the person's own that they can read
and write; it is never chmod-ed: its permissions are the person's choice, not ours.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any, Callable, TypeVar

from optout.errors import OptoutError

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
HOME_VARIABLE = "OPTOUT_HOME"
T = TypeVar("T")


class HomeError(OptoutError):
    """OPTOUT_HOME, or a directory optout keeps in it, cannot be used as it is."""


class DamagedFileError(OptoutError):
    """One of optout's own files under OPTOUT_HOME cannot be read; the message names it."""


def optout_home() -> Path:
    """The home, checked when it exists (an absent one is created by the first write)."""
    configured = os.environ.get(HOME_VARIABLE)
    if configured:
        home = Path(configured).expanduser()
    else:
        from platformdirs import user_data_dir

        home = Path(user_data_dir("optout", appauthor=False))
    check_home(home)
    return home


def check_home(home: Path) -> None:
    """Refuse, with what to do, a home optout must not or cannot use: a file, another user's
    directory (sessions in it would be theirs to read), or one this user cannot read and write."""
    try:
        found = home.stat()
    except FileNotFoundError:
        return
    except OSError as exc:  # e.g. a parent that is a file, or a parent we may not enter
        raise HomeError(f"{HOME_VARIABLE} {home} cannot be used: {exc.strerror}.") from None
    if not stat.S_ISDIR(found.st_mode):
        raise HomeError(f"{HOME_VARIABLE} {home} is a file, not a directory: set {HOME_VARIABLE} to a directory, "
                        "or move the file aside.")
    if hasattr(os, "geteuid") and found.st_uid != os.geteuid():
        raise HomeError(f"{HOME_VARIABLE} {home} belongs to another user (uid {found.st_uid}); optout keeps your "
                        f"sessions there, so it uses only a directory of your own: set {HOME_VARIABLE} to one.")
    if not os.access(home, os.R_OK | os.W_OK | os.X_OK):
        raise HomeError(f"{HOME_VARIABLE} {home} is not readable and writable by you (mode "
                        f"{stat.S_IMODE(found.st_mode):04o}): run `chmod u+rwx {home}`, or set {HOME_VARIABLE} to "
                        "another directory.")


def private_dir(*parts: str, home: Path | None = None) -> Path:
    """Return home/parts... (home: OPTOUT_HOME); each level that does not exist yet is created 0700."""
    levels = [home or optout_home()]
    if home is not None:
        check_home(home)
    for part in parts:
        levels.append(levels[-1] / part)
    for level in levels:
        if not level.is_dir():
            make_private_dir(level)
    return levels[-1]


def make_private_dir(path: Path) -> None:
    try:
        path.mkdir(mode=PRIVATE_DIR_MODE, parents=True)
    except FileExistsError:
        if path.is_dir():  # another optout process made it a moment ago
            return
        raise HomeError(f"{path} is a file where optout keeps a directory: move it aside.") from None
    except OSError as exc:
        raise HomeError(f"Cannot create {path}: {exc.strerror}.") from None
    os.chmod(path, PRIVATE_DIR_MODE)  # ours, just made: mkdir's mode went through the umask


def write_private(path: Path, data: bytes) -> None:
    """Write data to path with mode 0600, atomically (temp file in the same dir, then rename)."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as exc:
        raise HomeError(f"Cannot write {path}: {exc.strerror}.") from None
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:  # a full disk, or a directory where the file belongs
        Path(tmp).unlink(missing_ok=True)
        problem = "a directory is in its place; move it aside" if path.is_dir() else exc.strerror
        raise HomeError(f"Cannot write {path}: {problem}.") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_json(path: Path, parse: Callable[[Any], T], what_to_do: str) -> T | None:
    """parse(the JSON document optout keeps at path), or None when there is none. A file that is
    not JSON, that parse rejects (KeyError, TypeError, ValueError: not the shape optout writes),
    or that is not a file at all raises DamagedFileError naming it and saying what_to_do. It is
    never silently replaced: it may hold the only record of something."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problem = ("a directory, not a file" if path.is_dir()
                   else f"unreadable ({getattr(exc, 'strerror', None) or 'not UTF-8 text'})")
        raise DamagedFileError(f"{path} is {problem}: {what_to_do}") from None
    try:
        return parse(json.loads(text))
    except ValueError as exc:
        problem = "not valid JSON" if isinstance(exc, json.JSONDecodeError) else "not what optout writes there"
    except (KeyError, TypeError, AttributeError, IndexError):
        problem = "not what optout writes there"
    raise DamagedFileError(f"{path} is damaged ({problem}): {what_to_do}")
