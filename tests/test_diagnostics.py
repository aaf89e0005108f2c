"""Diagnostics bundles: what the scrubber removes from a Playwright trace, and when the engine
asks the page for a bundle (undetermined settings only) with which secrets."""

from __future__ import annotations

import asyncio
import json
import zipfile
from pathlib import Path

import pyotp

from optout.diagnostics import REDACTED, scrub_trace, secret_forms, stored_values
from optout.engine import Engine, Job, RunOptions
from optout.results import State
from tests.fakes import SWITCH, TOTP_SECRET, El, FakeDriver, FakeSite, MemoryAccount, Secrets, make_flow, site_with

PASSWORD = 'pa ss"word&1+'
COOKIE = "AQEDAR-session-cookie-0123456789"
STRANGER_COOKIE = "tracking-id-never-seen-by-optout"


def fake_trace(path: Path) -> None:
    """The entries Playwright writes, holding secrets the way a real trace does."""
    events = [
        {"type": "before", "method": "fill", "params": {"selector": "internal:label=\"Password\"i", "value": PASSWORD}},
        {"type": "frame-snapshot",
         "snapshot": {"html": ["INPUT", {"__playwright_value_": PASSWORD, "id": "password"}]}},
        {"type": "after", "method": "storageState", "result": {"cookies": [{"name": "li_at", "value": COOKIE}]}},
        {"type": "before", "method": "waitForTimeout", "params": {"timeout": 250}, "startTime": 2365.576},
    ]
    network = {"type": "resource-snapshot", "snapshot": {
        "request": {"headers": [{"name": "Cookie", "value": f"li_at={COOKIE}; bcookie={STRANGER_COOKIE}"},
                                {"name": "Accept", "value": "text/html"}],
                    "cookies": [{"name": "bcookie", "value": STRANGER_COOKIE}]},
        "response": {"headers": [{"name": "set-cookie", "value": f"bcookie={STRANGER_COOKIE}; Secure"}]}}}
    with zipfile.ZipFile(path, "w") as trace:
        trace.writestr("trace.trace", "\n".join(json.dumps(event) for event in events) + "\n")
        trace.writestr("trace.network", json.dumps(network) + "\n")
        trace.writestr("resources/form.dat", "session_key=a%40example.com&session_password=pa+ss%22word%261%2B")
        trace.writestr("resources/page.html", '<input value="pa ss&quot;word&amp;1+">')


def read_entries(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as trace:
        return {name: trace.read(name).decode() for name in trace.namelist()}


def test_trace_is_scrubbed_of_known_secrets_in_every_encoding_and_of_every_cookie(tmp_path):
    raw, path = tmp_path / "raw.zip", tmp_path / "trace.zip"
    fake_trace(raw)

    scrub_trace(raw, path, [PASSWORD, COOKIE])

    entries = read_entries(path)
    assert sorted(entries) == ["resources/form.dat", "resources/page.html", "trace.network", "trace.trace"]
    for name, text in entries.items():
        for secret in (PASSWORD, COOKIE, STRANGER_COOKIE, "pa+ss%22word", "pa ss&quot;word"):
            assert secret not in text, f"{secret!r} left in {name}"
    events = [json.loads(line) for line in entries["trace.trace"].splitlines()]
    assert events[0]["params"]["value"] == REDACTED
    assert events[1]["snapshot"]["html"][1]["__playwright_value_"] == REDACTED
    assert events[2]["result"]["cookies"] == [{"name": "li_at", "value": REDACTED}]
    assert events[3] == {"type": "before", "method": "waitForTimeout", "params": {"timeout": 250},
                         "startTime": 2365.576}  # numbers and the rest untouched
    request = json.loads(entries["trace.network"])["snapshot"]["request"]
    assert request["headers"] == [{"name": "Cookie", "value": REDACTED}, {"name": "Accept", "value": "text/html"}]
    assert entries["resources/form.dat"] == "session_key=a%40example.com&session_password=***"


def test_secret_forms_cover_form_json_and_html_encodings():
    assert secret_forms(['a "b"+c']) == ["a &quot;b&quot;+c", "a%20%22b%22%2Bc", "a+%22b%22%2Bc",
                                        'a \\"b\\"+c', 'a "b"+c']


def test_stored_values_are_cookie_and_local_storage_values_long_enough_to_be_credentials():
    state = {"cookies": [{"name": "li_at", "value": COOKIE}, {"name": "lang", "value": "v=2&lang=en-us"},
                         {"name": "JSESSIONID", "value": '"ajax:6876788717349973262"'}, {"name": "x", "value": "1"}],
             "origins": [{"origin": "https://www.linkedin.com",
                          "localStorage": [{"name": "t", "value": "token-abcdefgh"}]}]}
    assert stored_values(state) == [COOKIE, "ajax:6876788717349973262", "token-abcdefgh", "v=2&lang=en-us"]
    assert stored_values(None) == []


def run_with_diagnostics(site: FakeSite, account: MemoryAccount, tmp_path: Path):
    driver = FakeDriver(site)
    engine = Engine(driver, RunOptions(diagnostics_dir=tmp_path / "diagnostics"))
    flow = make_flow()
    [result] = asyncio.run(engine.run([Job(flow, flow.settings, account)]))
    return result, driver.pages[0].diagnoses


def test_undetermined_setting_gets_a_bundle_with_the_password_and_the_code_typed(tmp_path):
    site = site_with(El(role="switch", name="Renamed", region="Renamed", setting="ai"), login_challenge="code")
    account = MemoryAccount(Secrets("person@example.com", "s3cret-pass", TOTP_SECRET))

    result, diagnoses = run_with_diagnostics(site, account, tmp_path)

    assert result.state == State.FLOW_OUTDATED
    [(directory, secrets)] = diagnoses
    assert directory == tmp_path / "diagnostics" / "example-ai"
    assert secrets[:2] == ["s3cret-pass", TOTP_SECRET]
    assert len(secrets) == 3 and pyotp.TOTP(TOTP_SECRET).verify(secrets[2], valid_window=1)


def test_determined_settings_get_no_bundle(tmp_path):
    account = MemoryAccount(Secrets("person@example.com", "s3cret-pass"))
    result, diagnoses = run_with_diagnostics(site_with(SWITCH), account, tmp_path)
    assert (result.state, diagnoses) == (State.OPTED_IN, [])
