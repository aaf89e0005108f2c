"""Every expected failure is an OptoutError: a message meant for the person and the exit code
the process ends with. The CLI turns one into both in one place (optout.cli); anything else is a
bug and surfaces. A leaf: every module may import it, it imports only the exit codes."""

from __future__ import annotations

from optout.exitcodes import ExitCode


class OptoutError(Exception):
    """Optout cannot go on: what it needs (a browser, the keyring, its home, the history, a
    session) is not usable. The message says what, and what to do."""

    exit_code: ExitCode = ExitCode.UNDETERMINED

    @property
    def message(self) -> str:
        """What the person is shown (after "error: ")."""
        return str(self)


class UsageError(OptoutError):
    """A command line, or a file or value it names, that cannot be carried out as given."""

    exit_code = ExitCode.USAGE
