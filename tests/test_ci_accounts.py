"""Accounts in a pipeline, without a keyring: an exported session from the environment wins over
the saved one, one that cannot be opened ends the platform's run with a clear message (and no
password sign-in), and nothing is said about sessions nobody could keep."""

from __future__ import annotations

import asyncio

import pytest

from optout.accounts import StoredAccount, known_accounts
from optout.engine import AccountUnusable, Engine, Job, RunOptions
from optout.results import State
from optout.sessions import BLOB_PREFIX, SessionStore
from tests.fakes import SWITCH, FakeDriver, make_flow, site_with

STATE = {"cookies": [{"name": "li_at", "value": "AQEDAR-secret-cookie-value", "domain": ".linkedin.com", "path": "/"}],
         "origins": []}
PASSPHRASE = "correct horse battery staple"
WRONG_PASSPHRASE = ("OPTOUT_LINKEDIN_SESSION cannot be used: The exported session cannot be decrypted: the "
                    "passphrase is wrong or the export was altered. "
                    "Export it again with `optout session export linkedin`.")


class SavedState(SessionStore):
    """A store whose saved session is STATE, as on the machine that exports it."""

    def load(self, platform: str) -> dict | None:
        return STATE


def exported(passphrase: str = PASSPHRASE) -> str:
    return SavedState().export_blob("linkedin", passphrase)


def account(warn=lambda message: None) -> StoredAccount:
    return StoredAccount("linkedin", SessionStore(), warn, may_prompt=False)


@pytest.fixture
def pipeline(no_keyring, isolated_home, monkeypatch):
    monkeypatch.setenv("CI", "true")
    for name in ("OPTOUT_LINKEDIN_SESSION", "OPTOUT_SESSION_PASSPHRASE", "OPTOUT_LINKEDIN_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_exported_session_from_the_environment_is_the_session(pipeline):
    pipeline.setenv("OPTOUT_LINKEDIN_SESSION", exported() + "\n")
    pipeline.setenv("OPTOUT_SESSION_PASSPHRASE", PASSPHRASE)
    assert account().load_session() == STATE


def test_no_saved_session_and_no_keyring_is_simply_none(pipeline):
    warnings: list[str] = []
    assert account(warnings.append).load_session() is None
    assert warnings == []


@pytest.mark.parametrize("blob, passphrase, message", [
    (exported(), "wrong passphrase", WRONG_PASSPHRASE),
    (exported()[:-12] + "AAAAAAAAAAAA", PASSPHRASE, WRONG_PASSPHRASE),
    (BLOB_PREFIX + "!!!", PASSPHRASE, "OPTOUT_LINKEDIN_SESSION cannot be used: The exported session is damaged (it is "
     "incomplete or was altered). Export it again with `optout session export linkedin`."),
    ("li_at=AQEDAR", PASSPHRASE, "OPTOUT_LINKEDIN_SESSION cannot be used: This is not an exported optout session (it "
     "should start with optout-session-v2:). Export it again with `optout session export linkedin`."),
    (exported(), "", "OPTOUT_LINKEDIN_SESSION is set but OPTOUT_SESSION_PASSPHRASE is not: set it to the passphrase "
     "the session was exported with."),
])
def test_an_exported_session_that_cannot_be_opened_is_explained(pipeline, blob, passphrase, message):
    pipeline.setenv("OPTOUT_LINKEDIN_SESSION", blob)
    pipeline.setenv("OPTOUT_SESSION_PASSPHRASE", passphrase)
    with pytest.raises(AccountUnusable) as raised:
        account().load_session()
    assert str(raised.value) == message


def test_unusable_session_makes_every_setting_login_required_without_opening_a_page(pipeline):
    pipeline.setenv("OPTOUT_LINKEDIN_SESSION", exported())
    pipeline.setenv("OPTOUT_SESSION_PASSPHRASE", "wrong passphrase")
    pipeline.setenv("OPTOUT_LINKEDIN_PASSWORD", "would-be-tried")
    driver = FakeDriver(site_with(SWITCH))
    flow = make_flow(platform="linkedin")
    [result] = asyncio.run(Engine(driver, RunOptions()).run([Job(flow, flow.settings, account())]))
    assert (result.state, result.detail) == (State.LOGIN_REQUIRED, WRONG_PASSPHRASE)
    assert driver.pages == []  # no page, so no password sign-in either


def test_save_session_in_ci_without_keyring_is_skipped_quietly(pipeline, isolated_home):
    account().save_session(STATE)  # would raise SessionError("No keyring is available ...") if tried
    assert not (isolated_home / "sessions").exists()


def test_platforms_with_secrets_in_the_environment_are_known(pipeline):
    assert known_accounts(SessionStore(), ["linkedin", "meta-ai"]) == set()
    pipeline.setenv("OPTOUT_LINKEDIN_SESSION", "anything")
    pipeline.setenv("OPTOUT_META_AI_PASSWORD", "pw")
    assert known_accounts(SessionStore(), ["linkedin", "meta-ai", "x"]) == {"linkedin", "meta-ai"}
