"""A platform's login as the engine sees it: credentials (env, keyring, prompt when interactive)
and the encrypted session: OPTOUT_<PLATFORM>_SESSION (an export, for CI) before the saved one.

A login from the keyring is given only to a flow whose password domains it was stored for, so a
flow from OPTOUT_FLOWS (or an edited one) cannot have it typed on another site. Environment
variables and prompts are the person's choice for this run and are not checked.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Iterable

from optout import credentials
from optout.addresses import host_allowed
from optout.engine import AccountUnusable
from optout.flow import Flow
from optout.flow.loader import bundled_flows
from optout.flow.schema import Ask
from optout.home import private_dir, read_json, write_private
from optout.progress import Progress
from optout.results import utc_now
from optout.sessions import SessionError, SessionStore

PASSPHRASE_VARIABLE = "OPTOUT_SESSION_PASSPHRASE"


class CredentialsRefused(AccountUnusable):
    """The stored login was stored for other hosts than the flow would type it on: it is not
    given, and the platform's settings are login_required with this message."""


class StoredAccount:
    """`flow` is the flow that will use the login (`flow_file` its file, for messages); without
    one, the platform's bundled flow is assumed."""

    def __init__(self, platform: str, store: SessionStore, warn: Progress, *, may_prompt: bool,
                 flow: Flow | None = None, flow_file: Path | None = None):
        self.platform = platform
        self.store = store
        self.warn = warn
        self.may_prompt = may_prompt
        self.flow = flow
        self.flow_file = flow_file
        self.login: credentials.Credentials | None = None  # the last one given, for its one-time codes

    def credentials(self) -> credentials.Credentials | None:
        """The login to sign in with; raises CredentialsRefused when the stored one is not for
        the hosts this flow would type it on."""
        found = credentials.lookup(self.platform)
        if found is None and self.may_prompt and credentials.is_interactive():
            found = credentials.prompt(self.platform, domains=self.password_domains())
        elif found is not None and found.domains is not None:
            self.refuse_unless_stored_for(found.domains)
        self.login = found
        return found

    def one_time_code(self) -> str:
        """The current code from the TOTP secret of the login last given (see Account)."""
        login = self.login or self.credentials()
        name = self.flow.name if self.flow else self.platform
        if login is None or not login.totp_secret:
            raise AccountUnusable(f"No TOTP secret is stored for {name}: store it with `optout credentials set`.")
        try:
            return credentials.one_time_code(login.totp_secret)
        except ValueError:
            raise AccountUnusable(f"The stored TOTP secret for {name} is not a valid base32 secret of at least "
                                  "112 bits; store it again with `optout credentials set`.") from None

    def sign_in_advice(self) -> str:
        """`optout login` for a person; CI has nobody to sign in, so it gets the variable to set."""
        if os.environ.get("CI"):
            return (f"In CI, set {credentials.env_var_name(self.platform, 'session')} "
                    f"(from `optout session export {self.platform}`).")
        return f"Run `optout login {self.platform}`."

    def password_domains(self) -> list[str]:
        return self.flow.password_domains() if self.flow else bundled_password_domains(self.platform)

    def refuse_unless_stored_for(self, stored: tuple[str, ...]) -> None:
        # A login stored before optout recorded domains was stored for the bundled flow.
        allowed = list(stored) or bundled_password_domains(self.platform)
        outside = [d for d in self.password_domains() if not host_allowed(d, allowed)]
        if outside:
            flow = f"the flow in {self.flow_file}" if self.flow_file else f"the {self.platform} flow"
            raise CredentialsRefused(
                f"The stored login for {self.platform} is for {', '.join(allowed) or 'no known site'}; {flow} "
                f"would type it on {', '.join(outside)}. Run `optout credentials set {self.platform}` again "
                "to allow that.")

    def load_session(self) -> dict | None:
        exported = os.environ.get(credentials.env_var_name(self.platform, "session"))
        if exported:
            return self.imported_session(exported)
        try:
            return self.store.load(self.platform)
        except SessionError as exc:  # an unreadable session costs one sign-in, nothing more
            self.warn(str(exc))
            return None

    def imported_session(self, exported: str) -> dict:
        """The session exported for CI. One that cannot be opened ends the platform's run: a
        password sign-in from a CI runner is what the export was meant to avoid."""
        variable = credentials.env_var_name(self.platform, "session")
        passphrase = os.environ.get(PASSPHRASE_VARIABLE)
        if not passphrase:
            raise AccountUnusable(f"{variable} is set but {PASSPHRASE_VARIABLE} is not: set it to the "
                                  "passphrase the session was exported with.")
        try:
            return SessionStore.import_blob(exported, passphrase)
        except SessionError as exc:
            raise AccountUnusable(f"{variable} cannot be used: {exc} Export it again with "
                                  f"`optout session export {self.platform}`.") from None

    def save_session(self, state: dict) -> None:
        if not (self.may_prompt and credentials.is_interactive()) and not credentials.keyring_available():
            return  # CI without a keyring: nothing can keep it, and saying so each run is noise
        self.store.save(self.platform, state)

    def submission(self, setting_id: str) -> dict | None:
        return read_submissions().get(self.platform, {}).get(setting_id)

    def record_submission(self, setting_id: str, record: dict) -> None:
        submissions = read_submissions()
        submissions.setdefault(self.platform, {})[setting_id] = record
        write_submissions(submissions)

    def answer(self, ask: Ask) -> str:
        """What a request asks for (Slack's workspace URL): OPTOUT_<PLATFORM>_<NAME>, else typed
        at the terminal when a person is there (on stderr, so a --json document stays whole)."""
        variable = credentials.env_var_name(self.platform, ask.name)
        given = os.environ.get(variable, "").strip()
        if not given and self.may_prompt and credentials.is_interactive():
            sys.stderr.write(f"{ask.what[:1].upper()}{ask.what[1:]} (e.g. {ask.example}): ")
            sys.stderr.flush()
            given = sys.stdin.readline().strip()
        if not given:
            raise AccountUnusable(f"The opt-out is an e-mail that needs {ask.what}: set {variable} (e.g. "
                                  f"{ask.example}) or run `optout apply {self.platform}` in a terminal to type it.")
        return given


