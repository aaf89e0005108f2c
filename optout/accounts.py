"""A platform's login as the engine sees it: credentials (env, keyring, prompt when interactive)
and the encrypted saved session."""

from __future__ import annotations

import json
from typing import Callable

from optout import credentials
from optout.home import private_dir, write_private
from optout.sessions import SessionError, SessionStore


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
        try:
            return self.store.load(self.platform)
        except SessionError as exc:  # an unreadable session costs one sign-in, nothing more
            self.warn(str(exc))
            return None

    def save_session(self, state: dict) -> None:
        self.store.save(self.platform, state)


    def submission(self, setting_id: str) -> dict | None:
        return read_submissions().get(self.platform, {}).get(setting_id)

    def record_submission(self, setting_id: str, record: dict) -> None:
        submissions = read_submissions()
        submissions.setdefault(self.platform, {})[setting_id] = record
        write_private(submissions_file(), json.dumps(submissions, indent=2).encode())


def submissions_file():
    return private_dir() / "submissions.json"


def read_submissions() -> dict:
    """Forms sent (objections), by platform and setting: their state cannot be read back."""
    path = submissions_file()
    return json.loads(path.read_text()) if path.exists() else {}


def known_accounts(store: SessionStore) -> set[str]:
    """Platforms that have credentials (keyring index) or a saved session."""
    return set(credentials.stored_platforms()) | set(store.saved_platforms())
