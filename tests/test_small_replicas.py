"""Fast checks over HTTPS, without a browser, of what the small replicas share (common.CookieSite):
signed-out redirects, host aliases, sign-in with and without a one-time code, the settings API
and the admin API."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest

from optout.replica import SITES
from optout.replica.common import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERNAME, PENDING_COOKIE
from optout.replica.server import totp
from tests.test_replica import fetch

# replica: (its settings page, where signed-out visits go, an alias host or None)
PAGES = {
    "x": ("/settings/grok_settings", "/i/flow/login?redirect_after_login=%2Fsettings%2Fgrok_settings", "twitter.com"),
    "chatgpt": ("/", "/auth/login?next=%2F", "chat.openai.com"),
    "claude": ("/settings/data-privacy-controls", "/login?returnTo=%2Fsettings%2Fdata-privacy-controls", None),
    "discord": ("/channels/@me", "/login?redirect_to=%2Fchannels%2F%40me", "discordapp.com"),
    "github": ("/settings/copilot/features", "/login?return_to=%2Fsettings%2Fcopilot%2Ffeatures", "www.github.com"),
}
SMALL = pytest.mark.parametrize("name", list(PAGES))


def host(name: str) -> str:
    return SITES[name].hosts[0]


def cookie_header(state: dict) -> str:
    return "; ".join(f"{c['name']}={c['value']}" for c in state["cookies"])


def csrf_of(page: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def save(replica, name: str, key: str, value, cookies: str, csrf: str):
    headers = {"Cookie": cookies, "Content-Type": "application/json", "X-CSRF-Token": csrf}
    return fetch(replica, "POST", SITES[name].api_prefix + key, host=host(name),
                 body=json.dumps({"value": value}).encode(), headers=headers)


@SMALL
def test_signed_out_page_goes_to_sign_in_naming_the_page(replicas, name):
    path, signed_out, _ = PAGES[name]
    reply = fetch(replicas[name], "GET", path, host=host(name))
    assert (reply.status, reply.location) == (302, signed_out)


@pytest.mark.parametrize("name", [n for n, (_, _, alias) in PAGES.items() if alias])
def test_alias_host_redirects_to_the_main_one(replicas, name):
    path, _, alias = PAGES[name]
    reply = fetch(replicas[name], "GET", path, host=alias)
    assert (reply.status, reply.location) == (301, f"https://{host(name)}{path}")


@SMALL
def test_minted_session_reads_and_saves_through_the_settings_api(replicas, name):
    replica, site = replicas[name], SITES[name]
    cookies = cookie_header(replica.admin("session"))
    page = fetch(replica, "GET", PAGES[name][0], host=host(name), headers={"Cookie": cookies})
    assert page.status == 200
    key = next(iter(site.defaults))
    off = "Disabled" if key in site.choices else False
    assert save(replica, name, key, off, cookies, "forged").status == 403
    assert save(replica, name, key, "maybe", cookies, csrf_of(page.text)).status == 400
    assert save(replica, name, key, off, cookies, csrf_of(page.text)).status == 200
    assert replica.switches() == {**site.defaults, key: off}

    replica.reset("save-fails")
    cookies = cookie_header(replica.admin("session"))
    page = fetch(replica, "GET", PAGES[name][0], host=host(name), headers={"Cookie": cookies})
    assert save(replica, name, key, off, cookies, csrf_of(page.text)).status == 500
    assert replica.switches() == site.defaults


@pytest.mark.parametrize("name", ["x", "github"])  # without and with a one-time code
def test_sign_in_returns_to_the_page(replicas, name):
    replica, sign_in = replicas[name], SITES[name].sign_in
    form = {"login": DEMO_USERNAME, "password": DEMO_PASSWORD, "next": PAGES[name][0]}
    reply = fetch(replica, "POST", sign_in.form_action or sign_in.path, host=host(name), body=urlencode(form).encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    if sign_in.code_path:
        assert reply.location == f"{sign_in.code_path}?{urlencode({'next': PAGES[name][0]})}"
        pending = f"{PENDING_COOKIE}={reply.cookie_value(PENDING_COOKIE)}"
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": pending}
        wrong = fetch(replica, "POST", sign_in.code_path, host=host(name), headers=headers,
                      body=urlencode({"otp": "000000", "next": PAGES[name][0]}).encode())
        assert sign_in.wrong_code in wrong.text
        reply = fetch(replica, "POST", sign_in.code_path, host=host(name), headers=headers,
                      body=urlencode({"otp": totp(DEMO_TOTP_SECRET), "next": PAGES[name][0]}).encode())
    assert (reply.status, reply.location) == (302, PAGES[name][0])
    assert reply.cookie(SITES[name].session_cookie) is not None
    assert replica.state()["sign_ins"] == 1


def test_wrong_password_shows_the_platform_message(replicas):
    form = {"login": DEMO_USERNAME, "password": "not it", "next": ""}
    reply = fetch(replicas["github"], "POST", "/session", host="github.com", body=urlencode(form).encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 200 and "Incorrect username or password." in reply.text
    assert reply.cookie("user_session") is None
    assert replicas["github"].state()["sign_in_attempts"] == 1


@pytest.mark.parametrize("body, error", [
    ({"variant": "renamed"}, "unknown variant 'renamed'; choose one of: default, untied-label, save-fails"),
    ({"settings": {"model-training": "Off"}}, "no setting 'model-training' takes 'Off'; settings: "
     "product-improvements (Enabled | Disabled), model-training (Enabled | Disabled)"),
])
def test_admin_refuses_unknown_variants_and_values(replicas, body, error):
    reply = fetch(replicas["github"], "POST", "/__replica__/reset", host="127.0.0.1", body=json.dumps(body).encode())
    assert (reply.status, json.loads(reply.text)) == (400, {"error": error})
