"""A platform's login as the engine sees it: credentials (env, keyring, prompt when interactive)
and the encrypted session: OPTOUT_<PLATFORM>_SESSION (an export, for CI) before the saved one."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable, Iterable

from optout import credentials
from optout.engine import AccountUnusable
from optout.home import private_dir, write_private
from optout.sessions import SessionError, SessionStore

PASSPHRASE_VARIABLE = "OPTOUT_SESSION_PASSPHRASE"


class StoredAccount:
    def __init__(self, platform: str, store: SessionStore, warn: Callable[[str], None], *, may_prompt: bool):
        self.platform = platform
        self.store = store
        self.warn = warn
        self.may_prompt = may_prompt

    def credentials(self) -> credentials.Credentials | None:
        found = credentials.lookup(self.platform)
        if found is None and self.may_prompt and credentials.is_interactive():
            found = credentials.prompt(self.platform)
        return found

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
        if not credentials.is_interactive() and not credentials.keyring_available():
            return  # CI without a keyring: nothing can keep it, and saying so each run is noise
        self.store.save(self.platform, state)

    def submission(self, setting_id: str) -> dict | None:
        return read_submissions().get(self.platform, {}).get(setting_id)

    def record_submission(self, setting_id: str, record: dict) -> None:
        submissions = read_submissions()
        submissions.setdefault(self.platform, {})[setting_id] = record
        write_private(submissions_file(), json.dumps(submissions, indent=2).encode())


def submissions_file() -> Path:
    return private_dir() / "submissions.json"


def read_submissions() -> dict:
    """Forms sent (objections), by platform and setting: their state cannot be read back."""
    path = submissions_file()
    return json.loads(path.read_text()) if path.exists() else {}


def known_accounts(store: SessionStore, platforms: Iterable[str] = ()) -> set[str]:
    """Platforms that have credentials (keyring index or environment) or a saved or exported session."""
    from_env = {p for p in platforms
                if any(os.environ.get(credentials.env_var_name(p, field)) for field in ("password", "session"))}
    return set(credentials.stored_platforms()) | set(store.saved_platforms()) | from_env
