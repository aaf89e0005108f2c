"""What the engine needs from a platform's account (optout.accounts.StoredAccount is the real
one; tests use an in-memory one), and how a setting ends early (Outcome)."""

from __future__ import annotations

from typing import Protocol

from optout.flow.schema import Ask
from optout.results import State


class AccountUnusable(Exception):
    """The account's login cannot be used at all (an exported session that cannot be decrypted,
    a TOTP secret that is not one): its settings are login_required with this message, and no
    other way in is tried instead."""


class SignInSecrets(Protocol):
    @property
    def username(self) -> str: ...

    @property
    def password(self) -> str: ...

    @property
    def totp_secret(self) -> str | None: ...


class Account(Protocol):
    """Where the engine gets a platform's login and keeps its session."""

    def credentials(self) -> SignInSecrets | None: ...

    def one_time_code(self) -> str:
        """The current one-time code from the login's TOTP secret; AccountUnusable when that
        secret is not a valid one."""

    def sign_in_advice(self) -> str:
        """The one thing to do when there is no way in, as one sentence: the command a person
        runs, or in CI the variable to set."""

    def load_session(self) -> dict | None:
        """The session to start from; raises AccountUnusable when the one configured cannot be used."""

    def save_session(self, state: dict) -> None: ...

    def submission(self, setting_id: str) -> dict | None:
        """The recorded submission of a form setting (forms cannot be read back)."""

    def record_submission(self, setting_id: str, record: dict) -> None: ...

    def answer(self, ask: Ask) -> str:
        """What the person gives for what a request asks (from the environment, else asked when a
        person is there); AccountUnusable saying how to give it when nobody did."""


class Outcome(Exception):
    """Ends one setting (or every setting of a platform, for sign-in) with a final state."""

    def __init__(self, state: State, detail: str, candidates: list[dict] | None = None):
        super().__init__(detail)
        self.state = state
        self.detail = detail
        self.candidates = candidates or []
