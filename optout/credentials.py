"""Each platform's login, and the key that encrypts saved browser sessions.

A login is looked up in a fixed order, as twine does: environment variables, then the OS
keyring, then a prompt, and a prompt only when someone is at the terminal. This is the only
module that imports keyring (and pyotp, for the codes of a stored TOTP secret): every keyring
failure ends here as a CredentialsError, a None or a False, never as a backend's own exception.
Both load on first use: importing keyring and finding its backend costs 30-60 ms that commands
touching no login or session (such as `check reddit`) do not pay.

Keyring layout (service "optout"): one item per platform, named after the platform, holding
the JSON document {"username", "password", "totp_secret", "domains"}; and the session key, named
"session-key". Keyrings cannot list their items, so OPTOUT_HOME/accounts.json keeps a
non-secret index of platform -> username.

A stored login belongs to the hosts it was stored for ("domains", kept in the keyring item with
the secret so that editing a file cannot widen them); optout.accounts gives it only to a flow
that would type it on those hosts. Environment variables and prompts are given by the person
for this run and carry no domains.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass, field
from typing import TYPE_CHECKING, TypeVar

from optout import crypto
from optout.errors import OptoutError
from optout.exitcodes import ExitCode
from optout.home import optout_home, private_dir, write_private
from optout.names import PLATFORM_ID

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "optout"
SERVICE_VARIABLE = "OPTOUT_KEYRING_SERVICE"  # another service name: logins kept apart from the usual ones
# One keyring call at a time in this process: the engine loads each platform's session on a
# thread of its own, and the Secret Service client is not safe across threads. Two calls at once
# have been told that an item that exists does not, gnome-keyring-daemon 42 has crashed, and
# keyring's first backend lookup races with itself.
_KEYRING_LOCK = threading.RLock()
RETRY_PAUSE = 0.1  # seconds before a call the backend itself failed is asked again
Answer = TypeVar("Answer")


def service() -> str:
    """The keyring service optout's items are under: OPTOUT_KEYRING_SERVICE, else "optout"."""
    return os.environ.get(SERVICE_VARIABLE) or SERVICE
SESSION_KEY_ENTRY = "session-key"
ACCOUNTS_INDEX = "accounts.json"


class CredentialsError(OptoutError):
    """The keyring could not do what was asked; the message is meant for the user."""


class NoKeyring(CredentialsError):
    """No keyring can hold a login here (a server, a container, a session without Secret Service)."""

    exit_code = ExitCode.NO_KEYRING


@dataclass(frozen=True)
class Credentials:
    """A platform login. `source` says where the password came from: env, keyring or prompt.

    `domains`: the hosts the keyring's login was stored for, when its password or TOTP secret is
    used; empty when it was stored before optout recorded them. None when nothing secret came
    from the keyring: environment variables and prompts are given for this run.
    """

    platform: str
    username: str
    password: str = field(repr=False)
    _: KW_ONLY
    totp_secret: str | None = field(default=None, repr=False)
    source: str
    domains: tuple[str, ...] | None = field(default=None, repr=False)


def env_var_name(platform: str, field_name: str) -> str:
    """The variable that overrides one field, e.g. ("meta-ai", "password") -> OPTOUT_META_AI_PASSWORD."""
    return f"OPTOUT_{platform.upper().replace('-', '_')}_{field_name.upper()}"


def one_time_code(totp_secret: str) -> str:
    """The current code for a TOTP secret; ValueError when it is not a valid base32 secret."""
    import pyotp

    return pyotp.TOTP(totp_secret).now()  # binascii.Error, for bad base32, is a ValueError too


def lookup(platform: str) -> Credentials | None:
    """The login from environment variables, completed from the keyring; never prompts.

    Each variable set wins over the keyring's field. Keyring fields fill in the rest only when
    the keyring item is for the same username, so two accounts' fields are never mixed. No
    keyring, or a locked one, counts as an empty one; a damaged item raises CredentialsError.
    """
    _check_platform(platform)
    from_env = {name: _env_value(platform, name) for name in ("username", "password", "totp_secret")}
    stored = {} if all(from_env.values()) else (_read_login(platform) or {})
    if from_env["username"] and stored.get("username") != from_env["username"]:
        stored = {}
    username = from_env["username"] or stored.get("username")
    password = from_env["password"] or stored.get("password")
    if not (username and password):
        return None
    secret_from_keyring = any(not from_env[name] and stored.get(name) for name in ("password", "totp_secret"))
    return Credentials(
        platform,
        username,
        password,
        totp_secret=from_env["totp_secret"] or stored.get("totp_secret"),
        source="env" if from_env["password"] else "keyring",
        domains=tuple(stored.get("domains") or ()) if secret_from_keyring else None,
    )


