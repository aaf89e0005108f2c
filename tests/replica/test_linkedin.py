"""Fast checks of the LinkedIn replica (and its look-alike sign-in site) over real HTTPS,
without a browser."""

from __future__ import annotations

import http.client
import json
import re
import socket
import ssl
from dataclasses import dataclass
from email.message import Message
from html import escape, unescape
from urllib.parse import urlencode

import pytest

from optout.replica import HOSTS, SITES, start_replica
from optout.replica.linkedin import (
    COOKIE_NOTICE,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DEMO_USERNAME,
    NOT_OFFERED,
    PREMIUM_PROMOTION,
    WRONG_CODE,
    WRONG_CREDENTIALS,
    WRONG_PASSWORD_CURLY,
)
from optout.replica.server import totp, totp_matches

SITE_HOST = "www.linkedin.com"
LOOKALIKE_HOST = "login.linkedin-auth.com"
ADMIN_HOST = "127.0.0.1"
LOGIN_SUBMIT = "/checkpoint/lg/login-submit"
PRIVACY_PAGE = "/mypreferences/d/categories/privacy"
GENAI_PAGE = "/mypreferences/d/settings/data-for-ai-improvement"
GENAI_LABEL = "Use my data for training content creation AI models"
GENAI_API = "/mypreferences/api/settings/generative-ai"
RESEARCH_PAGE = "/mypreferences/d/settings/policy-and-academic-research"
GENAI_LABEL_DE = "Meine Daten für das Training von KI-Modellen zur Inhaltserstellung verwenden"


@dataclass
class Reply:
    status: int
    headers: Message
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def cookie(self, name: str) -> str | None:
        """The Set-Cookie line for name, if the reply sets it."""
        lines = self.headers.get_all("Set-Cookie") or []
        return next((line for line in lines if line.startswith(f"{name}=")), None)

    def cookie_value(self, name: str) -> str:
        return self.cookie(name).split(";", 1)[0].split("=", 1)[1]


@pytest.fixture(scope="session")
def server():
    with start_replica("linkedin") as running:
        yield running


@pytest.fixture(autouse=True)
def fresh_state(server):
    admin(server, "POST", "reset", {"variant": "default"})


def fetch(server, method, path, *, host=SITE_HOST, body=None, headers=None) -> Reply:
    connection = http.client.HTTPSConnection(
        "127.0.0.1", server.port, context=ssl._create_unverified_context(), timeout=10
    )
    try:
        connection.request(method, path, body=body, headers={"Host": host, **(headers or {})})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read().decode("utf-8"))
    finally:
        connection.close()


def admin(server, method, action, payload=None, *, host=ADMIN_HOST) -> Reply:
    body = json.dumps(payload).encode() if payload is not None else None
    return fetch(server, method, f"/__replica__/{action}", host=host, body=body)


def state(server) -> dict:
    return json.loads(admin(server, "GET", "state").text)


def post_form(server, path, fields, cookies="") -> Reply:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookies:
        headers["Cookie"] = cookies
    return fetch(server, "POST", path, body=urlencode(fields).encode(), headers=headers)


def sign_in(server, password=DEMO_PASSWORD, next_path="") -> Reply:
    fields = {"session_key": DEMO_USERNAME, "session_password": password, "session_redirect": next_path}
    return post_form(server, LOGIN_SUBMIT, fields)


def session_cookies(reply: Reply) -> str:
    """A Cookie header carrying the session a sign-in reply set."""
    return f"li_at={reply.cookie_value('li_at')}; JSESSIONID={reply.cookie_value('JSESSIONID')}"


def signed_in(server) -> tuple[str, str]:
    """Sign in; return the Cookie header and the csrf token the page scripts would send."""
    reply = sign_in(server)
    return session_cookies(reply), reply.cookie_value("JSESSIONID").strip('"')


def save(server, cookies, csrf_token, enabled) -> Reply:
    headers = {"Cookie": cookies, "Content-Type": "application/json", "csrf-token": csrf_token}
    return fetch(server, "POST", GENAI_API, body=json.dumps({"enabled": enabled}).encode(), headers=headers)


