"""Keyrings for tests: a real one (or a clear reason to skip), none at all, and a private home.

`scripts/with-keyring python -m pytest` gives the tests a throwaway Secret Service keyring
(gnome-keyring on a private D-Bus session). Tests that need it take the `real_keyring` fixture:
it skips with the reason from `real_keyring_problem()` when no such keyring works, and points
optout at a keyring service name of the test's own, deleted afterwards, so a run on a desktop
never touches the person's own "optout" items. Under scripts/with-keyring, which started one, a
keyring that does not work fails the test instead: a daemon that crashed mid-run must not quietly
skip the rest of the keyring tests.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest
from keyring.backends import SecretService

from optout import credentials

HOW_TO_GET_ONE = "run the tests under scripts/with-keyring"


def real_keyring_problem() -> str | None:
    """None when a Secret Service keyring stores, returns and deletes an item; else why not."""
    backend = keyring.get_keyring()
    if not isinstance(backend, SecretService.Keyring):
        backend_name = f"{type(backend).__module__}.{type(backend).__qualname__}"
        return f"no Secret Service keyring (the keyring backend is {backend_name})"
    service = f"optout-probe-{uuid.uuid4().hex}"
    try:
        backend.set_password(service, "probe", "round trip")
        returned = backend.get_password(service, "probe")
        backend.delete_password(service, "probe")
    except Exception as error:
        return f"the Secret Service keyring does not work ({error})"
    if returned != "round trip":
        return "the Secret Service keyring did not return what was stored"
    return None


def skip_unless_keyring_works() -> None:
    problem = real_keyring_problem()
    if problem and os.environ.get("WITH_KEYRING"):
        pytest.fail(f"scripts/with-keyring started a keyring, but it does not work now: {problem}")
    if problem:
        pytest.skip(f"needs a real keyring: {problem}; {HOW_TO_GET_ONE}")


@pytest.fixture
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """OPTOUT_HOME in a fresh temporary directory (not created yet, as on a first run)."""
    home = tmp_path / "optout-home"
    monkeypatch.setenv("OPTOUT_HOME", str(home))
    return home


@pytest.fixture
def real_keyring(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A working Secret Service keyring; yields the service name optout uses in this test."""
    skip_unless_keyring_works()
    service = f"optout-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setattr(credentials, "SERVICE", service)
    yield service
    delete_service_items(service)


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As on a server without a keyring: PYTHON_KEYRING_BACKEND names keyring's fail backend."""
    previous = keyring.get_keyring()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.core.init_backend()
    yield
    keyring.set_keyring(previous)


def delete_service_items(service: str) -> None:
    """Delete every item the test left under its service name, whatever it was called."""
    import secretstorage

    with contextlib.closing(secretstorage.dbus_init()) as connection:
        for item in secretstorage.get_default_collection(connection).search_items({"service": service}):
            item.delete()


@pytest.fixture
def keyring_required():
    skip_unless_keyring_works()
