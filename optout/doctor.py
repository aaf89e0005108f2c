"""`optout doctor`: whether this machine has what optout needs, each problem with its fix.

Each check asks the one module that owns the thing (browser/, credentials.py, home.py, the
schedulers, alerts.py, flow/loader.py, originmap.py) rather than knowing it again. A check is a
`problem` when `check` and `apply` cannot work without it (a browser, a writable home, a usable
keyring, valid flows, a usable origin map), a `warning` when only scheduled runs and their alerts
suffer, or when the person should know (an origin map or OPTOUT_FLOWS active).
"""

from __future__ import annotations

import asyncio
import os
import stat
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from optout.errors import OptoutError

OK, WARNING, PROBLEM = "ok", "warning", "problem"
LISTED_PATHS = 3  # loose files named in one line; the fix covers them all
GROUP_OTHER_READ_WRITE = 0o066
GROUP_OTHER_ENTER = 0o011


@dataclass(frozen=True)
class Finding:
    check: str
    status: str  # ok | warning | problem
    found: str  # what is there, in a few words
    fix: str | None = None  # one line: what to do (None when nothing needs doing)

    def to_json(self) -> dict:
        return asdict(self)


def examine() -> list[Finding]:
    """Every check, in the order a person sets things up."""
    checks: list[Callable[[], Finding]] = [browser, keyring, home, flows, origin_map, scheduler, notifications]
    return [check() for check in checks]


def ready(findings: list[Finding]) -> bool:
    """Whether check and apply have what they need (warnings do not count)."""
    return all(finding.status != PROBLEM for finding in findings)


def browser() -> Finding:
    """The browser a run uses, started once and closed again: found on disk is not enough."""
    try:
        path, login_path, version = asyncio.run(_launched())
    except OptoutError as exc:  # BrowserUnavailable: OPTOUT_BROWSER points nowhere, or none found (it says what to do)
        if os.environ.get("OPTOUT_BROWSER"):
            return Finding("browser", PROBLEM, exc.message, "Point OPTOUT_BROWSER at a Chromium-based browser's "
                           "executable, or unset it to use an installed Chromium or Chrome.")
        return Finding("browser", PROBLEM, "no usable browser", exc.message)
    except Exception as exc:  # Playwright's own errors: a browser that is there and will not start
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Finding("browser", PROBLEM, f"the browser does not start: {reason}",
                       "Reinstall it (Debian/Ubuntu: `sudo apt-get install --reinstall chromium`), or set "
                       "OPTOUT_BROWSER to another Chromium-based browser's executable.")
    where = path or "Playwright's own Chromium"
    signs_in = f"; `optout login` opens {login_path}" if login_path != path else ""
    return Finding("browser", OK, f"{where}, version {version}, starts{signs_in}")


async def _launched() -> tuple[str | None, str | None, str]:
    """(the browser runs use, the one `optout login` opens, the version of the first, started once)."""
    from optout import browser as adapter  # Playwright loads only for this check

    path, login_path = adapter.find_browser(), adapter.find_browser(prefer_chrome=True)
    async with adapter.launch(adapter.LaunchOptions()) as driver:
        return path, login_path, driver.version


def keyring() -> Finding:
    from optout import credentials

    problem = credentials.keyring_problem()
    if problem is None:
        return Finding("keyring", OK, f"{credentials.keyring_name()}, answers")
    return Finding("keyring", PROBLEM,
                   f"{problem}: `credentials set` cannot store logins, and sessions are not saved",
                   "Run a Secret Service keyring (such as gnome-keyring) in your session and unlock it; or give "
                   "logins as OPTOUT_<PLATFORM>_USERNAME and OPTOUT_<PLATFORM>_PASSWORD, and sessions as "
                   "OPTOUT_<PLATFORM>_SESSION (from `optout session export`).")