def is_interactive() -> bool:
    """Whether someone can answer a prompt: not in CI, not opted out, and stdin is a terminal."""
    if os.environ.get("CI") or "OPTOUT_NON_INTERACTIVE" in os.environ:
        return False
    return sys.stdin is not None and sys.stdin.isatty()


def prompt(platform: str, username: str | None = None, domains: Sequence[str] = ()) -> Credentials | None:
    """Ask at the terminal (password and TOTP secret hidden); None when nobody can answer.
    `domains`, where the password will be typed, are named in the question."""
    _check_platform(platform)
    if not is_interactive():
        return None
    typed_on = f" (to be typed on {', '.join(domains)})" if domains else ""
    try:
        username = username or input(f"{platform} username: ").strip()
        if not username:
            return None
        password = getpass.getpass(f"{platform} password for {username}{typed_on}: ")
        if not password:
            return None
        totp_secret = getpass.getpass("TOTP secret for two-step login (Enter if none): ").strip()
    except EOFError:
        return None
    return Credentials(platform, username, password, totp_secret=totp_secret or None, source="prompt")


def store(platform: str, username: str, password: str, totp_secret: str | None = None, *,
          domains: Sequence[str]) -> None:
    """Keep the login in the keyring (one item) for the hosts in `domains`, where it may be typed,
    and note the platform in the index."""
    _check_platform(platform)
    backend = keyring_for(platform)
    login = {"username": username, "password": password, "totp_secret": totp_secret, "domains": list(domains)}
    try:
        _ask(backend.set_password, service(), platform, json.dumps(login))
    except Exception as error:  # backends raise their own types (secretstorage, dbus, win32...)
        raise CredentialsError(
            f"Could not save the login for {platform} in the system keyring ({_describe(error)}). "
            f"Unlock the keyring and try again, or set {env_var_name(platform, 'username')} "
            f"and {env_var_name(platform, 'password')} instead."
        ) from None
    _write_index({**stored_platforms(), platform: username})


def remove(platform: str) -> bool:
    """Forget the platform's login; True if there was something to forget."""
    from keyring.errors import PasswordDeleteError

    _check_platform(platform)
    try:
        _ask(_backend_or_raise().delete_password, service(), platform)
        removed_from_keyring = True
    except PasswordDeleteError:
        removed_from_keyring = False
    except Exception as error:
        raise CredentialsError(
            f"Could not remove the login for {platform} from the system keyring "
            f"({_describe(error)}). Unlock the keyring and try again."
        ) from None
    index = stored_platforms()
    listed = index.pop(platform, None) is not None
    if listed:
        _write_index(index)
    return removed_from_keyring or listed


