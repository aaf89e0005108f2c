"""`optout demo` through the CLI where no keyring can hold the session: it still turns the replica's
switches off, and says that sessions are not being saved rather than leaving a person to wonder
why each run signs in again."""

from __future__ import annotations

import json

import pytest


@pytest.mark.browser
def test_without_a_keyring_the_demo_says_sessions_are_not_saved(cli):
    shown = cli("demo", "--json", env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert shown.returncode == 0, shown.stderr
    phases = json.loads(shown.stdout)["phases"]
    assert [(phase["phase"], sorted({r["state"] for r in phase["results"]})) for phase in phases] == [
        ("check", ["opted_in"]), ("apply", ["opted_out"]), ("check again", ["opted_out"])]
    assert ("warning: Sessions are not being saved: no system keyring is available (the keyring backend is "
            "keyring.backends.fail.Keyring). Each run signs in again; scripts/demo runs with a throwaway keyring "
            "that saves them.\n") in shown.stderr