def switches(page: str) -> list[str]:
    return re.findall(r'<button[^>]*role="switch"[^>]*>', page)


def text_of(html: str) -> str:
    """The words a reader sees in an HTML fragment: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def link_names(page: str) -> dict[str, str]:
    """Each link's href (unescaped) and the text it is named by."""
    links = re.findall(r'<a\b[^>]*\bhref="([^"]+)"[^>]*>(.*?)</a>', page)
    return {unescape(href): text_of(inner) for href, inner in links}


def html_lang(page: str) -> str:
    return re.match(r'<!DOCTYPE html><html lang="([a-z]+)">', page).group(1)


def interruption(page: str) -> str | None:
    """The dialog a script will lay over the page, with its delay: (markup, ms); None if none."""
    found = re.search(r'<template id="interruption" data-delay-ms="(\d+)">(.*?)</template>', page, re.S)
    return found and (found.group(2), int(found.group(1)))


def member_page(server, variant: str, path: str) -> Reply:
    admin(server, "POST", "variant", {"variant": variant})
    cookies, _ = signed_in(server)
    return fetch(server, "GET", path, headers={"Cookie": cookies})


# --- signing in ---


def test_signed_out_settings_page_redirects_to_login(server):
    reply = fetch(server, "GET", GENAI_PAGE)
    assert reply.status == 302
    assert reply.location == "/login?session_redirect=%2Fmypreferences%2Fd%2Fsettings%2Fdata-for-ai-improvement"


def test_login_page_has_documented_fields_and_posts_to_login_submit(server):
    page = fetch(server, "GET", "/login").text
    for text in (">Email or phone</label>", ">Password</label>", ">Sign in</button>", f'action="{LOGIN_SUBMIT}"'):
        assert text in page


def test_sign_in_sets_session_cookie_and_returns_to_the_page(server):
    reply = sign_in(server, next_path=GENAI_PAGE)
    assert reply.status == 302 and reply.location == GENAI_PAGE
    li_at = reply.cookie("li_at")
    assert "HttpOnly" in li_at and "Secure" in li_at and "Path=/" in li_at
    current = state(server)
    assert current["sign_ins"] == 1 and current["sessions"] == [reply.cookie_value("li_at")]


def test_sign_in_without_redirect_goes_to_feed_with_settings_link(server):
    reply = sign_in(server)
    assert reply.location == "/feed/"
    feed = fetch(server, "GET", "/feed/", headers={"Cookie": session_cookies(reply)}).text
    assert ">Me</summary>" in feed and "Settings &amp; Privacy</a>" in feed


@pytest.mark.parametrize("variant, message", [
    ("default", WRONG_CREDENTIALS),
    ("wrong-password-curly", WRONG_PASSWORD_CURLY),
])
def test_wrong_password_rerenders_the_form_at_login_submit(server, variant, message):
    admin(server, "POST", "variant", {"variant": variant})
    reply = sign_in(server, password="wrong")  # the answer to the POST: the URL stays login-submit
    assert reply.status == 200 and reply.cookie("li_at") is None
    assert f'role="alert">{escape(message)}</p>' in reply.text
    assert f'action="{LOGIN_SUBMIT}"' in reply.text and ">Email or phone</label>" in reply.text
    assert state(server)["sign_in_attempts"] == 1 and state(server)["sign_ins"] == 0


def test_curly_message_has_the_typographic_apostrophe():
    assert "that\u2019s" in WRONG_PASSWORD_CURLY and "'" not in WRONG_PASSWORD_CURLY


def test_login_submit_opened_directly_goes_to_login(server):
    reply = fetch(server, "GET", LOGIN_SUBMIT)
    assert reply.status == 302 and reply.location == "/login"


def test_expired_sessions_must_sign_in_again(server):
    cookies, _ = signed_in(server)
    admin(server, "POST", "expire-sessions")
    assert fetch(server, "GET", GENAI_PAGE, headers={"Cookie": cookies}).status == 302
    assert state(server)["sessions"] == []


def test_bare_domain_redirects_to_www(server):
    reply = fetch(server, "GET", "/login", host="linkedin.com")
    assert reply.status == 301 and reply.location == "https://www.linkedin.com/login"


