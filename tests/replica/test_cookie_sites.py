"""Checks over HTTPS of what the small replicas share (base.CookieSite): signed-out redirects,
host aliases, sign-in with and without a one-time code, the settings API and the admin API; and
of what ChatGPT and GitHub do that the live sites do (sign-in on auth.openai.com, overlays, a
dialog without Done, Primer's menu dropdowns). Page behaviour is driven in Chromium through
pytest-playwright's `page` (see conftest.py)."""

from __future__ import annotations

import json
import re
import time
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from optout.replica import SITES, chatgpt
from optout.replica.base import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERNAME, PENDING_COOKIE
from optout.replica.server import totp
from tests.replica.test_linkedin import fetch

in_chromium = pytest.mark.browser
COVERED_CLICK_TIMEOUT_MS = 1000  # a click that keeps landing on an overlay for this long is blocked
TRAINING = "Allow GitHub to use my data for AI model training"
IMPROVEMENTS = "Allow GitHub to use my data for product improvements"

# replica: (its settings page, where signed-out visits go, an alias host or None)
PAGES = {
    "x": ("/settings/grok_settings", "/i/flow/login?redirect_after_login=%2Fsettings%2Fgrok_settings", "twitter.com"),
    "chatgpt": ("/", "/auth/login?next=%2F", "chat.openai.com"),
    "claude": ("/settings/data-privacy-controls", "/login?returnTo=%2Fsettings%2Fdata-privacy-controls", None),
    "discord": ("/channels/@me", "/login?redirect_to=%2Fchannels%2F%40me", "discordapp.com"),
    "github": ("/settings/copilot/features", "/login?return_to=%2Fsettings%2Fcopilot%2Ffeatures", "www.github.com"),
    "udemy": ("/instructor/account/", "/join/login-popup/?next=%2Finstructor%2Faccount%2F", "udemy.com"),
    "deviantart": ("/settings/general", "/users/login?referer=%2Fsettings%2Fgeneral", "deviantart.com"),
    "alexa": ("/alexa-privacy/apd/myd/manage/improve",
              "/ap/signin?openid.return_to=%2Falexa-privacy%2Fapd%2Fmyd%2Fmanage%2Fimprove", "amazon.com"),
}
SMALL = pytest.mark.parametrize("name", list(PAGES))


def host(name: str) -> str:
    return SITES[name].hosts[0]


def cookie_header(state: dict) -> str:
    return "; ".join(f"{c['name']}={c['value']}" for c in state["cookies"])


