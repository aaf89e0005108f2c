import json
import logging
import os
import stat
import subprocess
import sys
import warnings

import keyring
import pytest

from optout import credentials
from optout.credentials import Credentials, CredentialsError

PLATFORM = "linkedin"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """No OPTOUT_*/CI variables from the machine running the tests."""
    for name in list(os.environ):
        if name == "CI" or (name.startswith("OPTOUT_") and name != "OPTOUT_HOME"):
            monkeypatch.delenv(name)


def set_env_login(monkeypatch, platform=PLATFORM, **fields):
    for field_name, value in fields.items():
        monkeypatch.setenv(credentials.env_var_name(platform, field_name), value)


def test_repr_and_str_hide_password_and_totp_secret():
    login = Credentials(PLATFORM, "ada@example.com", "pw-s3cret", totp_secret="JBSWY3DPEHPK3PXP", source="env")

    for text in (repr(login), str(login)):
        assert "pw-s3cret" not in text
        assert "JBSWY3DPEHPK3PXP" not in text
    assert repr(login) == "Credentials(platform='linkedin', username='ada@example.com', source='env')"


def test_env_var_names_upper_case_the_platform_and_replace_hyphens():
    assert credentials.env_var_name("meta-ai", "password") == "OPTOUT_META_AI_PASSWORD"
    assert credentials.env_var_name("linkedin", "totp_secret") == "OPTOUT_LINKEDIN_TOTP_SECRET"


def test_lookup_from_environment_alone(monkeypatch, no_keyring):
    set_env_login(monkeypatch, username="ada@example.com", password="pw", totp_secret="TOTP")

    login = credentials.lookup(PLATFORM)

    assert login == Credentials(PLATFORM, "ada@example.com", "pw", totp_secret="TOTP", source="env")


def test_empty_environment_variables_count_as_unset(monkeypatch, no_keyring):
    set_env_login(monkeypatch, username="ada@example.com", password="")

    assert credentials.lookup(PLATFORM) is None


def test_no_keyring_is_reported_quietly_and_environment_logins_still_work(
    monkeypatch, no_keyring, capfd, caplog
):
    set_env_login(monkeypatch, username="ada@example.com", password="pw")
    caplog.set_level(logging.DEBUG)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert credentials.keyring_available() is False
        assert credentials.session_key() is None
        assert credentials.lookup(PLATFORM).password == "pw"
        assert credentials.lookup("youtube") is None

    assert capfd.readouterr() == ("", "")
    assert caplog.records == []


def test_fail_backend_from_environment_prints_nothing_in_a_fresh_process(tmp_path):
    """keyring reads PYTHON_KEYRING_BACKEND once per process, so check a real fresh one too."""
    script = (
        "from optout import credentials\n"
        "print(credentials.keyring_available(), credentials.session_key())\n"
        "print(credentials.lookup('linkedin'))\n"
    )
    environment = {
        **{name: value for name, value in os.environ.items() if name != "CI" and not name.startswith("OPTOUT_")},
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "OPTOUT_HOME": str(tmp_path),
        "OPTOUT_LINKEDIN_USERNAME": "ada@example.com",
        "OPTOUT_LINKEDIN_PASSWORD": "pw",
    }

    result = subprocess.run(
        [sys.executable, "-W", "default", "-c", script], env=environment, capture_output=True, text=True, timeout=60
    )

    assert result.stderr == ""
    assert result.stdout == (
        "False None\nCredentials(platform='linkedin', username='ada@example.com', source='env')\n"
    )


def test_store_without_keyring_raises_a_clear_error(no_keyring, isolated_home):
    with pytest.raises(CredentialsError) as raised:
        credentials.store(PLATFORM, "ada@example.com", "pw")

    assert str(raised.value) == (
        "Could not save the login for linkedin in the system keyring (no system keyring is available). "
        "Unlock the keyring and try again, or set OPTOUT_LINKEDIN_USERNAME and OPTOUT_LINKEDIN_PASSWORD instead."
    )
    assert credentials.stored_platforms() == {}


def test_remove_without_keyring_raises_a_clear_error(no_keyring, isolated_home):
    with pytest.raises(CredentialsError) as raised:
        credentials.remove(PLATFORM)

    assert str(raised.value) == (
        "Could not remove the login for linkedin from the system keyring "
        "(no system keyring is available). Unlock the keyring and try again."
    )


def test_the_session_key_name_is_not_a_platform():
    with pytest.raises(ValueError, match="Not a platform name: 'session-key'"):
        credentials.store("session-key", "someone", "pw")


class Terminal:
    def isatty(self):
        return True


@pytest.mark.parametrize(
    ("environment", "stdin", "expected"),
    [
        ({}, Terminal(), True),
        ({"CI": "true"}, Terminal(), False),
        ({"CI": ""}, Terminal(), True),
        ({"OPTOUT_NON_INTERACTIVE": "1"}, Terminal(), False),
        ({"OPTOUT_NON_INTERACTIVE": ""}, Terminal(), False),
        ({}, None, False),
    ],
)
def test_is_interactive(monkeypatch, environment, stdin, expected):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "stdin", stdin)

    assert credentials.is_interactive() is expected


