import json
import logging
import os
import stat
import subprocess
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor

import keyring
import pytest

from optout import credentials
from optout.accounts import CredentialsRefused, StoredAccount
from optout.credentials import Credentials, CredentialsError
from optout.engine import AccountUnusable
from optout.exitcodes import ExitCode
from optout.flow import load_flow
from optout.flow.loader import bundled_flows_dir
from optout.replica.linkedin import DEMO_PASSWORD, DEMO_USERNAME
from optout.sessions import SessionStore
from tests.fakes import CLI_KEYRING_SERVICE

PLATFORM = "linkedin"
DOMAINS = ["www.linkedin.com", "linkedin.com"]  # the bundled LinkedIn flow's


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


NO_KEYRING_TO_STORE = (
    "No system keyring is available to store the login for linkedin (the keyring backend is "
    "keyring.backends.fail.Keyring). Run a Secret Service keyring (such as gnome-keyring) in your session, or set "
    "OPTOUT_LINKEDIN_USERNAME and OPTOUT_LINKEDIN_PASSWORD instead."
)


def test_store_without_keyring_raises_a_clear_error(no_keyring, isolated_home):
    with pytest.raises(credentials.NoKeyring) as raised:
        credentials.store(PLATFORM, "ada@example.com", "pw", domains=DOMAINS)

    assert str(raised.value) == NO_KEYRING_TO_STORE
    assert credentials.stored_platforms() == {}


def test_set_without_a_keyring_exits_with_its_own_code_before_asking_for_the_password(optout_cli, no_keyring,
                                                                                       isolated_home):
    code, out, err = optout_cli("credentials", "set", "linkedin", "--username", "ada@example.com", "--password-stdin")
    assert (code, out, err) == (ExitCode.NO_KEYRING, "", f"error: {NO_KEYRING_TO_STORE}\n")


def test_remove_without_keyring_raises_a_clear_error(no_keyring, isolated_home):
    with pytest.raises(CredentialsError) as raised:
        credentials.remove(PLATFORM)

    assert str(raised.value) == (
        "Could not remove the login for linkedin from the system keyring "
        "(no system keyring is available). Unlock the keyring and try again."
    )


def test_the_session_key_name_is_not_a_platform():
    with pytest.raises(ValueError, match="Not a platform name: 'session-key'"):
        credentials.store("session-key", "someone", "pw", domains=DOMAINS)


@pytest.mark.parametrize("name", ["../../x", "linkedin/generative-ai", "LinkedIn", "", "-x", "a b", "x\n"])
def test_anything_but_a_platform_id_is_refused_before_the_keyring_or_a_file_is_touched(name, monkeypatch):
    monkeypatch.setattr(credentials, "_usable_backend", lambda: pytest.fail("the keyring was asked"))
    monkeypatch.setattr(credentials, "optout_home", lambda: pytest.fail("a file was looked at"))

    for attempt in (lambda: credentials.store(name, "ada", "pw", domains=DOMAINS), lambda: credentials.remove(name),
                    lambda: credentials.lookup(name)):
        with pytest.raises(ValueError, match="Not a platform name"):
            attempt()


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
    credentials.store(PLATFORM, "ada@example.com", "pw-s3cret", totp_secret="TOTP", domains=DOMAINS)

    assert credentials.lookup(PLATFORM) == Credentials(
        PLATFORM, "ada@example.com", "pw-s3cret", totp_secret="TOTP", source="keyring", domains=tuple(DOMAINS)
    )
    assert json.loads(keyring.get_password(real_keyring, PLATFORM)) == {
        "username": "ada@example.com",
        "password": "pw-s3cret",
        "totp_secret": "TOTP",
        "domains": DOMAINS,
    }
    index = isolated_home / "accounts.json"
    assert json.loads(index.read_text()) == {"linkedin": "ada@example.com"}
    assert stat.S_IMODE(index.stat().st_mode) == 0o600
    assert stat.S_IMODE(isolated_home.stat().st_mode) == 0o700
    assert credentials.stored_platforms() == {"linkedin": "ada@example.com"}


def test_remove_forgets_the_login(real_keyring):
    credentials.store(PLATFORM, "ada@example.com", "pw", domains=DOMAINS)
    credentials.store("youtube", "ada", "pw2", domains=["www.youtube.com"])

    assert credentials.remove(PLATFORM) is True
    assert credentials.remove(PLATFORM) is False
    assert credentials.lookup(PLATFORM) is None
    assert keyring.get_password(real_keyring, PLATFORM) is None
    assert credentials.stored_platforms() == {"youtube": "ada"}


