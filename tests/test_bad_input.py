"""Bad input never ends in a traceback. Every command is run as a person runs it (a subprocess)
against a broken OPTOUT_HOME, damaged files of optout's own, a damaged or unwritable history and
bad webhook URLs. `ends_cleanly` is what is asserted for each case:

- no "Traceback" anywhere in the output, and never the webhook's token;
- stderr holds exactly one `error:` line, saying what is wrong (and naming the file); every other
  stderr line is progress (`… `) or a warning (`warning: `);
- the exit code is 2 for what was typed wrong and 3 when optout cannot proceed. A check or apply
  whose history cannot be written is the exception: its results are printed and keep their exit
  code, and the one error line says they are not in the history.

Cases that only warn (a damaged alerts.json, a bad OPTOUT_WEBHOOK_URL, a session file that is a
directory) assert no error line and exactly one warning about it. Run as root, each command drops
the capabilities that let root ignore file permissions, so a read-only home is read-only here too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes import damage_after_first_page, file_of_text

TOKEN = "T000/B000/secret-token"
SECRET_PARTS = ("secret-token", "T000/B000")
FOREIGN_UID = 65534  # nobody


def as_a_person() -> list[str]:
    """The command prefix that makes root obey file permissions like everyone else."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root needs setpriv (util-linux) to test permissions honestly")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


@dataclass
class Optout:
    env: dict[str, str]
    home: Path
    tmp: Path

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
        args = tuple(arg.replace("{home}", str(self.home)).replace("{tmp}", str(self.tmp)) for arg in args)
        return subprocess.run([*as_a_person(), sys.executable, "-m", "optout", *args], input=input,
                              capture_output=True, text=True, timeout=120, env={**self.env, **(env or {})},
                              stdin=None if input is not None else subprocess.DEVNULL)

    @property
    def crontab_calls(self) -> list[str]:
        calls = self.tmp / "crontab-calls"
        return calls.read_text().splitlines() if calls.exists() else []


@pytest.fixture
def optout(tmp_path) -> Optout:
    """`optout` with its own OPTOUT_HOME (not created yet) and a crontab that only notes its calls."""
    tools = tmp_path / "bin"
    tools.mkdir()
    crontab = tools / "crontab"
    crontab.write_text(f'#!/bin/sh\necho "$*" >> {tmp_path / "crontab-calls"}\n'
                       '[ "$1" = -l ] && { echo "no crontab for you" >&2; exit 1; }\ncat > /dev/null\n')
    crontab.chmod(0o755)
    keep = {k: v for k, v in os.environ.items() if not k.startswith("OPTOUT_") and k != "CI"}
    env = {**keep, "OPTOUT_HOME": str(tmp_path / "home"), "COLUMNS": "200",
           "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}"}
    return Optout(env, tmp_path / "home", tmp_path)


def ends_cleanly(completed: subprocess.CompletedProcess, code: int, *expected: str) -> str:
    """The one error line, after checking everything the module docstring promises."""
    output = completed.stdout + completed.stderr
    assert "Traceback" not in output, output
    assert not [part for part in SECRET_PARTS if part in output], output
    lines = completed.stderr.splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    others = [line for line in lines if not line.startswith(("error: ", "warning: ", "… "))]
    assert (len(errors), others) == (1, []), completed.stderr
    assert completed.returncode == code, completed.stderr
    for text in expected:
        assert text in errors[0]
    return errors[0]


def warns_once(completed: subprocess.CompletedProcess, *expected: str) -> str:
    """No error, no traceback, exit 0 (an advice-only check), and exactly one warning with `expected`."""
    output = completed.stdout + completed.stderr
    assert "Traceback" not in output and not [part for part in SECRET_PARTS if part in output], output
    assert completed.returncode == 0, completed.stderr
    assert not [line for line in completed.stderr.splitlines() if line.startswith("error: ")], completed.stderr
    [warning] = [line for line in completed.stderr.splitlines() if all(text in line for text in expected)]
    assert warning.startswith("warning: ")
    return warning


# -- OPTOUT_HOME itself ------------------------------------------------------------------------

# Every command that touches the home ("reddit" has no switch: a check of it needs no browser).
HOME_COMMANDS = {
    "check": ("check", "reddit"),
    "apply": ("apply", "reddit"),
    "status": ("status",),
    "history": ("history", "--json"),
    "report": ("report", "--html", "{tmp}/report.html"),
    "credentials list": ("credentials", "list"),
    "schedule status": ("schedule", "status"),
    "schedule install": ("schedule", "install", "--every", "daily", "--scheduler", "cron"),
    "schedule remove": ("schedule", "remove"),
    "session export": ("session", "export", "linkedin", "--passphrase-stdin"),
    "scheduled": ("scheduled", "--home", "{home}"),
    "flows list": ("flows", "list"),  # local flows live in OPTOUT_HOME/flows
}