def csrf_of(page: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def post_form(replica, host_name: str, path: str, fields: dict, cookies: str = ""):
    headers = {"Content-Type": "application/x-www-form-urlencoded", **({"Cookie": cookies} if cookies else {})}
    return fetch(replica, "POST", path, host=host_name, body=urlencode(fields).encode(), headers=headers)


def signed_in_page(replica, name: str, path: str) -> str:
    cookies = cookie_header(replica.admin("session"))
    return fetch(replica, "GET", path, host=host(name), headers={"Cookie": cookies}).text


def body_of(page: str) -> str:
    """The page's own markup, without the shared stylesheet and widget script."""
    return page.split("<body>", 1)[1].split("<script>", 1)[0]


def eventually(read, expected, seconds: float = 5):
    """read() once it equals expected (saves land a moment after the click), else its last value."""
    deadline = time.monotonic() + seconds
    while (value := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


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
    reply = post_form(replica, host(name), sign_in.form_action or sign_in.path, form)
    if sign_in.code_path:
        assert reply.location == f"{sign_in.code_path}?{urlencode({'next': PAGES[name][0]})}"
        pending = f"{PENDING_COOKIE}={reply.cookie_value(PENDING_COOKIE)}"
        wrong = post_form(replica, host(name), sign_in.code_path, {"otp": "000000", "next": PAGES[name][0]}, pending)
        assert sign_in.wrong_code in wrong.text
        reply = post_form(replica, host(name), sign_in.code_path,
                          {"otp": totp(DEMO_TOTP_SECRET), "next": PAGES[name][0]}, pending)
    assert (reply.status, reply.location) == (302, PAGES[name][0])
    assert reply.cookie(SITES[name].session_cookie) is not None
    assert replica.state()["sign_ins"] == 1


def test_wrong_password_shows_the_platform_message(replicas):
    form = {"login": DEMO_USERNAME, "password": "not it", "next": ""}
    reply = post_form(replicas["github"], "github.com", "/session", form)
    assert reply.status == 200 and "Incorrect username or password." in reply.text
    assert reply.cookie("user_session") is None
    assert replicas["github"].state()["sign_in_attempts"] == 1


@pytest.mark.parametrize("body, error", [
    ({"variant": "renamed"}, "unknown variant 'renamed'; choose one of: default, native-select, untied-label, "
     "save-fails"),
    ({"settings": {"model-training": "Off"}}, "no setting 'model-training' takes 'Off'; settings: "
     "product-improvements (Enabled | Disabled), model-training (Enabled | Disabled)"),
])
def test_admin_refuses_unknown_variants_and_values(replicas, body, error):
    reply = fetch(replicas["github"], "POST", "/__replica__/reset", host="127.0.0.1", body=json.dumps(body).encode())
    assert (reply.status, json.loads(reply.text)) == (400, {"error": error})


# --- ChatGPT: sign-in on auth.openai.com, overlays, a sub-dialog without Done ---------------------


def test_chatgpt_signs_in_on_auth_openai_com_and_comes_back_with_a_one_time_code(replicas):
    replica, session_cookie = replicas["chatgpt"], SITES["chatgpt"].session_cookie
    to_auth = fetch(replica, "GET", "/auth/login?next=%2F", host="chatgpt.com")
    assert (to_auth.status, to_auth.location) == (302, "https://auth.openai.com/log-in?next=%2F")

    email_step = fetch(replica, "GET", "/log-in?next=%2F", host="auth.openai.com")
    assert '<label for="username">Email address</label>' in email_step.text
    assert 'type="password"' not in email_step.text and ">Continue</button>" in email_step.text
    password_step = post_form(replica, "auth.openai.com", "/log-in", {"login": DEMO_USERNAME, "next": "/"})
    assert '<label for="password">Password</label>' in password_step.text
    assert replica.state()["sign_in_attempts"] == 0  # giving the email is not an attempt

    handed_back = post_form(replica, "auth.openai.com", "/log-in",
                            {"login": DEMO_USERNAME, "password": DEMO_PASSWORD, "next": "/"})
    assert handed_back.location.startswith("https://chatgpt.com/api/auth/callback/openai?code=")
    assert handed_back.cookie(session_cookie) is None  # auth.openai.com can't set chatgpt.com's cookie
    callback = handed_back.location.removeprefix("https://chatgpt.com")
    signed_in = fetch(replica, "GET", callback, host="chatgpt.com")
    assert (signed_in.status, signed_in.location) == (302, "/")
    assert signed_in.cookie(session_cookie) is not None
    assert fetch(replica, "GET", callback, host="chatgpt.com").location == "/"  # the code works once: home, signed out
    assert replica.state()["sign_ins"] == 1


def test_chatgpt_shows_overlays_only_in_their_variant(replicas):
    replica = replicas["chatgpt"]
    assert chatgpt.WHATS_NEW_HEADING not in signed_in_page(replica, "chatgpt", "/")
    replica.reset("overlays")
    page = signed_in_page(replica, "chatgpt", "/")
    assert f'<h2 id="whats-new-title">{chatgpt.WHATS_NEW_HEADING}</h2>' in page
    assert f'data-appears-ms="{chatgpt.ANNOUNCEMENT_DELAY_MS}" hidden>' in page  # hidden until a script shows it
    assert f">{chatgpt.DISMISS}</button>" in page and f">{chatgpt.TOUR_BUTTON}</button>" in page


@pytest.mark.parametrize("variant, done, close", [("default", True, False), ("no-done", False, True)])
def test_chatgpt_model_improvement_dialog_has_done_or_a_close_button(replicas, variant, done, close):
    replicas["chatgpt"].reset(variant)
    page = signed_in_page(replicas["chatgpt"], "chatgpt", "/")
    close_button = '>Model improvement</h2><button class="plain" aria-label="Close" data-closes>'
    commits_on_done = 'id="model-improvement" data-closable data-commit-group'
    assert (">Done</button>" in page, close_button in page, commits_on_done in page) == (done, close, done)


# --- GitHub: Primer ActionMenu dropdowns, or native selects -----------------------------------------


@pytest.mark.parametrize("variant, menus, selects", [
    ("default", 2, 0), ("untied-label", 2, 0), ("native-select", 0, 2)])
def test_github_draws_the_decoy_and_the_setting_alike(replicas, variant, menus, selects):
    replicas["github"].reset(variant)
    page = body_of(signed_in_page(replicas["github"], "github", "/settings/copilot/features"))
    assert (page.count('role="menu"'), page.count("<select")) == (menus, selects)
    assert page.count('role="menuitemradio"') == 2 * menus
    assert page.count('aria-labelledby="label-') == {"default": 4, "untied-label": 0, "native-select": 2}[variant]


# --- In Chromium -------------------------------------------------------------------------------------


def assert_covered(control) -> None:
    """The control is there, but a click on it lands on something in front of it."""
    with pytest.raises(PlaywrightError, match="intercepts pointer events"):
        control.click(timeout=COVERED_CLICK_TIMEOUT_MS)


@in_chromium
def test_chatgpt_overlays_take_the_clicks_until_dismissed(replicas, sign_in, page):
    replicas["chatgpt"].reset("overlays")
    sign_in("chatgpt")
    page.goto("https://chatgpt.com/")
    announcement = page.get_by_role("dialog", name=chatgpt.WHATS_NEW_HEADING)
    expect(announcement).to_be_visible()
    assert_covered(page.get_by_role("button", name="Open profile menu"))
    announcement.get_by_role("button", name=chatgpt.DISMISS).click()

    page.get_by_role("button", name="Open profile menu").click()
    page.get_by_role("menuitem", name="Settings").click()
    tour = page.get_by_role("dialog", name=chatgpt.TOUR_HEADING)
    expect(tour).to_be_visible()
    assert_covered(page.get_by_role("tab", name="Data controls"))
    tour.get_by_role("button", name=chatgpt.TOUR_BUTTON).click()
    page.get_by_role("tab", name="Data controls").click()
    expect(page.get_by_role("button", name=re.compile(f"^{chatgpt.LABEL}"))).to_be_visible()


@in_chromium
def test_chatgpt_switch_without_done_saves_itself_and_escape_closes(replicas, sign_in, page):
    replicas["chatgpt"].reset("no-done")
    sign_in("chatgpt")
    page.goto("https://chatgpt.com/#settings/DataControls")
    page.get_by_role("button", name=re.compile(f"^{chatgpt.LABEL}")).click()
    dialog = page.get_by_role("dialog", name="Model improvement")
    expect(dialog.get_by_role("button", name="Done")).to_have_count(0)
    dialog.get_by_role("switch", name=chatgpt.LABEL).click()
    assert eventually(replicas["chatgpt"].switches, {"improve-model": False}) == {"improve-model": False}
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("dialog", name="Settings")).to_be_visible()  # only the front-most closes


@in_chromium
@pytest.mark.parametrize("variant, shown, saved", [
    ("default", "Disabled", "Disabled"), ("save-fails", "Enabled", "Enabled")])
def test_github_menu_choice_saves_or_is_put_back(replicas, sign_in, page, variant, shown, saved):
    replicas["github"].reset(variant)
    sign_in("github")
    page.goto("https://github.com/settings/copilot/features")
    button = page.get_by_role("button", name=TRAINING, exact=True)
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    menu = page.get_by_role("menu", name=TRAINING)
    expect(menu.get_by_role("menuitemradio", name="Enabled")).to_have_attribute("aria-checked", "true")
    menu.get_by_role("menuitemradio", name="Disabled").click()
    expect(menu).to_be_hidden()
    if variant == "save-fails":
        expect(page.get_by_role("alert")).to_have_text("Something went wrong. Please try again.")
    expect(button).to_contain_text(shown)
    expected = {"product-improvements": "Enabled", "model-training": saved}
    assert eventually(replicas["github"].switches, expected) == expected
    expect(page.get_by_role("button", name=IMPROVEMENTS, exact=True)).to_contain_text("Enabled")
