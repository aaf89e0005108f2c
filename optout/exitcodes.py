"""The process exit codes, in one place (the README's table mirrors this)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # every setting is opted out or not offered
    OPTED_IN = 1  # some setting is still opted in (training on)
    USAGE = 2  # bad command line, bad flow file, nothing to do
    UNDETERMINED = 3  # some setting could not be determined and none is opted in
    NOT_READY = 1  # optout doctor: something check and apply need is missing (same code as OPTED_IN)
    NO_KEYRING = 4  # credentials set: no keyring can hold the login
