"""Every expected failure, mapped to one message and one exit code, in one place."""

from __future__ import annotations

from optout.credentials import CredentialsError
from optout.driver import BrowserUnavailable
from optout.exitcodes import ExitCode
from optout.history import HistoryError
from optout.loader import FlowFileError
from optout.lock import RunInProgress
from optout.originmap import OriginMapError
from optout.reports import ReportError
from optout.schedule import ScheduleError
from optout.sessions import SessionError


class UsageError(Exception):
    """A command line that cannot be carried out as given."""


EXPECTED = {
    UsageError: ExitCode.USAGE,
    FlowFileError: ExitCode.USAGE,
    OriginMapError: ExitCode.USAGE,
    ReportError: ExitCode.USAGE,
    ScheduleError: ExitCode.USAGE,
    CredentialsError: ExitCode.UNDETERMINED,
    SessionError: ExitCode.UNDETERMINED,
    BrowserUnavailable: ExitCode.UNDETERMINED,
    RunInProgress: ExitCode.UNDETERMINED,
    HistoryError: ExitCode.UNDETERMINED,
}


def describe(error: BaseException) -> tuple[str, ExitCode] | None:
    """The message and exit code for an expected error; None for a bug (let it surface)."""
    for kind, code in EXPECTED.items():
        if isinstance(error, kind):
            prefix = "invalid flow file:\n" if isinstance(error, FlowFileError) else ""
            return f"{prefix}{error}", code
    return None
