"""Saved browser sessions (Playwright storage_state), encrypted at rest.

A session's cookies log the browser in as the person, so they are as secret as the password:
each is Fernet-encrypted (optout.crypto) with a key that lives in the OS keyring (see
optout.credentials) and written 0600 to OPTOUT_HOME/sessions/<platform>.session. Without a keyring nothing is saved:
plain text is never an option.

For CI, where no keyring persists, a session can be exported as a text blob encrypted with a
key derived from a passphrase (scrypt, random salt), and imported there. A v2 blob records its
scrypt cost, so the cost can rise without breaking exports already stored as CI secrets; a v1
blob (no cost recorded) was made with the fixed cost V1_SCRYPT and is still read.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from pathlib import Path

from optout import credentials
from optout.crypto import Cipher
from optout.errors import OptoutError, UsageError
from optout.home import optout_home, private_dir, write_private

SESSION_SUFFIX = ".session"
BLOB_PREFIX = "optout-session-v2:"  # then base64url(log2(N), r, p as 3 bytes + salt + Fernet token)
V1_BLOB_PREFIX = "optout-session-v1:"  # then base64url(salt + Fernet token), made with V1_SCRYPT
SALT_BYTES = 16
# scrypt cost as (log2 N, r, p): 2**17 x 8 x 128 bytes = 128 MiB and about 0.3 s per guess.
SCRYPT = (17, 8, 1)
V1_SCRYPT = (15, 8, 1)
MAX_SCRYPT_BYTES = 1 << 30  # a blob asking for more memory than this is refused, not tried
# An export ends up in CI secrets and logs' reach; a short passphrase falls to offline guessing.
MIN_PASSPHRASE_LENGTH = 12
# The platform becomes a file name: letters, digits, '-', '_' and '.', never a path.
PLATFORM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class SessionError(OptoutError):
    """A session cannot be saved, read or imported; the message is meant for the user."""


class WeakPassphrase(UsageError):
    """A passphrase too short to protect an exported session."""


class SessionStore:
    """The encrypted sessions under `home` (default: OPTOUT_HOME, read at each call)."""

    def __init__(self, home: Path | None = None) -> None:
        self._home = home

    @property
    def directory(self) -> Path:
        return (self._home or optout_home()) / "sessions"

    def save(self, platform: str, state: dict) -> Path:
        file_name = self._file_name(platform)
        key = credentials.session_key()
        if key is None:
            raise SessionError(
                "No keyring is available to hold the session key, so the session is not saved. "
                f"Unlock or set up the system keyring, then run `optout login {platform}` again."
            )
        path = private_dir("sessions", home=self._home) / file_name
        write_private(path, Cipher(key).encrypt(json.dumps(state).encode()))
        return path

    def load(self, platform: str) -> dict | None:
        """The saved session, or None if there is none."""
        path = self.directory / self._file_name(platform)
        try:
            token = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:  # a directory in its place, or no permission
            raise SessionError(f"The saved session for {platform} cannot be read ({path}: {exc.strerror}). Move "
                               f"it aside; `optout login {platform}` saves a new one.") from None
        key = credentials.session_key(create=False)
        if key is None and not credentials.keyring_available():
            raise SessionError(
                f"No keyring is available to hold the session key, so the saved session for "
                f"{platform} cannot be read. Unlock or set up the system keyring and try again."
            )
        if key is None:  # the keyring answers, but the key this file was saved with is gone
            raise _cannot_decrypt(platform)
        try:
            return _decrypt_state(Cipher(key), token)
        except ValueError:  # crypto.CannotDecrypt, or not a JSON object
            raise _cannot_decrypt(platform) from None

    def delete(self, platform: str) -> bool:
        path = self.directory / self._file_name(platform)
        existed = path.exists()
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise SessionError(f"The saved session for {platform} cannot be removed ({path}: {exc.strerror}); "
                               "remove it yourself.") from None
        return existed

    def exists(self, platform: str) -> bool:
        return (self.directory / self._file_name(platform)).is_file()

    def saved_platforms(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        return sorted(path.stem for path in self.directory.glob(f"*{SESSION_SUFFIX}"))

    def export_blob(self, platform: str, passphrase: str) -> str:
        """The saved session as text that only the passphrase opens, e.g. for a CI secret."""
        check_passphrase(passphrase)
        state = self.load(platform)
        if state is None:
            raise SessionError(
                f"There is no saved session for {platform} to export. "
                f"Run `optout login {platform}` first."
            )
        return seal(state, passphrase)

    @staticmethod
    def import_blob(blob: str, passphrase: str) -> dict:
        """The session inside an exported blob (v2, or v1 from before the cost was recorded)."""
        blob = blob.strip()
        prefix = next((p for p in (BLOB_PREFIX, V1_BLOB_PREFIX) if blob.startswith(p)), None)
        if prefix is None:
            raise SessionError(
                f"This is not an exported optout session (it should start with {BLOB_PREFIX})."
            )
        try:
            payload = base64.urlsafe_b64decode(blob.removeprefix(prefix).encode("ascii"))
        except (binascii.Error, ValueError):
            payload = b""
        cost, payload = (V1_SCRYPT, payload) if prefix == V1_BLOB_PREFIX else (tuple(payload[:3]), payload[3:])
        if len(payload) <= SALT_BYTES:
            raise SessionError("The exported session is damaged (it is incomplete or was altered).")
        salt, token = payload[:SALT_BYTES], base64.urlsafe_b64encode(payload[SALT_BYTES:])
        try:
            return _decrypt_state(_passphrase_fernet(passphrase, salt, cost), token)
        except ValueError:  # crypto.CannotDecrypt, an absurd cost, or not a JSON object
            raise SessionError(
                "The exported session cannot be decrypted: the passphrase is wrong "
                "or the export was altered."
            ) from None

    @staticmethod
    def _file_name(platform: str) -> str:
        if not PLATFORM_NAME.fullmatch(platform):
            raise ValueError(f"Not a platform name: {platform!r}")
        return platform + SESSION_SUFFIX


def check_passphrase(passphrase: str) -> None:
    if not passphrase:
        raise SessionError("Choose a passphrase to protect the exported session.")
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise WeakPassphrase(f"The passphrase has {len(passphrase)} characters; an export needs at least "
                             f"{MIN_PASSPHRASE_LENGTH} (a few words are easy to type and hard to guess). "
                             "Nothing was exported.")


def seal(state: dict, passphrase: str) -> str:
    """The session encrypted with a key derived from the passphrase (fresh salt), as a v2 blob."""
    salt = os.urandom(SALT_BYTES)
    token = _passphrase_fernet(passphrase, salt, SCRYPT).encrypt(json.dumps(state).encode())
    payload = bytes(SCRYPT) + salt + base64.urlsafe_b64decode(token)
    return BLOB_PREFIX + base64.urlsafe_b64encode(payload).decode("ascii")


def _passphrase_fernet(passphrase: str, salt: bytes, cost: tuple[int, ...]) -> Cipher:
    """ValueError for a cost no export of ours has (a damaged or hostile blob): never tried."""
    log2_n, r, p = cost
    if not (10 <= log2_n <= 30 and 1 <= r <= 32 and 1 <= p <= 4) or 128 * r * (1 << log2_n) > MAX_SCRYPT_BYTES:
        raise ValueError("scrypt cost out of range")
    return Cipher.from_passphrase(passphrase, salt, log2_n, r, p)


def _decrypt_state(cipher: Cipher, token: bytes) -> dict:
    """The decrypted JSON object; ValueError if it cannot be decrypted or is not one."""
    state = json.loads(cipher.decrypt(token))
    if not isinstance(state, dict):
        raise ValueError("a session is a JSON object")
    return state


def _cannot_decrypt(platform: str) -> SessionError:
    return SessionError(
        f"The saved session for {platform} cannot be decrypted (it was saved with another "
        f"key or has been altered). Run `optout login {platform}` again."
    )