def home() -> Finding:
    """OPTOUT_HOME usable and writable (a file written and removed as optout writes its own), and
    nothing optout keeps there readable by others."""
    from optout.home import HOME_VARIABLE, HomeError, optout_home, private_dir, write_private

    try:
        directory = private_dir()
        probe = directory / ".optout-doctor"
        write_private(probe, b"")
        probe.unlink()
    except HomeError as exc:
        return Finding("home", PROBLEM, f"{HOME_VARIABLE} cannot be used", exc.message)
    except OSError as exc:
        return Finding("home", PROBLEM, f"{HOME_VARIABLE} {optout_home()} cannot be written: {exc.strerror}",
                       f"Make it writable (`chmod u+rwx {optout_home()}`), or set {HOME_VARIABLE} to another "
                       "directory.")
    loose = readable_by_others(directory)
    if loose:
        named = ", ".join(str(path) for path in loose[:LISTED_PATHS])
        more = f" and {len(loose) - LISTED_PATHS} more" if len(loose) > LISTED_PATHS else ""
        return Finding("home", WARNING, f"{directory}, writable; readable by others: {named}{more}",
                       f"Run `chmod -R go-rwx {directory}`.")
    return Finding("home", OK, f"{directory}, writable, nothing in it open to others")


def readable_by_others(directory: Path) -> list[Path]:
    """What under the home its group or others can read or write. A directory they cannot enter
    keeps all in it private (optout's are 0700), so only what they can reach counts."""
    loose: list[Path] = []
    if not _mode(directory) & GROUP_OTHER_ENTER:
        return loose
    for root, folders, files in os.walk(directory):
        entered = []
        for name in folders + files:
            path = Path(root) / name
            mode = _mode(path)
            if mode & GROUP_OTHER_READ_WRITE:
                loose.append(path)
            if name in folders and mode & GROUP_OTHER_ENTER:
                entered.append(name)
        folders[:] = entered  # os.walk descends only into these
    return sorted(loose)


def _mode(path: Path) -> int:
    try:
        return stat.S_IMODE(path.lstat().st_mode)
    except OSError:  # removed while we looked
        return 0


def flows() -> Finding:
    from optout.flow import load_flows
    from optout.flow.loader import flows_dir, local_flows_dir

    try:
        loaded = load_flows()
    except OptoutError as exc:  # FlowFileError (str(): its problems, one a line), or a home that cannot be read
        return Finding("flows", PROBLEM, f"the flows cannot be loaded: {str(exc).splitlines()[0]}",
                       "Fix or move aside the file named; `optout flows validate FILE` shows every problem.")
    local = sorted(platform for platform, flow in loaded.items() if flow.local)
    found = f"{len(loaded)} valid" + (f"; your local flows in {local_flows_dir()} replace {', '.join(local)}"
                                      if local else "")
    if os.environ.get("OPTOUT_FLOWS"):
        return Finding("flows", WARNING, f"{found}, from OPTOUT_FLOWS={flows_dir()}, not the bundled flows",
                       "Unset OPTOUT_FLOWS unless you are writing flows.")
    return Finding("flows", OK, found)


def origin_map() -> Finding:
    from optout.originmap import parse_origin_map

    try:
        mappings = parse_origin_map()
    except ValueError as exc:  # OriginMapError
        return Finding("origin map", PROBLEM, f"OPTOUT_ORIGIN_MAP cannot be used: {exc}",
                       "Fix OPTOUT_ORIGIN_MAP, or unset it to read the real sites.")
    if not mappings:
        return Finding("origin map", OK, "none: runs read the real sites")
    routes = ", ".join(f"{m.host} → {m.endpoint}" for m in mappings)
    return Finding("origin map", WARNING, f"active: {routes}; runs read those replicas, not the real sites",
                   "Unset OPTOUT_ORIGIN_MAP to read the real sites.")


def scheduler() -> Finding:
    """The scheduler `schedule install` would use, and whether it would really run the entry."""
    from optout import schedule
    from optout.schedule import ScheduleError

    try:
        chosen = schedule.pick_scheduler()
    except ScheduleError as exc:
        return Finding("scheduler", WARNING, "none: scheduled re-checks cannot be installed", exc.message)
    caveats = schedule.scheduler_caveats(chosen)
    if caveats:
        return Finding("scheduler", WARNING, f"{chosen}: {caveats[0].problem}", f"{caveats[0].fix}.")
    return Finding("scheduler", OK, f"{chosen}, running")


def notifications() -> Finding:
    from optout import alerts

    problem = alerts.desktop_problem()
    if problem:
        return Finding("notifications", WARNING, f"desktop notifications unavailable: {problem}",
                       "Install what is named, in a desktop session; until then scheduled runs alert only in "
                       "the log and to a webhook (`optout schedule install --webhook-stdin`).")
    return Finding("notifications", OK, "desktop notifications available")
