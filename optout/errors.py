"""Every expected failure, mapped to one message and one exit code, in one place."""

from __future__ import annotations

from optout.alerts import WebhookURLError
from optout.credentials import CredentialsError
from optout.driver import BrowserUnavailable
from optout.engine import SignInRefused
from optout.exitcodes import ExitCode
from optout.history import HistoryError
from optout.home import DamagedFileError, HomeError
from optout.loader import FlowFileError
from optout.lock import RunInProgress
from optout.originmap import OriginMapError, OriginUnreachable
from optout.reports import ReportError
from optout.schedule import ScheduleError
from optout.sessions import SessionError, WeakPassphrase


class UsageError(Exception):
    """A command line that cannot be carried out as given."""


EXPECTED = {
    UsageError: ExitCode.USAGE,
    FlowFileError: ExitCode.USAGE,
    OriginMapError: ExitCode.USAGE,
    ReportError: ExitCode.USAGE,
    ScheduleError: ExitCode.USAGE,
    WebhookURLError: ExitCode.USAGE,
    WeakPassphrase: ExitCode.USAGE,
    CredentialsError: ExitCode.UNDETERMINED,
    SessionError: ExitCode.UNDETERMINED,
    BrowserUnavailable: ExitCode.UNDETERMINED,
    OriginUnreachable: ExitCode.UNDETERMINED,
    RunInProgress: ExitCode.UNDETERMINED,
    HistoryError: ExitCode.UNDETERMINED,
    HomeError: ExitCode.UNDETERMINED,  # OPTOUT_HOME unusable: a file, another user's, not writable
    DamagedFileError: ExitCode.UNDETERMINED,
    SignInRefused: ExitCode.UNDETERMINED,  # the sign-in page refused this browser outright
}


def describe(error: BaseException) -> tuple[str, ExitCode] | None:
    """The message and exit code for an expected error; None for a bug (let it surface)."""
    for kind, code in EXPECTED.items():
        if isinstance(error, kind):
            prefix = "invalid flow file:\n" if isinstance(error, FlowFileError) else ""
            return f"{prefix}{error}", code
    return None