# --- the switch ---


def test_settings_page_shows_the_documented_switch_on(server):
    cookies, _ = signed_in(server)
    page = fetch(server, "GET", GENAI_PAGE, headers={"Cookie": cookies}).text
    assert "<h1" in page and "Data for Generative AI Improvement</h1>" in page
    assert f'id="generative-ai-label" class="toggle-label">{GENAI_LABEL}<' in page
    [switch] = switches(page)
    assert 'aria-checked="true"' in switch and 'aria-labelledby="generative-ai-label"' in switch


def test_privacy_page_links_name_each_setting_with_its_state(server):
    admin(server, "POST", "settings", {"research": False})
    cookies, _ = signed_in(server)
    page = fetch(server, "GET", PRIVACY_PAGE, headers={"Cookie": cookies}).text
    assert "How LinkedIn uses your data" in page and "Who can reach you" in page
    names = link_names(page)
    assert names[GENAI_PAGE] == "Data for Generative AI Improvement On"
    assert names[RESEARCH_PAGE] == "Social, economic, and workplace research Off"
    assert names["/mypreferences/d/settings/research-invitations"] == "Research invitations On"
    assert names["/mypreferences/d/settings/download-your-data"] == "Get a copy of your data"  # no switch


def test_research_page_has_its_own_switch_at_the_policy_and_academic_url(server):
    cookies, _ = signed_in(server)
    page = fetch(server, "GET", RESEARCH_PAGE, headers={"Cookie": cookies}).text
    [switch] = switches(page)
    assert 'data-setting="research"' in switch and ">Use data for research<" in page
    old_slug = "/mypreferences/d/settings/social-economic-workplace-research"
    assert fetch(server, "GET", old_slug, headers={"Cookie": cookies}).status == 404


def test_save_api_changes_server_state_and_the_page(server):
    cookies, csrf_token = signed_in(server)
    reply = save(server, cookies, csrf_token, False)
    assert reply.status == 200 and json.loads(reply.text) == {"key": "generative-ai", "enabled": False}
    assert state(server)["settings"]["generative-ai"] is False
    assert state(server)["settings"]["research"] is True
    page = fetch(server, "GET", GENAI_PAGE, headers={"Cookie": cookies}).text
    assert 'aria-checked="false"' in switches(page)[0]


def test_save_api_requires_csrf_token(server):
    cookies, _ = signed_in(server)
    assert save(server, cookies, "ajax:forged", False).status == 403
    assert state(server)["settings"]["generative-ai"] is True


def test_save_fails_variant_returns_500_and_keeps_state(server):
    admin(server, "POST", "variant", {"variant": "save-fails"})
    cookies, csrf_token = signed_in(server)
    assert save(server, cookies, csrf_token, False).status == 500
    assert state(server)["settings"]["generative-ai"] is True


def test_admin_can_turn_a_switch_back_on(server):
    admin(server, "POST", "reset", {"settings": {"generative-ai": False}})
    assert state(server)["settings"]["generative-ai"] is False
    admin(server, "POST", "settings", {"generative-ai": True})
    assert state(server)["settings"]["generative-ai"] is True


# --- variants ---


def page_in_variant(server, variant: str) -> Reply:
    return member_page(server, variant, GENAI_PAGE)


def test_untied_label_names_the_switch_by_its_state(server):
    page = page_in_variant(server, "untied-label").text
    [switch] = switches(page)
    assert 'aria-label="On"' in switch and "aria-labelledby" not in switch
    assert f'<p class="toggle-label">{GENAI_LABEL}</p>' in page


def test_decoy_switch_comes_before_the_real_one(server):
    page = page_in_variant(server, "decoy").text
    decoy, real = switches(page)
    assert 'data-setting="profile-recommendations"' in decoy and 'data-setting="generative-ai"' in real


def test_duplicate_shows_two_identically_labelled_switches(server):
    page = page_in_variant(server, "duplicate").text
    assert len(switches(page)) == 2 and page.count(f">{GENAI_LABEL}<") == 2


def test_renamed_drops_the_documented_words(server):
    page = page_in_variant(server, "renamed").text
    assert len(switches(page)) == 1 and GENAI_LABEL not in page


