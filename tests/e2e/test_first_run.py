"""A person's first run through the CLI against the replicas: `optout setup` answered on a real
(pseudo-)terminal, and what a first check says about accounts never signed in (a session taken
from a browser the person already runs, --cdp: test_login_cdp.py)."""

from __future__ import annotations

import os
import pty
import select
import sys
import time

import pytest

from optout.replica.linkedin import DEMO_PASSWORD, DEMO_USERNAME
from tests.conftest import ANSI
from tests.fakes import CLI_TIMEOUT

pytestmark = pytest.mark.browser


class Terminal:
    """`optout ARGS` on a pseudo-terminal of its own, answered line by line as a person would."""

    def __init__(self, cli, *args: str, env: dict | None = None):
        pid, fd = pty.fork()
        if pid == 0:  # the child: the pty is its controlling terminal, so getpass reads from it too
            os.execve(sys.executable, [sys.executable, "-m", "optout", *args],
                      {**cli.env, "COLUMNS": "80", **(env or {})})
        self.cli, self.pid, self.fd = cli, pid, fd
        self.seen = ""
        self.read_to = 0

    def _read(self, deadline: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 4096)
        except OSError:  # the child is gone and the terminal closed
            return False
        self.seen += ANSI.sub("", chunk.decode(errors="replace").replace("\r\n", "\n"))
        return bool(chunk)

    def expect(self, text: str) -> str:
        """What was printed up to and including `text`, which must come next."""
        deadline = time.monotonic() + CLI_TIMEOUT
        while text not in self.seen[self.read_to:]:
            assert time.monotonic() < deadline and self._read(deadline), f"{text!r} never came:\n{self.seen}"
        end = self.seen.index(text, self.read_to) + len(text)
        shown, self.read_to = self.seen[self.read_to:end], end
        return shown

    def answer(self, prompt: str, reply: str) -> str:
        shown = self.expect(prompt)
        os.write(self.fd, reply.encode() + b"\n")
        return shown

    def finish(self) -> tuple[int, str]:
        """The exit code and everything printed after the last expected text."""
        deadline = time.monotonic() + CLI_TIMEOUT
        while self._read(deadline) and time.monotonic() < deadline:
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        self.cli.printed.append(self.seen)  # scanned for secrets like every other output
        return os.waitstatus_to_exitcode(status), self.seen[self.read_to:]