def test_environment_username_takes_the_rest_from_the_keyring_item_of_that_username(monkeypatch, real_keyring):
    credentials.store(PLATFORM, "ada@example.com", "pw-from-keyring", totp_secret="TOTP", domains=DOMAINS)
    set_env_login(monkeypatch, username="ada@example.com")

    assert credentials.lookup(PLATFORM) == Credentials(
        PLATFORM, "ada@example.com", "pw-from-keyring", totp_secret="TOTP", source="keyring", domains=tuple(DOMAINS)
    )


def test_keyring_item_of_another_username_is_not_mixed_in(monkeypatch, real_keyring):
    credentials.store(PLATFORM, "ada@example.com", "pw-of-ada", totp_secret="TOTP", domains=DOMAINS)
    set_env_login(monkeypatch, username="bob@example.com")

    assert credentials.lookup(PLATFORM) is None

    set_env_login(monkeypatch, password="pw-of-bob")
    assert credentials.lookup(PLATFORM) == Credentials(
        PLATFORM, "bob@example.com", "pw-of-bob", totp_secret=None, source="env"
    )


def test_environment_password_wins_over_the_keyring(monkeypatch, real_keyring):
    credentials.store(PLATFORM, "ada@example.com", "old-pw", totp_secret="TOTP", domains=DOMAINS)
    set_env_login(monkeypatch, password="new-pw")

    # The TOTP secret still comes from the stored login, so its domains still apply.
    assert credentials.lookup(PLATFORM) == Credentials(
        PLATFORM, "ada@example.com", "new-pw", totp_secret="TOTP", source="env", domains=tuple(DOMAINS)
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


# A stored login belongs to the sites it was stored for.


def flow_file(directory, *extra_domains):
    """The bundled LinkedIn flow, with more domains where its password would be typed: what a
    flow in OPTOUT_FLOWS might be."""
    bundled = (bundled_flows_dir() / "linkedin.yaml").read_text(encoding="utf-8")
    original = "domains: [www.linkedin.com, linkedin.com]"
    assert original in bundled
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "linkedin.yaml"
    path.write_text(bundled.replace(original, f"domains: [{', '.join([*DOMAINS, *extra_domains])}]"), encoding="utf-8")
    return path


def account(path=None, may_prompt=False):
    loaded = load_flow(path or bundled_flows_dir() / "linkedin.yaml")
    return StoredAccount(PLATFORM, SessionStore(), lambda message: None, may_prompt=may_prompt,
                         flow=loaded.flow, flow_file=loaded.path)


def refusal(path, stored_for="www.linkedin.com, linkedin.com", typed_on="evil.example"):
    return (f"The stored login for linkedin is for {stored_for}; the flow in {path} would type it on {typed_on}. "
            "Run `optout credentials set linkedin` again to allow that.")


def test_a_stored_login_is_given_to_flows_for_the_sites_it_was_stored_for(real_keyring, tmp_path):
    credentials.store(PLATFORM, "ada@example.com", "pw", domains=DOMAINS)

    assert account().credentials().password == "pw"
    # A subdomain of a stored domain is that site's own, as for the flow's navigation rule.
    assert account(flow_file(tmp_path, "m.linkedin.com")).credentials().password == "pw"


def test_a_stored_login_is_refused_to_a_flow_that_would_type_it_elsewhere(real_keyring, tmp_path):
    credentials.store(PLATFORM, "ada@example.com", "pw", totp_secret="TOTP", domains=DOMAINS)
    path = flow_file(tmp_path, "evil.example")

    with pytest.raises(CredentialsRefused) as raised:
        account(path).credentials()

    assert isinstance(raised.value, AccountUnusable)  # the engine's login_required with this message
    assert str(raised.value) == refusal(path)


def test_a_login_stored_before_domains_were_recorded_is_for_the_bundled_flow(real_keyring, tmp_path):
    old_item = {"username": "ada@example.com", "password": "pw", "totp_secret": None}
    keyring.set_password(real_keyring, PLATFORM, json.dumps(old_item))
    path = flow_file(tmp_path, "evil.example")

    assert account().credentials().password == "pw"
    with pytest.raises(CredentialsRefused) as raised:
        account(path).credentials()
    assert str(raised.value) == refusal(path)


def test_environment_credentials_are_given_to_whatever_flow_runs(monkeypatch, real_keyring, tmp_path):
    """The person set them for this run: there is no stored login to protect."""
    credentials.store(PLATFORM, "ada@example.com", "stored-pw", domains=DOMAINS)
    set_env_login(monkeypatch, username="bob@example.com", password="env-pw")

    login = account(flow_file(tmp_path, "evil.example")).credentials()

    assert (login.username, login.password, login.source, login.domains) == ("bob@example.com", "env-pw", "env", None)


def test_the_prompt_names_the_sites_the_password_will_be_typed_on(monkeypatch, real_keyring, tmp_path):
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr("builtins.input", lambda label: "ada@example.com")
    asked = []
    monkeypatch.setattr("getpass.getpass", lambda label: asked.append(label) or "pw")

    account(flow_file(tmp_path, "evil.example"), may_prompt=True).credentials()

    assert asked[0] == "linkedin password for ada@example.com (to be typed on www.linkedin.com, linkedin.com, evil.example): "


# The `optout credentials` commands, run as a person would.


def keyring_item(platform=PLATFORM):
    item = keyring.get_password(CLI_KEYRING_SERVICE, platform)
    return json.loads(item) if item else None


def test_set_reads_one_line_for_the_password_and_records_the_sites(cli):
    stored = cli("credentials", "set", PLATFORM, "--username", "ada@example.com", "--password-stdin",
                 input="pw-line-one\nnot the password\n")

    assert stored.returncode == 0, stored.stderr
    assert stored.stdout == ("Stored credentials for linkedin (ada@example.com) in the keyring, "
                             "for www.linkedin.com, linkedin.com.\n")
    assert keyring_item() == {"username": "ada@example.com", "password": "pw-line-one", "totp_secret": None,
                              "domains": DOMAINS}


def test_set_reads_the_totp_secret_from_the_line_after_the_password(cli):
    stored = cli("credentials", "set", PLATFORM, "--username", "ada@example.com", "--password-stdin", "--totp-stdin",
                 input="pw\nJBSWY3DPEHPK3PXP\nthird line\n")

    assert stored.returncode == 0, stored.stderr
    assert (keyring_item()["password"], keyring_item()["totp_secret"]) == ("pw", "JBSWY3DPEHPK3PXP")
    shown = " ".join(cli("credentials", "set", "--help").stdout.split())  # --help wraps its lines
    assert "--totp-stdin Also read a TOTP secret from stdin: the line after the password with --password-stdin, " \
           "else the first line." in shown


@pytest.mark.parametrize(("flags", "stdin", "message"), [
    (["--password-stdin", "--totp-stdin"], "pw\n\n", "The TOTP secret is empty; nothing was stored."),
    (["--totp-stdin"], "JBSWY3DPEHPK3PXP\n", "No terminal to ask for the password: use --password-stdin."),
    (["--password-stdin", "--totp", "--totp-stdin"], "pw\nJBSWY3DPEHPK3PXP\n", "Use --totp or --totp-stdin, not both."),
])
def test_set_with_a_missing_or_doubly_asked_totp_secret_stores_nothing(cli, flags, stdin, message):
    refused = cli("credentials", "set", PLATFORM, "--username", "ada@example.com", *flags, input=stdin)

    assert (refused.returncode, refused.stderr, refused.stdout) == (2, f"error: {message}\n", "")
    assert keyring_item() is None


@pytest.mark.parametrize(("name", "message"), [
    ("../../x", "'../../x' is not a platform name (such as linkedin); nothing was changed."),
    ("linkedin/generative-ai", "'linkedin/generative-ai' is not a platform name (such as linkedin); nothing was changed."),
    ("nonesuch", "Unknown platform 'nonesuch'. Known: "),
])
def test_remove_of_what_is_not_a_known_platform_touches_nothing(cli, name, message):
    cli.store_demo_credentials()

    refused = cli("credentials", "remove", name)

    assert refused.returncode == 2
    assert refused.stderr.startswith(f"error: {message}") and refused.stderr.count("\n") == 1, refused.stderr
    assert keyring_item()["username"] == DEMO_USERNAME
    assert json.loads((cli.home / "accounts.json").read_text()) == {PLATFORM: DEMO_USERNAME}


def check_linkedin(cli, **env):
    completed = cli("check", PLATFORM, "--json", env=env)
    return completed, json.loads(completed.stdout)["results"]


def test_a_flow_from_optout_flows_is_refused_a_login_stored_for_other_sites(cli, linkedin, tmp_path):
    cli.store_demo_credentials()
    path = flow_file(tmp_path / "flows", "evil.example")

    completed, results = check_linkedin(cli, OPTOUT_FLOWS=str(path.parent))

    assert {(r["state"], r["detail"]) for r in results} == {("login_required", refusal(path))}
    assert linkedin.state()["sign_ins"] == 0
    assert (f"warning: OPTOUT_FLOWS ACTIVE: flows come from {path.parent}, not the bundled ones; stored logins are "
            "only given to flows that would type them on the sites they were stored for.\n") in completed.stderr


def test_an_older_optouts_stored_login_works_only_for_the_bundled_flows_sites(cli, linkedin, tmp_path):
    old_item = {"username": DEMO_USERNAME, "password": DEMO_PASSWORD, "totp_secret": None}
    keyring.set_password(CLI_KEYRING_SERVICE, PLATFORM, json.dumps(old_item))
    path = flow_file(tmp_path / "flows", "evil.example")

    _, replaced = check_linkedin(cli, OPTOUT_FLOWS=str(path.parent))
    _, bundled = check_linkedin(cli)  # after: once signed in, the saved session would be used

    assert {(r["state"], r["detail"]) for r in replaced} == {("login_required", refusal(path))}
    assert {r["state"] for r in bundled} == {"opted_in"}


# What the engine asks an account for besides the login: one-time codes and where else a login can come from.


def test_the_account_makes_one_time_codes_from_the_logins_totp_secret(monkeypatch, no_keyring):
    set_env_login(monkeypatch, username="ada@example.com", password="pw", totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")

    code = account().one_time_code()

    assert len(code) == 6 and code.isdigit()


def test_a_totp_secret_that_is_not_one_makes_the_account_unusable(monkeypatch, no_keyring):
    set_env_login(monkeypatch, username="ada@example.com", password="pw", totp_secret="SHORT")

    with pytest.raises(AccountUnusable) as raised:
        account().one_time_code()

    assert str(raised.value) == ("The stored TOTP secret for LinkedIn is not a valid base32 secret of at least 112 bits; "
                                 "store it again with `optout credentials set`.")


def test_sign_in_advice_is_the_command_for_a_person_and_the_variable_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert account().sign_in_advice() == "Run `optout login linkedin`."
    monkeypatch.setenv("CI", "true")
    assert account().sign_in_advice() == ("In CI, set OPTOUT_LINKEDIN_SESSION "
                                          "(from `optout session export linkedin`).")


def test_threads_asking_the_keyring_at_once_are_answered_one_at_a_time(real_keyring, monkeypatch):
    """The engine loads each platform's session on a thread of its own. Secret Service calls from
    threads at once were told that items which exist do not, and gnome-keyring-daemon 42 crashed."""
    credentials.store(PLATFORM, DEMO_USERNAME, DEMO_PASSWORD, domains=DOMAINS)
    key = credentials.session_key()
    backend, in_flight, most_at_once = keyring.get_keyring(), [0], [0]
    real_get_password = backend.get_password

    def counted_get_password(*args):
        in_flight[0] += 1
        most_at_once[0] = max(most_at_once[0], in_flight[0])
        try:
            return real_get_password(*args)
        finally:
            in_flight[0] -= 1

    monkeypatch.setattr(backend, "get_password", counted_get_password)

    def ask(_: int) -> tuple[bytes | None, str | None]:
        found = credentials.lookup(PLATFORM)
        return credentials.session_key(create=False), found.password if found else None

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = set(pool.map(ask, range(16)))

    assert (answers, most_at_once[0]) == ({(key, DEMO_PASSWORD)}, 1)


def test_a_call_the_backend_failed_is_asked_once_more_and_a_refusal_of_keyrings_is_not(monkeypatch):
    """Another program writing to the Secret Service can make an item vanish mid-search for a
    moment; a locked keyring or a dismissed prompt is the person's answer and stands (and no new
    session key is made over the one it holds)."""
    from keyring.errors import KeyringLocked

    class FailsFirst:
        def __init__(self, error):
            self.error, self.calls, self.stored = error, 0, []

        def get_password(self, service, username):
            self.calls += 1
            if self.calls == 1:
                raise self.error
            return "a-session-key"

        def set_password(self, service, username, password):
            self.stored.append(password)

    monkeypatch.setattr(credentials, "RETRY_PAUSE", 0)
    lost_reply = FailsFirst(RuntimeError("Item does not exist!"))
    monkeypatch.setattr(credentials, "_active_backend", lambda: lost_reply)
    assert (credentials.session_key(), lost_reply.calls, lost_reply.stored) == (b"a-session-key", 2, [])

    locked = FailsFirst(KeyringLocked("Failed to unlock the collection!"))
    monkeypatch.setattr(credentials, "_active_backend", lambda: locked)
    assert (credentials.session_key(), locked.calls, locked.stored) == (None, 1, [])