def stored_platforms() -> dict[str, str]:
    """platform -> username for every login stored with `store`, from the index."""
    try:
        index = json.loads((optout_home() / ACCOUNTS_INDEX).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        # The index only lists what the keyring holds; a damaged one is rebuilt by the next store.
        return {}
    return index if isinstance(index, dict) else {}


def keyring_available() -> bool:
    """Whether a real keyring answers; probing never prints and never raises."""
    return keyring_problem() is None


def keyring_problem() -> str | None:
    """Why no keyring can hold optout's secrets, in a few words; None when one answers. Probing
    never prints and never raises."""
    backend = _usable_backend()
    if backend is None:
        return f"no system keyring is available (the keyring backend is {keyring_name()})"
    try:
        _ask(backend.get_password, service(), SESSION_KEY_ENTRY)
    except Exception as error:
        return f"the keyring ({keyring_name()}) does not answer: {_describe(error)}"
    return None


def keyring_name() -> str:
    """The active keyring backend, as PYTHON_KEYRING_BACKEND names it."""
    try:
        backend = _active_backend()
    except Exception as error:  # a bad PYTHON_KEYRING_BACKEND or keyringrc
        return f"one that could not be loaded ({_describe(error)})"
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def keyring_for(platform: str) -> KeyringBackend:
    """The keyring that will hold the platform's login; NoKeyring, saying what to do instead, when
    there is none (asked before the password is, so nobody types one for nothing)."""
    backend = _usable_backend()
    if backend is None:
        raise NoKeyring(f"No system keyring is available to store the login for {platform} (the keyring backend "
                        f"is {keyring_name()}). Run a Secret Service keyring (such as gnome-keyring) in your "
                        f"session, or set {env_var_name(platform, 'username')} and "
                        f"{env_var_name(platform, 'password')} instead.")
    return backend


def session_key(create: bool = True) -> bytes | None:
    """The Fernet key for saved sessions, made on first use; None when no keyring holds one."""
    backend = _usable_backend()
    if backend is None:
        return None
    try:
        with _KEYRING_LOCK:  # two threads finding none would each make one, and one would be lost
            key = _ask(backend.get_password, service(), SESSION_KEY_ENTRY)
            if key is None and create:
                key = crypto.new_key().decode("ascii")
                _ask(backend.set_password, service(), SESSION_KEY_ENTRY, key)
    except Exception:
        return None
    return key.encode("ascii") if key else None


def _check_platform(platform: str) -> None:
    """Before any file or keyring item is named after it: a platform id, never a path or the
    session key's item."""
    if not PLATFORM_ID.fullmatch(platform) or platform == SESSION_KEY_ENTRY:
        raise ValueError(f"Not a platform name: {platform!r}")


def _env_value(platform: str, field_name: str) -> str | None:
    # An empty variable counts as unset: CI systems expand missing secrets to "".
    return os.environ.get(env_var_name(platform, field_name)) or None


def _read_login(platform: str) -> dict | None:
    """The keyring's item for the platform; None when absent or when no keyring answers."""
    backend = _usable_backend()
    if backend is None:
        return None
    try:
        document = _ask(backend.get_password, service(), platform)
    except Exception:
        return None
    if document is None:
        return None
    try:
        login = json.loads(document)
    except ValueError:
        login = None
    if not isinstance(login, dict):
        raise CredentialsError(
            f"The keyring item for {platform} is damaged. "
            f"Store the login again with `optout credentials set {platform}`."
        )
    return login


def _usable_backend() -> KeyringBackend | None:
    """The active backend if it can really hold secrets.

    The fail backend raises on every call, and the null backend and an empty chainer silently
    drop what they are given, which would lose a login without a word.
    """
    try:
        backend = _active_backend()
    except Exception:  # a bad PYTHON_KEYRING_BACKEND or keyringrc fails while loading
        return None
    from keyring.backends import chainer, fail, null  # loaded by _active_backend, under its lock

    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


def _active_backend() -> KeyringBackend:
    with _KEYRING_LOCK:  # the first call picks the backend: one thread does it
        import keyring

        return keyring.get_keyring()


def _ask(method: Callable[..., Answer], *args: str) -> Answer:
    """The backend's answer to one call, made under the lock. A backend's own error (a D-Bus reply
    lost, an item gone mid-search while another program writes to the keyring) gets one more
    try after a pause; keyring's errors (locked, a prompt dismissed, no such item) do not."""
    from keyring.errors import KeyringError

    with _KEYRING_LOCK:
        try:
            return method(*args)
        except KeyringError:
            raise
        except Exception:
            time.sleep(RETRY_PAUSE)
            return method(*args)


def _backend_or_raise() -> KeyringBackend:
    from keyring.errors import NoKeyringError

    backend = _usable_backend()
    if backend is None:
        raise NoKeyringError()
    return backend


def _describe(error: Exception) -> str:
    from keyring.errors import NoKeyringError

    if isinstance(error, NoKeyringError):
        return "no system keyring is available"
    return str(error) or type(error).__name__


def _write_index(index: dict[str, str]) -> None:
    write_private(private_dir() / ACCOUNTS_INDEX, json.dumps(index, indent=2, sort_keys=True).encode())