def file_home(tmp: Path) -> Path:
    (tmp / "home-file").write_text("not a directory")
    return tmp / "home-file"


def home_below_a_file(tmp: Path) -> Path:
    (tmp / "a-file").write_text("not a directory")
    return tmp / "a-file" / "home"


def foreign_home(tmp: Path) -> Path:
    if os.geteuid() == 0:
        home = tmp / "foreign"
        home.mkdir()
        os.chown(home, FOREIGN_UID, FOREIGN_UID)
        return home
    if Path("/").stat().st_uid == os.geteuid():
        pytest.skip("needs a directory owned by another user")
    return Path("/")


def home_with_mode(mode: int):
    def make(tmp: Path) -> Path:
        home = tmp / f"home-{mode:o}"
        home.mkdir()
        home.chmod(mode)
        return home

    return make


BROKEN_HOMES = {  # kind: (how to make it, what the error line says)
    "a file": (file_home, "is a file, not a directory: set OPTOUT_HOME to a directory, or move the file aside."),
    "below a file": (home_below_a_file, "cannot be used: Not a directory."),
    "another user's": (foreign_home, f"belongs to another user (uid {FOREIGN_UID if os.geteuid() == 0 else 0})"),
    "unreadable": (home_with_mode(0o000), "is not readable and writable by you (mode 0000): run chmod u+rwx"),
    "read-only": (home_with_mode(0o500), "is not readable and writable by you (mode 0500): run chmod u+rwx"),
}


@pytest.fixture(params=BROKEN_HOMES)
def broken_home(request, optout, tmp_path):
    make, message = BROKEN_HOMES[request.param]
    home = make(tmp_path)
    optout.env["OPTOUT_HOME"] = str(home)
    optout.home = home
    yield home, message
    if home.is_dir() and home.stat().st_uid == os.geteuid():
        home.chmod(0o700)  # so pytest can clean up


@pytest.mark.parametrize("command", HOME_COMMANDS)
def test_a_home_optout_cannot_use_is_one_line_and_exit_3(optout, broken_home, command):
    home, message = broken_home
    completed = optout(*HOME_COMMANDS[command], input="a long enough passphrase\n")
    ends_cleanly(completed, 3, f"OPTOUT_HOME {home} {message}")
    assert optout.crontab_calls == []
    if home.is_dir() and os.access(home, os.R_OK | os.X_OK):
        assert list(home.iterdir()) == []  # nothing was written into it


def test_a_home_the_person_made_keeps_its_permissions(optout):
    optout.home.mkdir(mode=0o750)
    optout.home.chmod(0o750)
    assert optout("check", "reddit").returncode == 0
    assert optout.home.stat().st_mode & 0o777 == 0o750  # theirs: not chmod-ed
    assert (optout.home / "evidence").stat().st_mode & 0o777 == 0o700  # ours: made private


def test_a_run_lock_that_is_a_directory(optout):
    (optout.home / "run.lock").mkdir(parents=True)
    ends_cleanly(optout("check", "reddit"), 3, f"Cannot take the run lock {optout.home / 'run.lock'}: Is a directory.")


def test_a_log_directory_that_is_a_file(optout):
    optout.home.mkdir()
    (optout.home / "logs").write_text("not a directory")
    ends_cleanly(optout("scheduled", "--home", "{home}"), 3,
                 f"{optout.home / 'logs'} is a file where optout keeps a directory: move it aside.")


# -- the history -------------------------------------------------------------------------------

WRITERS = {"check": ("check", "reddit"), "check --json": ("check", "reddit", "--json"), "apply": ("apply", "reddit")}
READERS = {"status": ("status",), "history": ("history",), "report": ("report", "--html", "{tmp}/r.html"),
           "schedule status": ("schedule", "status")}


def read_only(path: Path) -> None:
    path.chmod(0o400)


DAMAGED = {  # how the database is spoilt: (how, what the error line says after its path)
    "damaged after its first page": (damage_after_first_page, "is damaged (database disk image is malformed). "
                                                              "Move it aside (mv"),
    "not a database": (file_of_text, "is damaged (file is not a database). Move it aside (mv"),
}
UNWRITABLE = {  # still readable, but not writable
    "read-only": (read_only, "cannot be used: it, its directory or its disk is read-only (attempt to write a "
                             "readonly database). Make them writable."),
}


def spoil_history(optout: Optout, how) -> str:
    """A history with a run in it, then spoilt; the start of the line that says so."""
    assert optout("check", "reddit").returncode == 0
    damage, message = how
    damage(optout.home / "history.sqlite")
    return f"The history database {optout.home / 'history.sqlite'} {message}"


