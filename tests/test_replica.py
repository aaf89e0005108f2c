"""Fast checks of the LinkedIn replica over real HTTPS, without a browser."""

from __future__ import annotations

import http.client
import json
import re
import socket
import ssl
from dataclasses import dataclass
from email.message import Message
from html import escape
from urllib.parse import urlencode

import pytest

from optout.replica import start_replica
from optout.replica.linkedin import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DEMO_USERNAME,
    NOT_OFFERED,
    WRONG_CODE,
    WRONG_CREDENTIALS,
)
from optout.replica.server import totp, totp_matches

SITE_HOST = "www.linkedin.com"
ADMIN_HOST = "127.0.0.1"
GENAI_PAGE = "/mypreferences/d/settings/data-for-ai-improvement"
GENAI_LABEL = "Use my data for training content creation AI models"
GENAI_API = "/mypreferences/api/settings/generative-ai"


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
    return post_form(server, "/login", fields)


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


# --- signing in ---


def test_signed_out_settings_page_redirects_to_login(server):
    reply = fetch(server, "GET", GENAI_PAGE)
    assert reply.status == 302
    assert reply.location == "/login?session_redirect=%2Fmypreferences%2Fd%2Fsettings%2Fdata-for-ai-improvement"


def test_login_page_has_documented_fields(server):
    page = fetch(server, "GET", "/login").text
    for text in (">Email or phone</label>", ">Password</label>", ">Sign in</button>"):
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


def test_wrong_password_rerenders_login_with_error(server):
    reply = sign_in(server, password="wrong")
    assert reply.status == 200 and reply.cookie("li_at") is None
    assert WRONG_CREDENTIALS in reply.text and 'action="/login"' in reply.text
    assert state(server)["sign_in_attempts"] == 1 and state(server)["sign_ins"] == 0


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


def test_privacy_page_links_both_settings_and_research_invitations(server):
    cookies, _ = signed_in(server)
    page = fetch(server, "GET", "/mypreferences/d/categories/privacy", headers={"Cookie": cookies}).text
    for text in (
        "How LinkedIn uses your data",
        f'href="{GENAI_PAGE}">Data for Generative AI Improvement</a>',
        'href="/mypreferences/d/settings/social-economic-workplace-research">Social, economic, and workplace research</a>',
        "Who can reach you",
        ">Research invitations</a>",
    ):
        assert text in page


def test_research_page_has_its_own_switch(server):
    cookies, _ = signed_in(server)
    page = fetch(server, "GET", "/mypreferences/d/settings/social-economic-workplace-research", headers={"Cookie": cookies}).text
    [switch] = switches(page)
    assert 'data-setting="research"' in switch and ">Use data for research<" in page


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
    admin(server, "POST", "variant", {"variant": variant})
    cookies, _ = signed_in(server)
    return fetch(server, "GET", GENAI_PAGE, headers={"Cookie": cookies})


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


def test_two_step_accepts_the_current_code_and_rejects_a_wrong_one(server):
    challenge = challenge_after_password(server, "two-step")
    page = fetch(server, "GET", challenge).text
    assert "Enter the code" in page and ">Verification code</label>" in page
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


# --- infrastructure ---


def test_admin_api_refuses_the_mapped_host_name(server):
    assert admin(server, "GET", "state", host=SITE_HOST).status == 403
    assert admin(server, "POST", "expire-sessions", host=SITE_HOST).status == 403


def test_certificate_is_valid_for_the_real_host_name(server):
    context = ssl.create_default_context(cafile=str(server.cert_file))
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=SITE_HOST) as tls:
            assert tls.version()
