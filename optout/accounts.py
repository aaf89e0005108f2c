"""A platform's login as the engine sees it: credentials (env, keyring, prompt when interactive)
and the encrypted saved session."""

from __future__ import annotations

from typing import Callable

from optout import credentials
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


def known_accounts(store: SessionStore) -> set[str]:
    """Platforms that have credentials (keyring index) or a saved session."""
    return set(credentials.stored_platforms()) | set(store.saved_platforms())