def bundled_password_domains(platform: str) -> list[str]:
    """Where the flow optout ships for the platform types a password, whatever OPTOUT_FLOWS says."""
    loaded = bundled_flows().get(platform)
    return loaded.flow.password_domains() if loaded else []


def submissions_file() -> Path:
    return private_dir() / "submissions.json"


def read_submissions() -> dict:
    """Forms sent (objections), by platform and setting: their state cannot be read back. A
    damaged file stops the run (DamagedFileError): guessing would mean sending a form twice."""
    return read_json(submissions_file(), submissions_from_json,
                     "it records the objection forms optout has sent, so that none is sent twice. Repair it, "
                     "or move it aside (optout may then send those forms again).") or {}


def write_submissions(submissions: dict) -> None:
    write_private(submissions_file(), json.dumps(submissions, indent=2).encode())


def submissions_from_json(document: dict) -> dict:
    """{platform: {setting: {"at": ..., "confirmed": ...}}}; TypeError for anything else."""
    if not (isinstance(document, dict) and all(
            isinstance(settings, dict) and all(isinstance(record, dict) and isinstance(record.get("at"), str)
                                               for record in settings.values())
            for settings in document.values())):
        raise TypeError("not a record of submissions")
    return document


def confirm_submission(platform: str, setting_id: str) -> dict | None:
    """Record that the platform confirmed a request or form optout sent (the person read its
    reply); the record as it was before, None when nothing was sent."""
    submissions = read_submissions()
    record = submissions.get(platform, {}).get(setting_id)
    if record is not None and not record.get("confirmed"):
        submissions[platform][setting_id] = {**record, "confirmed": True, "confirmed_at": utc_now()}
        write_submissions(submissions)
    return record


def known_accounts(store: SessionStore, platforms: Iterable[str] = ()) -> set[str]:
    """Platforms that have credentials (keyring index or environment) or a saved or exported session."""
    from_env = {p for p in platforms
                if any(os.environ.get(credentials.env_var_name(p, field)) for field in ("password", "session"))}
    return set(credentials.stored_platforms()) | set(store.saved_platforms()) | from_env