def test_not_offered_has_no_switch(server):
    page = page_in_variant(server, "not-offered").text
    assert NOT_OFFERED in page and switches(page) == []


def test_late_render_ships_a_skeleton_and_a_template(server):
    page = page_in_variant(server, "late-render").text
    before_template = page.split("<template", 1)[0]
    assert 'class="skeleton"' in before_template and switches(before_template) == []
    assert len(switches(page)) == 1  # inside the template, for the script


def test_server_error_variant(server):
    reply = page_in_variant(server, "server-error")
    assert reply.status == 500 and "Something went wrong" in reply.text


def test_unknown_variant_is_refused(server):
    reply = admin(server, "POST", "variant", {"variant": "nope"})
    assert reply.status == 400 and state(server)["variant"] == "default"


# --- checkpoints ---


def challenge_after_password(server, variant: str) -> str:
    admin(server, "POST", "variant", {"variant": variant})
    reply = sign_in(server, next_path=GENAI_PAGE)
    assert reply.status == 302 and reply.location.startswith("/checkpoint/challenge/")
    assert reply.cookie("li_at") is None
    return reply.location


def test_two_step_page_has_the_live_field_and_button_ids(server):
    page = fetch(server, "GET", challenge_after_password(server, "two-step")).text
    assert html_lang(page) == "en"
    [pin] = re.findall(r'<input[^>]*name="pin"[^>]*>', page)
    assert 'id="input__phone_verification_pin"' in pin
    assert '<label for="input__phone_verification_pin">Enter code</label>' in page
    assert re.search(r'<button type="submit" id="two-step-submit-button"[^>]*>Submit</button>', page)


def test_two_step_accepts_the_current_code_and_rejects_a_wrong_one(server):
    challenge = challenge_after_password(server, "two-step")
    wrong_code = next(c for c in ("000000", "111111", "222222") if not totp_matches(DEMO_TOTP_SECRET, c))
    wrong = post_form(server, challenge, {"pin": wrong_code})
    assert wrong.status == 200 and escape(WRONG_CODE) in wrong.text
    right = post_form(server, challenge, {"pin": totp(DEMO_TOTP_SECRET)})
    assert right.status == 302 and right.location == GENAI_PAGE and right.cookie("li_at")


def test_checkpoint_can_never_be_passed(server):
    challenge = challenge_after_password(server, "checkpoint")
    assert "Let's do a quick security check" in fetch(server, "GET", challenge).text
    reply = post_form(server, challenge, {"captcha": "on"})
    assert reply.status == 200 and reply.cookie("li_at") is None
    assert state(server)["sessions"] == []


def test_totp_matches_rfc6238_and_allows_one_step_of_drift():
    rfc_secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890"
    assert totp(rfc_secret, at=59) == "287082"  # RFC 6238 test vector, last 6 digits
    assert totp(rfc_secret, at=1111111109) == "081804"
    code = totp(DEMO_TOTP_SECRET, at=1_000_000)
    assert totp_matches(DEMO_TOTP_SECRET, code, at=1_000_030)
    assert not totp_matches(DEMO_TOTP_SECRET, code, at=1_000_090)


# --- the account picker ---


def test_account_picker_hides_the_form_until_another_account_is_chosen(server):
    admin(server, "POST", "variant", {"variant": "account-picker"})
    picker = fetch(server, "GET", "/login?" + urlencode({"session_redirect": GENAI_PAGE})).text
    assert ">Welcome back</h1>" in picker and 'role="button"' in picker
    names = link_names(picker)
    assert "Continue as Demo" in names.values() and "Sign in using another account" in names.values()
    assert "Email or phone" not in picker and "session_password" not in picker
    other = next(href for href, name in names.items() if name == "Sign in using another account")
    form = fetch(server, "GET", other).text
    assert ">Email or phone</label>" in form and ">Password</label>" in form and ">Sign in</button>" in form
    assert f'name="session_redirect" value="{GENAI_PAGE}"' in form