def test_setup_signs_in_checks_asks_then_turns_off_and_can_be_run_again(cli, replicas):
    cli.seed_session("x", replicas["x"].admin("session"))  # signed in with `optout login x` before
    terminal = Terminal(cli, "setup")
    listed = terminal.expect("(Enter: those marked *, - for none): ")
    assert "  Social: discord, facebook, instagram, pinterest, quora, reddit, snapchat, tumblr, x*\n" in listed
    assert "  AI assistants: alexa, chatgpt, claude, gemini, grok, copilot, mistral, perplexity\n" in listed  # by name
    assert "  Creative: adobe, canva, deviantart, figma, medium, squarespace, substack, wordpress\n" in listed
    assert "  Work: github, grammarly, hubspot, linkedin, otter, slack, udemy, zoom\n" in listed
    os.write(terminal.fd, b"linkdin\n")
    terminal.answer("error: Unknown platform 'linkdin'. Did you mean linkedin?", "LinkedIn x reddit medium")
    terminal.answer("LinkedIn: sign in with your password, kept in the keyring (p), in a browser window (b), "
                    "skip (s)? [p]: ", "p")
    terminal.answer("linkedin username: ", DEMO_USERNAME)
    terminal.answer(f"password for {DEMO_USERNAME}", DEMO_PASSWORD)
    terminal.answer("TOTP secret for two-step login (Enter if none): ", "")
    terminal.expect("Stored the login for LinkedIn in the keyring, for www.linkedin.com")
    terminal.expect("X: signed in already.")
    terminal.expect("Reddit: nothing to sign in to.")
    terminal.answer("Medium: sign in in a browser window (b), skip (s)? [b]: ", "maybe")
    terminal.answer("error: Answer b or s.", "s")
    terminal.answer("Check linkedin, x, reddit now (nothing is changed)? [Y/n]: ", "")
    checked = terminal.answer("Turn off linkedin/generative-ai, linkedin/research, x/grok-training? [y/N]: ", "y")
    assert "What is on now:\nsetting                 state        changed\n" in checked
    assert "\nlinkedin/generative-ai  opted_in\n" in checked
    applied = terminal.answer("when a setting is switched back on? [Y/n]: ", "n")
    assert "\nlinkedin/generative-ai  opted_out  yes\n" in applied, applied
    assert "\nx/grok-training         opted_out  yes\n" in applied
    code, rest = terminal.finish()
    assert code == 0
    assert rest.strip().splitlines() == [
        "n",  # the answer, echoed by the terminal
        "No schedule: optout schedule install --every weekly sets one up later.",
        "Not signed in: medium. Run optout setup again when you want to add them."]
    assert replicas["linkedin"].switches() == {"generative-ai": False, "research": False,  # and nothing else
                                               "profile-recommendations": True, "research-invitations": True,
                                               "ai-writing": True, "email-notifications": True,
                                               "profile-photo": True}
    table = checked[checked.index("What is on now:"):checked.index("Screenshots:")]
    assert max(len(line) for line in table.splitlines()) <= 80  # details wrapped under their rows

    # What is done stays done: Enter takes the platforms signed in. The schedule is installed by
    # `optout schedule install` itself: here on a machine with no scheduler, which it says.
    again = Terminal(cli, "setup", env={"PATH": os.path.dirname(sys.executable)})
    assert "  Work: github, grammarly, hubspot, linkedin*, otter, slack, udemy, zoom\n" in again.answer("(Enter: those marked *, - for none): ", "")
    again.expect("LinkedIn: signed in already.")
    again.expect("X: signed in already.")
    again.answer("Check linkedin, x now (nothing is changed)? [Y/n]: ", "n")
    again.answer("when a setting is switched back on? [Y/n]: ", "y")
    code, rest = again.finish()
    assert (code, rest.strip().splitlines()) == (0, ["y", (
        "error: No scheduler found: there is no systemd user instance (systemctl --user) and no crontab. Install "
        "cron (Debian/Ubuntu: apt-get install cron), or run optout scheduled from a scheduler of your own.")])


def test_bare_optout_offers_setup_on_a_terminal_and_prints_help_elsewhere(cli):
    offered = Terminal(cli)
    offered.answer("Set up optout now, step by step (optout setup)? [Y/n]: ", "n")
    code, rest = offered.finish()
    assert code == 0 and "\nUsage: python -m optout [OPTIONS] COMMAND [ARGS]...\n" in rest
    bare = cli()
    assert bare.returncode == 0 and bare.stdout.startswith("Usage: ")


def test_a_browser_that_is_neither_a_channel_nor_an_executable_is_one_usage_line(cli):
    for command in (["login", "linkedin"], ["setup"]):
        refused = cli(*command, "--browser", "firefox")
        assert (refused.returncode, refused.stderr) == (
            2, "error: --browser firefox: expected chrome, msedge, chromium or the path of a browser's executable.\n")


def test_setup_without_a_terminal_refuses_in_one_line(cli):
    refused = cli("setup")
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr.splitlines()[-1] == ("error: optout setup asks questions, so it needs a terminal; "
                                               "without one, use optout check and optout apply.")


def test_a_first_check_of_accounts_never_signed_in_is_short_and_not_drift(cli):
    checked = cli("check", "wordpress", "x", env={"COLUMNS": "80"})
    assert checked.returncode == 3
    assert "\nwordpress/third-party-sharing  login_required\n    Not signed in to WordPress.com. Run optout " \
           "login wordpress.\n" in checked.stdout
    assert "\n    Not signed in to X. Run optout login x.\n" in checked.stdout
    assert "drift" not in checked.stderr  # never signed in is not "signed out again"
