"""A systemd user timer and its oneshot service, in the user's systemd configuration directory."""

from __future__ import annotations

import getpass
import os
import re
import shutil
from pathlib import Path

from optout.schedule import NAME, RUN_LIMIT_MINUTES, Schedule
from optout.schedulers.base import Caveat, Scheduler, run_tool, tool_says

LINGER_DIR = Path("/var/lib/systemd/linger")  # a file named after each user whose instance runs without a login


class Systemd(Scheduler):
    name = "systemd"

    def available(self) -> bool:
        if shutil.which("systemctl") is None:
            return False
        return run_tool("systemctl", "--user", "show-environment", check=False).returncode == 0

    def caveats(self) -> list[Caveat]:
        if not self.available():
            return [Caveat("there is no systemd user instance (`systemctl --user` cannot reach it), so the timer "
                           "never runs", "Log in through a session that starts one, or use `--scheduler cron`")]
        if not (LINGER_DIR / getpass.getuser()).exists():
            return [Caveat("lingering is off, so the timer runs only while you are logged in",
                           "Run `loginctl enable-linger` to have it run always")]
        return []

    def entries(self) -> list[str]:
        return [str(path) for path in unit_files() if path.exists()]

    def install(self, schedule: Schedule, command: list[str]) -> list[str]:
        directory = unit_dir()
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in render(schedule, command).items():
            (directory / name).write_text(text)
            written.append(str(directory / name))
        run_tool("systemctl", "--user", "daemon-reload")
        run_tool("systemctl", "--user", "enable", "--now", f"{NAME}.timer")
        return written

    def uninstall(self) -> None:
        run_tool("systemctl", "--user", "disable", "--now", f"{NAME}.timer", check=False)
        for path in unit_files():
            path.unlink(missing_ok=True)
        run_tool("systemctl", "--user", "daemon-reload", check=False)

    def says(self) -> str:
        return tool_says("systemctl", "--user", "list-timers", f"{NAME}.timer", "--no-pager")


def unit_dir() -> Path:
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "systemd" / "user"


def unit_files() -> list[Path]:
    return [unit_dir() / f"{NAME}.timer", unit_dir() / f"{NAME}.service"]


def quote(arg: str) -> str:
    """One ExecStart word: specifiers (%) and variables ($) kept literal, quoted when needed."""
    arg = arg.replace("%", "%%").replace("$", "$$")
    if re.search(r'[\s"\'\\;]', arg) or not arg:
        return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return arg


def render(schedule: Schedule, command: list[str]) -> dict[str, str]:
    step = schedule.step_hours
    hour = f"{schedule.hours[0]:02d}/{step}" if step else f"{schedule.hour:02d}"
    calendar = f"{'Mon ' if schedule.weekly else ''}*-*-* {hour}:{schedule.minute:02d}:00"
    service = "\n".join([
        "[Unit]",
        "Description=optout: re-check the AI-training opt-outs",
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        f"ExecStart={' '.join(quote(arg) for arg in command)}",
        f"TimeoutStartSec={RUN_LIMIT_MINUTES}min",  # a oneshot's whole run is its start
        "Nice=10",
        "",
    ])
    timer = "\n".join([
        "[Unit]",
        f"Description=optout: re-check {schedule.describe()}",
        "",
        "[Timer]",
        f"OnCalendar={calendar}",
        "Persistent=true",  # a run missed while the machine was off happens at the next start
        f"Unit={NAME}.service",
        "",
        "[Install]",
        "WantedBy=timers.target",
        "",
    ])
    return {f"{NAME}.service": service, f"{NAME}.timer": timer}