def test_continuing_as_the_remembered_account_still_needs_the_password(server):
    admin(server, "POST", "variant", {"variant": "account-picker"})
    names = link_names(fetch(server, "GET", "/login").text)
    remembered = next(href for href, name in names.items() if name == "Continue as Demo")
    page = fetch(server, "GET", remembered).text
    assert ">Password</label>" in page and "Email or phone" not in page
    assert "Sign in using another account" in page
    wrong = post_form(server, LOGIN_SUBMIT, {"session_key": DEMO_USERNAME, "session_password": ""})
    assert wrong.status == 200 and wrong.cookie("li_at") is None
    assert state(server)["sessions"] == [] and state(server)["sign_ins"] == 0


# --- interruptions: the EU cookie dialog, the Premium promotion ---


def test_cookie_dialog_is_scripted_over_the_sign_in_and_settings_pages(server):
    admin(server, "POST", "variant", {"variant": "eu-cookies"})
    for page in (fetch(server, "GET", "/login").text, member_page(server, "eu-cookies", GENAI_PAGE).text):
        dialog, delay_ms = interruption(page)
        assert delay_ms == 0 and switches(dialog) == []  # there on arrival, as in saved copies of the live pages
        assert 'class="interruption-overlay"' in dialog and 'role="dialog"' in dialog
        assert COOKIE_NOTICE in text_of(dialog)
        assert re.findall(r">(Accept|Reject)</button>", dialog) == ["Accept", "Reject"]
        assert "document.getElementById(\"interruption\")" in page  # the script that shows it


def test_reject_is_recorded_and_the_dialog_does_not_return(server):
    admin(server, "POST", "variant", {"variant": "eu-cookies"})
    assert state(server)["cookie_choice"] is None
    headers = {"Content-Type": "application/json"}
    refused = fetch(server, "POST", "/cookie-consent/", body=b'{"choice": "maybe"}', headers=headers)
    assert refused.status == 400
    reply = fetch(server, "POST", "/cookie-consent/", body=b'{"choice": "rejected"}', headers=headers)
    assert reply.status == 200 and reply.cookie("li_gc")
    current = state(server)
    assert current["cookie_choice"] == "rejected" and current["cookie_choices"] == ["rejected"]
    answered = fetch(server, "GET", "/login", headers={"Cookie": f"li_gc={reply.cookie_value('li_gc')}"}).text
    assert interruption(answered) is None
    admin(server, "POST", "reset", {})
    assert state(server)["cookie_choices"] == []


def test_default_variant_has_no_interruption(server):
    assert interruption(fetch(server, "GET", "/login").text) is None
    assert interruption(page_in_variant(server, "default").text) is None


def test_premium_promotion_covers_settings_pages_only(server):
    dialog, delay_ms = interruption(page_in_variant(server, "overlay").text)
    assert delay_ms == 0 and f">{PREMIUM_PROMOTION}</h2>" in dialog
    assert 'class="interruption-overlay"' in dialog
    assert re.search(r'<button[^>]*aria-label="Dismiss"', dialog)
    assert interruption(fetch(server, "GET", "/login").text) is None


# --- the account in German ---


def test_german_settings_pages_are_lang_de_without_the_english_words(server):
    page = page_in_variant(server, "german").text
    assert html_lang(page) == "de"
    assert f'class="toggle-label">{GENAI_LABEL_DE}</span>' in page
    assert ">Daten zur Verbesserung generativer KI</h1>" in page
    assert GENAI_LABEL not in page and "Data for Generative AI Improvement" not in page
    assert 'class="toggle-state">An</span>' in page


def test_german_research_and_privacy_pages(server):
    research = member_page(server, "german", RESEARCH_PAGE).text
    assert ">Daten für Forschungszwecke verwenden<" in research and "Use data for research" not in research
    privacy = member_page(server, "german", PRIVACY_PAGE).text
    assert html_lang(privacy) == "de" and ">Datenschutz</h1>" in privacy
    assert link_names(privacy)[GENAI_PAGE] == "Daten zur Verbesserung generativer KI An"


def test_german_account_leaves_other_pages_english(server):
    admin(server, "POST", "variant", {"variant": "german"})
    assert html_lang(fetch(server, "GET", "/login").text) == "en"
    cookies, _ = signed_in(server)
    assert html_lang(fetch(server, "GET", "/feed/", headers={"Cookie": cookies}).text) == "en"


