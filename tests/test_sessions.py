import base64
import stat

import keyring
import pytest

from optout import credentials, sessions
from optout.sessions import BLOB_PREFIX, SessionError, SessionStore, WeakPassphrase

PLATFORM = "linkedin"
COOKIE_VALUE = "AQEDAR-secret-cookie-value"
STATE = {
    "cookies": [{"name": "li_at", "value": COOKIE_VALUE, "domain": ".linkedin.com", "path": "/"}],
    "origins": [],
}
CANNOT_DECRYPT = (
    "The saved session for linkedin cannot be decrypted (it was saved with another key or has "
    "been altered). Run `optout login linkedin` again."
)
WRONG_PASSPHRASE = "The exported session cannot be decrypted: the passphrase is wrong or the export was altered."
DAMAGED_BLOB = "The exported session is damaged (it is incomplete or was altered)."


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def flip_one_character(text, position):
    replacement = "A" if text[position] != "A" else "B"
    return text[:position] + replacement + text[position + 1 :]


def test_missing_session_loads_as_none(isolated_home):
    store = SessionStore()

    assert store.load(PLATFORM) is None
    assert store.exists(PLATFORM) is False
    assert store.delete(PLATFORM) is False
    assert store.saved_platforms() == []


def test_platform_names_cannot_be_paths(isolated_home):
    with pytest.raises(ValueError, match=r"Not a platform name: '\.\./linkedin'"):
        SessionStore().load("../linkedin")


def test_save_without_keyring_refuses_and_writes_nothing(no_keyring, isolated_home):
    store = SessionStore()

    with pytest.raises(SessionError) as raised:
        store.save(PLATFORM, STATE)

    assert str(raised.value) == (
        "No keyring is available to hold the session key, so the session is not saved. "
        "Unlock or set up the system keyring, then run `optout login linkedin` again."
    )
    assert not (isolated_home / "sessions").exists()


def test_import_blob_rejects_text_that_is_not_an_export():
    with pytest.raises(SessionError) as raised:
        SessionStore.import_blob("hello", "passphrase")

    assert str(raised.value) == "This is not an exported optout session (it should start with optout-session-v2:)."


@pytest.mark.parametrize("body", ["", "!!!", base64.urlsafe_b64encode(b"short").decode()])
def test_import_blob_rejects_a_truncated_or_garbled_export(body):
    with pytest.raises(SessionError) as raised:
        SessionStore.import_blob(BLOB_PREFIX + body, "passphrase")

    assert str(raised.value) == DAMAGED_BLOB


# Below: a real Secret Service keyring (run under scripts/with-keyring), no mocks.


def test_saved_session_round_trips_encrypted_in_a_private_file(real_keyring, isolated_home):
    store = SessionStore()

    path = store.save(PLATFORM, STATE)

    assert path == isolated_home / "sessions" / "linkedin.session"
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert mode(isolated_home) == 0o700
    assert COOKIE_VALUE.encode() not in path.read_bytes()
    assert b"li_at" not in path.read_bytes()
    assert store.load(PLATFORM) == STATE
    assert store.exists(PLATFORM) is True
    assert store.saved_platforms() == ["linkedin"]


def test_delete_removes_the_session(real_keyring):
    store = SessionStore()
    store.save(PLATFORM, STATE)

    assert store.delete(PLATFORM) is True
    assert store.exists(PLATFORM) is False
    assert store.load(PLATFORM) is None


def test_explicit_home_is_used_instead_of_optout_home(real_keyring, isolated_home, tmp_path):
    other_home = tmp_path / "other-home"
    store = SessionStore(home=other_home)

    path = store.save(PLATFORM, STATE)

    assert path == other_home / "sessions" / "linkedin.session"
    assert mode(other_home) == 0o700
    assert mode(path.parent) == 0o700
    assert SessionStore().exists(PLATFORM) is False
    assert store.load(PLATFORM) == STATE


def test_tampered_session_file_cannot_be_decrypted(real_keyring):
    store = SessionStore()
    path = store.save(PLATFORM, STATE)
    path.write_text(flip_one_character(path.read_text(), 60))

    with pytest.raises(SessionError) as raised:
        store.load(PLATFORM)

    assert str(raised.value) == CANNOT_DECRYPT


def test_session_saved_with_another_key_cannot_be_decrypted(real_keyring):
    store = SessionStore()
    store.save(PLATFORM, STATE)
    keyring.delete_password(real_keyring, credentials.SESSION_KEY_ENTRY)

    with pytest.raises(SessionError) as key_gone:
        store.load(PLATFORM)
    credentials.session_key()  # a new key, as after a keyring reset
    with pytest.raises(SessionError) as key_replaced:
        store.load(PLATFORM)

    assert str(key_gone.value) == CANNOT_DECRYPT
    assert str(key_replaced.value) == CANNOT_DECRYPT