def test_is_interactive_is_false_when_stdin_is_not_a_terminal(monkeypatch, tmp_path):
    with open(tmp_path / "answers", "w+") as not_a_terminal:
        monkeypatch.setattr(sys, "stdin", not_a_terminal)
        assert credentials.is_interactive() is False


def test_prompt_returns_none_when_nobody_can_answer(monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr("builtins.input", lambda _: pytest.fail("prompted in CI"))

    assert credentials.prompt(PLATFORM) is None


def test_prompt_asks_for_missing_username_and_hides_secrets(monkeypatch):
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr("builtins.input", lambda label: {"linkedin username: ": " ada@example.com "}[label])
    hidden_answers = {
        "linkedin password for ada@example.com: ": "pw",
        "TOTP secret for two-step login (Enter if none): ": "",
    }
    monkeypatch.setattr("getpass.getpass", lambda label: hidden_answers[label])

    login = credentials.prompt(PLATFORM)

    assert login == Credentials(PLATFORM, "ada@example.com", "pw", totp_secret=None, source="prompt")


# Below: a real Secret Service keyring (run under scripts/with-keyring), no mocks.


def test_store_then_lookup_uses_one_keyring_item_and_a_private_index(real_keyring, isolated_home):
    credentials.store(PLATFORM, "ada@example.com", "pw-s3cret", totp_secret="TOTP")

    assert credentials.lookup(PLATFORM) == Credentials(
        PLATFORM, "ada@example.com", "pw-s3cret", totp_secret="TOTP", source="keyring"
    )
    assert json.loads(keyring.get_password(real_keyring, PLATFORM)) == {
        "username": "ada@example.com",
        "password": "pw-s3cret",
        "totp_secret": "TOTP",
    }
    index = isolated_home / "accounts.json"
    assert json.loads(index.read_text()) == {"linkedin": "ada@example.com"}
    assert stat.S_IMODE(index.stat().st_mode) == 0o600
    assert stat.S_IMODE(isolated_home.stat().st_mode) == 0o700
    assert credentials.stored_platforms() == {"linkedin": "ada@example.com"}


def test_remove_forgets_the_login(real_keyring):
    credentials.store(PLATFORM, "ada@example.com", "pw")
    credentials.store("youtube", "ada", "pw2")

    assert credentials.remove(PLATFORM) is True
    assert credentials.remove(PLATFORM) is False
    assert credentials.lookup(PLATFORM) is None
    assert keyring.get_password(real_keyring, PLATFORM) is None
    assert credentials.stored_platforms() == {"youtube": "ada"}


def test_environment_username_takes_the_rest_from_the_keyring_item_of_that_username(monkeypatch, real_keyring):
    credentials.store(PLATFORM, "ada@example.com", "pw-from-keyring", totp_secret="TOTP")
    set_env_login(monkeypatch, username="ada@example.com")

    assert credentials.lookup(PLATFORM) == Credentials(
        PLATFORM, "ada@example.com", "pw-from-keyring", totp_secret="TOTP", source="keyring"
    )


def test_keyring_item_of_another_username_is_not_mixed_in(monkeypatch, real_keyring):
    credentials.store(PLATFORM, "ada@example.com", "pw-of-ada", totp_secret="TOTP")
    set_env_login(monkeypatch, username="bob@example.com")

    assert credentials.lookup(PLATFORM) is None

    set_env_login(monkeypatch, password="pw-of-bob")
    assert credentials.lookup(PLATFORM) == Credentials(
        PLATFORM, "bob@example.com", "pw-of-bob", totp_secret=None, source="env"
    )


def test_environment_password_wins_over_the_keyring(monkeypatch, real_keyring):
    credentials.store(PLATFORM, "ada@example.com", "old-pw", totp_secret="TOTP")
    set_env_login(monkeypatch, password="new-pw")

    assert credentials.lookup(PLATFORM) == Credentials(
        PLATFORM, "ada@example.com", "new-pw", totp_secret="TOTP", source="env"
    )


def test_damaged_keyring_item_gives_a_clear_error(real_keyring):
    keyring.set_password(real_keyring, PLATFORM, "not json")

    with pytest.raises(CredentialsError) as raised:
        credentials.lookup(PLATFORM)

    assert str(raised.value) == (
        "The keyring item for linkedin is damaged. Store the login again with `optout credentials set linkedin`."
    )


def test_session_key_is_made_once_and_kept_in_the_keyring(real_keyring):
    assert credentials.keyring_available() is True
    assert credentials.session_key(create=False) is None

    key = credentials.session_key()

    assert len(key) == 44  # a Fernet key: 32 bytes, url-safe base64
    assert credentials.session_key() == key
    assert keyring.get_password(real_keyring, "session-key") == key.decode()