@pytest.mark.parametrize("variant", ["default", "german", "eu-cookies", "account-picker", "overlay"])
def test_every_page_declares_its_language(server, variant):
    admin(server, "POST", "variant", {"variant": variant})
    pages = [fetch(server, "GET", path).text for path in ("/login", "/login?account=remembered", "/nowhere")]
    pages.append(sign_in(server, password="wrong").text)
    cookies, _ = signed_in(server)
    for path in ("/feed/", PRIVACY_PAGE, GENAI_PAGE, RESEARCH_PAGE, "/mypreferences/d/settings/messages"):
        pages.append(fetch(server, "GET", path, headers={"Cookie": cookies}).text)
    assert all(html_lang(page) in ("en", "de") for page in pages)


# --- the look-alike sign-in on another domain ---


@pytest.fixture(scope="session")
def lookalike():
    with start_replica("lookalike") as running:
        yield running


def test_redirect_foreign_sends_login_to_the_lookalike_host(server):
    admin(server, "POST", "variant", {"variant": "redirect-foreign"})
    signed_out = fetch(server, "GET", GENAI_PAGE)
    assert signed_out.location == "/login?session_redirect=%2Fmypreferences%2Fd%2Fsettings%2Fdata-for-ai-improvement"
    reply = fetch(server, "GET", signed_out.location)
    assert reply.status == 302
    assert reply.location == f"https://{LOOKALIKE_HOST}{signed_out.location}"


def test_lookalike_copies_the_sign_in_form_and_records_what_is_typed(lookalike):
    admin(lookalike, "POST", "reset", {"variant": "default", "settings": {}})
    page = fetch(lookalike, "GET", "/login?session_redirect=%2Ffeed%2F", host=LOOKALIKE_HOST).text
    for text in (">Email or phone</label>", ">Password</label>", ">Sign in</button>", 'action="/login"'):
        assert text in page
    assert 'addEventListener("input"' in page and 'fetch("/collect"' in page
    typed = json.dumps({"field": "session_key", "value": "demo@exa"}).encode()
    headers = {"Content-Type": "application/json"}
    assert fetch(lookalike, "POST", "/collect", host=LOOKALIKE_HOST, body=typed, headers=headers).status == 200
    posted = fetch(lookalike, "POST", "/login", host=LOOKALIKE_HOST,
                   body=urlencode({"session_key": DEMO_USERNAME, "session_password": "hunter2"}).encode(),
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert posted.status == 200 and WRONG_CREDENTIALS in posted.text
    looked = json.loads(admin(lookalike, "GET", "state").text)
    assert looked["page_views"] == 1
    assert looked["captured"] == [
        {"via": "input", "field": "session_key", "value": "demo@exa"},
        {"via": "form", "field": "session_key", "value": DEMO_USERNAME},
        {"via": "form", "field": "session_password", "value": "hunter2"},
    ]
    admin(lookalike, "POST", "reset", {})
    assert json.loads(admin(lookalike, "GET", "state").text)["captured"] == []


def test_lookalike_admin_is_local_only_and_has_no_settings(lookalike):
    assert admin(lookalike, "GET", "state", host=LOOKALIKE_HOST).status == 403
    assert admin(lookalike, "POST", "reset", {"settings": {"generative-ai": False}}).status == 400
    assert admin(lookalike, "POST", "variant", {"variant": "decoy"}).status == 400
    assert json.loads(admin(lookalike, "POST", "session").text) == {"cookies": [], "origins": []}


# --- infrastructure ---


def test_admin_api_refuses_the_mapped_host_name(server):
    assert admin(server, "GET", "state", host=SITE_HOST).status == 403
    assert admin(server, "POST", "expire-sessions", host=SITE_HOST).status == 403


def test_certificate_is_valid_for_the_real_host_name(server):
    context = ssl.create_default_context(cafile=str(server.cert_file))
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=SITE_HOST) as tls:
            assert tls.version()


def test_lookalike_is_registered_so_the_origin_map_covers_it():
    assert "lookalike" in SITES and HOSTS["lookalike"] == [LOOKALIKE_HOST]