def test_saved_session_cannot_be_read_without_keyring(real_keyring, request):
    store = SessionStore()
    store.save(PLATFORM, STATE)
    request.getfixturevalue("no_keyring")  # the keyring goes away

    with pytest.raises(SessionError) as raised:
        store.load(PLATFORM)

    assert str(raised.value) == (
        "No keyring is available to hold the session key, so the saved session for linkedin "
        "cannot be read. Unlock or set up the system keyring and try again."
    )


def test_export_then_import_with_the_passphrase(real_keyring):
    store = SessionStore()
    store.save(PLATFORM, STATE)

    blob = store.export_blob(PLATFORM, "correct horse battery staple")

    assert blob.startswith(BLOB_PREFIX)
    assert COOKIE_VALUE not in blob
    assert store.export_blob(PLATFORM, "correct horse battery staple") != blob  # fresh salt each time
    assert SessionStore.import_blob(blob + "\n", "correct horse battery staple") == STATE


def test_import_with_a_wrong_passphrase_fails_clearly(real_keyring):
    store = SessionStore()
    store.save(PLATFORM, STATE)
    blob = store.export_blob(PLATFORM, "correct horse battery staple")

    with pytest.raises(SessionError) as raised:
        store.import_blob(blob, "wrong passphrase")

    assert str(raised.value) == WRONG_PASSPHRASE


@pytest.mark.parametrize("position", [len(BLOB_PREFIX) + 3, len(BLOB_PREFIX) + 40, -10])
def test_import_of_a_tampered_export_fails_clearly(real_keyring, position):
    store = SessionStore()
    store.save(PLATFORM, STATE)
    blob = store.export_blob(PLATFORM, "correct horse battery staple")

    with pytest.raises(SessionError) as raised:
        store.import_blob(flip_one_character(blob, position), "correct horse battery staple")

    assert str(raised.value) == WRONG_PASSPHRASE


def test_export_needs_a_saved_session_and_a_passphrase(real_keyring):
    store = SessionStore()

    with pytest.raises(SessionError) as no_session:
        store.export_blob(PLATFORM, PASSPHRASE)
    with pytest.raises(SessionError) as no_passphrase:
        store.export_blob(PLATFORM, "")

    assert str(no_session.value) == (
        "There is no saved session for linkedin to export. Run `optout login linkedin` first."
    )
    assert str(no_passphrase.value) == "Choose a passphrase to protect the exported session."


def test_export_needs_a_passphrase_of_at_least_12_characters(real_keyring):
    store = SessionStore()
    store.save(PLATFORM, STATE)

    with pytest.raises(WeakPassphrase) as raised:
        store.export_blob(PLATFORM, "eleven-char")

    assert str(raised.value) == (
        "The passphrase has 11 characters; an export needs at least 12 (a few words are easy to "
        "type and hard to guess). Nothing was exported."
    )
    assert SessionStore.import_blob(store.export_blob(PLATFORM, "twelve-chars"), "twelve-chars") == STATE


PASSPHRASE = "correct horse battery staple"


def test_an_export_records_its_scrypt_cost_of_at_least_2_to_the_17():
    blob = sessions.seal(STATE, PASSPHRASE)
    header = base64.urlsafe_b64decode(blob.removeprefix(BLOB_PREFIX))[:3]
    log2_n, r, p = header
    assert (log2_n, r, p) == sessions.SCRYPT and log2_n >= 17
    assert SessionStore.import_blob(blob, PASSPHRASE) == STATE


def test_an_export_made_before_the_cost_was_recorded_is_still_read():
    """v1 blobs: salt + token, made with scrypt N=2**15, r=8, p=1 (what CI secrets may still hold)."""
    salt = bytes(range(sessions.SALT_BYTES))
    token = sessions._passphrase_fernet(PASSPHRASE, salt, (15, 8, 1)).encrypt(b'{"cookies": [], "origins": []}')
    v1 = "optout-session-v1:" + base64.urlsafe_b64encode(salt + base64.urlsafe_b64decode(token)).decode()
    assert SessionStore.import_blob(v1, PASSPHRASE) == {"cookies": [], "origins": []}


def test_an_export_asking_for_an_absurd_scrypt_cost_is_refused_without_trying():
    blob = sessions.seal(STATE, PASSPHRASE)
    payload = base64.urlsafe_b64decode(blob.removeprefix(BLOB_PREFIX))
    hostile = BLOB_PREFIX + base64.urlsafe_b64encode(bytes([40, 8, 1]) + payload[3:]).decode()
    with pytest.raises(SessionError) as raised:
        SessionStore.import_blob(hostile, PASSPHRASE)  # 2**40 x 1 KiB would never end
    assert str(raised.value) == WRONG_PASSPHRASE


def test_a_directory_in_place_of_a_session_file_is_a_session_error(isolated_home):
    path = isolated_home / "sessions" / "linkedin.session"
    path.mkdir(parents=True)

    with pytest.raises(SessionError) as raised:
        SessionStore().load(PLATFORM)

    assert str(raised.value) == (
        f"The saved session for linkedin cannot be read ({path}: Is a directory). Move it aside; "
        "`optout login linkedin` saves a new one."
    )