@pytest.mark.parametrize("spoilt", [*DAMAGED, *UNWRITABLE])
@pytest.mark.parametrize("command", WRITERS)
def test_results_come_first_then_one_line_says_the_history_could_not_keep_them(optout, spoilt, command):
    message = spoil_history(optout, {**DAMAGED, **UNWRITABLE}[spoilt])
    completed = optout(*WRITERS[command])
    ends_cleanly(completed, 0, f"error: These results are not in the history: {message}")
    if command.endswith("--json"):
        [result] = json.loads(completed.stdout)["results"]
    else:
        assert "reddit/ai-training" in completed.stdout and "not_offered" in completed.stdout


@pytest.mark.parametrize("spoilt", DAMAGED)
@pytest.mark.parametrize("command", READERS)
def test_commands_that_read_a_damaged_history_say_so_in_one_line(optout, spoilt, command):
    message = spoil_history(optout, DAMAGED[spoilt])
    ends_cleanly(optout(*READERS[command]), 3, f"error: {message}")


@pytest.fixture
def full_disk(optout, tmp_path):
    """OPTOUT_HOME on a real, small tmpfs, then filled up: needs root and a mount it may do."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root and permission to mount a tmpfs (test_history simulates a full disk elsewhere)")
    try:
        optout.home = mount / "home"
        optout.env["OPTOUT_HOME"] = str(optout.home)
        assert optout("check", "reddit").returncode == 0
        with (mount / "filler").open("wb") as filler:
            try:
                while True:
                    filler.write(b"\0" * 65536)
                    filler.flush()
            except OSError:  # ENOSPC: full
                pass
        yield f"The history database {optout.home / 'history.sqlite'} cannot be used: the disk is full"
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_is_told_from_a_damaged_file(optout, full_disk):
    completed = optout("check", "reddit")
    ends_cleanly(completed, 0, f"error: These results are not in the history: {full_disk}", "Free some space.")
    assert "reddit/ai-training" in completed.stdout
    ends_cleanly(optout("status"), 3, f"error: {full_disk}")


# -- optout's own files ------------------------------------------------------------------------

def directory(path: Path) -> None:
    path.mkdir()


FILE_DAMAGES = {  # (how, what the line says after the file's path)
    "invalid JSON": (lambda path: path.write_text("{\"half"), "is damaged (not valid JSON)"),
    "wrong shape": (lambda path: path.write_text("[1, 2, 3]"), "is damaged (not what optout writes there)"),
    "a directory": (directory, "is a directory, not a file"),
}


@pytest.fixture(params=FILE_DAMAGES)
def damage_file(request, optout):
    how, problem = FILE_DAMAGES[request.param]
    optout.home.mkdir(mode=0o700)

    def damage(name: str) -> str:
        how(optout.home / name)
        return f"{optout.home / name} {problem}"

    return damage


@pytest.mark.parametrize("command", ["status", "install", "remove"])
def test_a_damaged_schedule_file_is_one_line_and_exit_3(optout, damage_file, command):
    problem = damage_file("schedule.json")
    args = ("--every", "daily", "--scheduler", "cron") if command == "install" else ()
    ends_cleanly(optout("schedule", command, *args), 3, problem, "run optout schedule install again")
    assert optout.crontab_calls == []


def test_a_damaged_submissions_file_stops_the_run_before_any_form_is_sent(optout, damage_file):
    problem = damage_file("submissions.json")
    completed = optout("check", "facebook", env={"OPTOUT_BROWSER": "/nonexistent/no-browser-is-started"})
    ends_cleanly(completed, 3, problem, "so that none is sent twice")


def test_a_damaged_alerts_file_is_a_warning_and_the_run_goes_on(optout, damage_file):
    problem = damage_file("alerts.json")
    warns_once(optout("check", "reddit"), problem)
    [run] = json.loads(optout("history", "--json").stdout)["runs"]
    assert (run["finished"], run["exit_code"]) == (True, 0)
    warns_once(optout("schedule", "status"), problem)


def test_a_session_file_that_is_a_directory_cannot_be_exported(optout):
    path = optout.home / "sessions" / "linkedin.session"
    path.mkdir(parents=True)
    ends_cleanly(optout("session", "export", "linkedin", "--passphrase-stdin", input="a long enough passphrase\n"),
                 3, f"The saved session for linkedin cannot be read ({path}: Is a directory).")


def test_a_session_file_that_is_a_directory_costs_one_sign_in(cli, linkedin):
    cli.store_demo_credentials()
    (cli.home / "sessions" / "linkedin.session").mkdir(parents=True)
    completed = cli("check", "linkedin/generative-ai")
    assert "Traceback" not in completed.stderr
    assert completed.returncode == 1, completed.stderr  # the replica's switch starts on: it was read
    [warning] = [line for line in completed.stderr.splitlines() if line.startswith("warning: The saved session")]
    assert warning.startswith("warning: The saved session for linkedin cannot be read (")
    assert "error: " not in completed.stderr
    assert "opted_in" in completed.stdout


def test_an_export_passphrase_shorter_than_12_characters(cli):
    cli.seed_session("linkedin", {"cookies": [], "origins": []})
    completed = cli("session", "export", "linkedin", "--passphrase-stdin", input="eleven-char\n")
    ends_cleanly(completed, 2, "The passphrase has 11 characters; an export needs at least 12")
    assert completed.stdout == ""


# -- webhook URLs ------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [f"hooks.example.com/services/{TOKEN}", f"http://hooks.example.com/{TOKEN}",
                                 f"https://hooks.example.com:port/{TOKEN}", f"https://hooks.example.com/{TOKEN} x"])
def test_a_bad_webhook_is_refused_before_anything_is_installed_and_never_echoed(optout, url):
    completed = optout("schedule", "install", "--every", "daily", "--scheduler", "cron", "--webhook", url)
    ends_cleanly(completed, 2, "error: --webhook is not a usable webhook URL (for hooks.example.com): ",
                 "The URL is not shown")
    assert optout.crontab_calls == []
    assert not (optout.home / "schedule.json").exists() and not (optout.home / "alerts.json").exists()


def test_the_webhook_can_come_from_stdin_and_only_its_host_is_shown(optout):
    url = f"https://hooks.example.com/services/{TOKEN}"
    installed = optout("schedule", "install", "--every", "daily", "--scheduler", "cron", "--webhook-stdin",
                       input=url + "\n")
    assert installed.returncode == 0, installed.stderr
    assert json.loads((optout.home / "alerts.json").read_text()) == {"webhook_url": url}
    status = optout("schedule", "status")
    assert "webhook https://hooks.example.com/…" in status.stdout
    assert not [part for part in SECRET_PARTS if part in installed.stdout + installed.stderr + status.stdout]


@pytest.mark.parametrize("args, line", [
    (("--webhook-stdin",), "error: The URL read by --webhook-stdin is not a usable webhook URL (for "
                           "hooks.example.com): it does not start with https://"),
    (("--webhook-stdin", "--webhook", "https://hooks.example.com/x"), "error: Use --webhook or --webhook-stdin, "
                                                                      "not both."),
])
def test_webhook_stdin_mistakes(optout, args, line):
    completed = optout("schedule", "install", "--every", "daily", "--scheduler", "cron", *args,
                       input=f"hooks.example.com/{TOKEN}\n")
    ends_cleanly(completed, 2, line)
    assert optout.crontab_calls == []


def test_a_bad_webhook_variable_is_a_warning_and_the_run_is_printed_and_recorded(optout):
    completed = optout("check", "reddit", env={"OPTOUT_WEBHOOK_URL": f"hooks.example.com/{TOKEN}"})
    warns_once(completed, "OPTOUT_WEBHOOK_URL is not a usable webhook URL (for hooks.example.com)")
    assert "reddit/ai-training" in completed.stdout
    [run] = json.loads(optout("history", "--json").stdout)["runs"]
    assert (run["finished"], run["exit_code"]) == (True, 0)


# -- runs that end by an error, and what reports carry -----------------------------------------

def test_a_run_that_ends_by_an_error_is_on_record_and_releases_the_lock(optout):
    no_browser = {"OPTOUT_BROWSER": "/nonexistent/chrome"}
    ends_cleanly(optout("check", "facebook", env=no_browser), 3, "OPTOUT_BROWSER points to /nonexistent/chrome")
    ends_cleanly(optout("check", "facebook", env=no_browser), 3, "OPTOUT_BROWSER")  # no lock was left behind
    table = optout("history").stdout
    assert table.count("ended without results (exit code 3)") == 2


def test_reports_never_carry_a_url_query_string_or_fragment():
    from optout import htmlreport, reports
    from optout.history import Row
    from optout.results import Result, State, StepReport

    detail = "Signed out at https://www.linkedin.com/checkpoint/lg?session_redirect=x&token=secret-token#frag."
    result = Result("linkedin", "generative-ai", "Data for AI", State.ERROR, detail,
                    steps=[StepReport("open", "failed", f"opened {detail}")])
    row = Row(1, "linkedin", "generative-ai", None, "Data for AI", State.ERROR, False, detail, "2025-01-01T00:00:00")
    rendered = [reports.junit([result], "t"), reports.markdown([result], "t"),
                json.dumps(reports.results_document([result])), htmlreport.render([row])]
    for text in rendered:
        assert "https://www.linkedin.com/checkpoint/lg" in text
        assert "secret-token" not in text and "session_redirect" not in text and "#frag" not in text
