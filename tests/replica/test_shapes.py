"""Fast checks, without a browser or a network, of what the Facebook, Instagram, Gemini,
WordPress.com and Medium replicas do around signing in (a person can complete it in `optout
login`, and signed-out visits land where the flows expect), of what they do that the live sites
do (WordPress.com's two-step log-in, Google refusing a browser, Gemini's confirmation, Meta's
form in Italian and German), and that every page of these and the small replicas names its
language; then, in Chromium, the steps that need a script."""

from __future__ import annotations

import re
from email.message import Message
from html import escape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from optout.replica import SITES, gemini, google, wordpress
from optout.replica.base import DEMO_PASSWORD, DEMO_USERNAME
from optout.replica.cookie_sites import CSRF_FIELD
from optout.replica.meta import GERMAN, ITALIAN
from optout.replica.server import Request, Response

FACEBOOK_FORM = "https://www.facebook.com/help/contact/712876720715583"
GEMINI_PAGE = "https://myactivity.google.com/product/gemini"
IDENTIFIER = "https://accounts.google.com/v3/signin/identifier"


def request(method: str, url: str, *, cookies: str = "", form: dict | None = None) -> Request:
    parts = urlsplit(url)
    headers = Message()
    headers["Host"] = parts.hostname
    if cookies:
        headers["Cookie"] = cookies
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return Request(method, parts.path, query, headers, urlencode(form or {}).encode())


def session_cookie(response: Response) -> str:
    return next(value for name, value in response.headers if name == "Set-Cookie")


def location(response: Response) -> str:
    return dict(response.headers)["Location"]


def text(response: Response) -> str:
    return response.body.decode("utf-8")


def minted_cookies(site) -> str:
    return "; ".join(f"{c['name']}={c['value']}" for c in site.mint_session()["cookies"])


@pytest.mark.parametrize("platform, page, sign_in", [
    ("facebook", "https://www.facebook.com/help/contact/712876720715583", "/login/?next="),
    ("instagram", "https://help.instagram.com/contact/767264225370182",
     "https://www.instagram.com/accounts/login/?next=https%3A%2F%2Fhelp.instagram.com%2Fcontact%2F767264225370182"),
    ("gemini", "https://myactivity.google.com/product/gemini",
     "https://accounts.google.com/ServiceLogin?continue=https%3A%2F%2Fmyactivity.google.com%2Fproduct%2Fgemini"),
    ("wordpress", "https://wordpress.com/settings/general/travel-notes.wordpress.com", "/log-in?redirect_to="),
    ("medium", "https://medium.com/me/settings", "/m/signin?redirect="),
])
def test_signed_out_visits_go_to_the_sign_in_page(platform, page, sign_in):
    response = SITES[platform]().handle(request("GET", page))
    assert response.status == 302
    assert dict(response.headers)["Location"].startswith(sign_in)


@pytest.mark.parametrize("platform, sign_in_url, page, domain", [
    ("gemini", IDENTIFIER, GEMINI_PAGE, ".google.com"),
    ("instagram", "https://www.instagram.com/accounts/login/", "https://help.instagram.com/contact/767264225370182",
     ".instagram.com"),
])
def test_signing_in_on_the_accounts_host_covers_the_settings_host(platform, sign_in_url, page, domain):
    site = SITES[platform]()
    form = {"login": DEMO_USERNAME, "password": DEMO_PASSWORD, "next": page}
    signed_in = site.handle(request("POST", sign_in_url, form=form))
    assert (signed_in.status, dict(signed_in.headers)["Location"]) == (302, page)
    cookie = session_cookie(signed_in)
    assert f"; Domain={domain}" in cookie
    assert site.handle(request("GET", page, cookies=cookie.split(";")[0])).status == 200
    assert {c["domain"] for c in site.mint_session()["cookies"]} == {domain}


def test_a_return_address_on_another_site_is_not_followed():
    form = {"login": DEMO_USERNAME, "password": DEMO_PASSWORD, "next": "https://evil.example/"}
    signed_in = SITES["gemini"]().handle(request("POST", IDENTIFIER, form=form))
    assert dict(signed_in.headers)["Location"] == "https://myactivity.google.com/product/gemini"


def test_a_form_post_without_the_session_token_is_refused():
    site = SITES["facebook"]()
    response = site.handle(request("POST", FACEBOOK_FORM, cookies=minted_cookies(site), form={"email": DEMO_USERNAME}))
    assert response.status == 403
    assert site.state()["submissions"] == 0


# --- WordPress.com: the password after Continue -----------------------------------------------------


def test_wordpress_asks_for_the_password_only_after_continue():
    site = SITES["wordpress"]()
    first = text(site.handle(request("GET", "https://wordpress.com/log-in")))
    assert '<label for="username">Email address or username</label>' in first
    assert 'type="password"' not in first and ">Continue</button>" in first
    second = text(site.handle(request("POST", "https://wordpress.com/log-in", form={"login": DEMO_USERNAME})))
    assert '<label for="password">Password</label>' in second and ">Log In</button>" in second
    assert f'value="{DEMO_USERNAME}"' in second
    assert site.state()["sign_in_attempts"] == 0


@pytest.mark.parametrize("username, message", [
    (DEMO_USERNAME, wordpress.WRONG_PASSWORD), ("nobody@example.com", wordpress.UNKNOWN_USER)])
def test_wordpress_says_which_part_was_wrong(username, message):
    site = SITES["wordpress"]()
    form = {"login": username, "password": "not it", "next": ""}
    refused = text(site.handle(request("POST", "https://wordpress.com/log-in", form=form)))
    assert f'role="alert">{escape(message)}</p>' in refused
    assert 'type="password"' in refused  # still the second step
    assert site.state()["sign_in_attempts"] == 1


# --- Google: the identifier page, and a browser Google refuses ---------------------------------------


def test_google_sign_in_starts_with_the_email():
    site = SITES["gemini"]()
    service_login = site.handle(request("GET", f"https://accounts.google.com/ServiceLogin?continue={GEMINI_PAGE}"))
    assert location(service_login) == f"/v3/signin/identifier?{urlencode({'continue': GEMINI_PAGE})}"
    identifier = text(site.handle(request("GET", f"{IDENTIFIER}?{urlencode({'continue': GEMINI_PAGE})}")))
    assert '<label for="username">Email or phone</label>' in identifier and 'type="password"' not in identifier
    password = text(site.handle(request("POST", IDENTIFIER, form={"login": DEMO_USERNAME, "next": GEMINI_PAGE})))
    assert '<label for="password">Enter your password</label>' in password


def test_google_refuses_the_browser_in_the_rejected_variant():
    site = SITES["gemini"]("rejected")
    for form in ({"login": DEMO_USERNAME}, {"login": DEMO_USERNAME, "password": DEMO_PASSWORD}):
        refused = site.handle(request("POST", IDENTIFIER, form={**form, "next": GEMINI_PAGE}))
        assert location(refused) == f"/v3/signin/rejected?{urlencode({'continue': GEMINI_PAGE})}"
        assert "Set-Cookie" not in dict(refused.headers)
    page = text(site.handle(request("GET", f"https://accounts.google.com{location(refused)}")))
    assert f"<h1>{google.REJECTED_HEADING}</h1>" in page and google.REJECTED_MESSAGE in page
    assert site.state()["sign_ins"] == 0


# --- Gemini: a confirmation dialog before turning Keep Activity off ----------------------------------


def test_gemini_confirm_variant_turns_off_from_the_dialog_not_the_menu():
    site = SITES["gemini"]("confirm")
    page = text(site.handle(request("GET", GEMINI_PAGE, cookies=minted_cookies(site))))
    assert '<button type="button" role="menuitem" data-opens="confirm-off" data-closes>Turn off</button>' in page
    assert '<h2 id="confirm-off-title">Turn off Keep Activity?</h2>' in page
    assert '<button class="primary" name="choice" value="off">Turn off</button></form>' in page
    assert 'role="menuitem" name="choice" value="off"' not in page
    site.reset("default")
    page = text(site.handle(request("GET", GEMINI_PAGE, cookies=minted_cookies(site))))
    assert '<button role="menuitem" name="choice" value="off">Turn off</button>' in page and "confirm-off" not in page


# --- Meta: the form in the account's language ---------------------------------------------------------


@pytest.mark.parametrize("variant, lang, submit, email_label, words", [
    ("italian", "it", "Invia", "Indirizzo e-mail", ITALIAN), ("german", "de", "Senden", "E-Mail-Adresse", GERMAN)])
def test_meta_form_and_confirmation_in_the_account_language(variant, lang, submit, email_label, words):
    site = SITES["facebook"](variant)
    cookies = minted_cookies(site)
    page = text(site.handle(request("GET", FACEBOOK_FORM, cookies=cookies)))
    assert page.startswith(f'<!DOCTYPE html><html lang="{lang}">')
    assert f'<button type="submit" class="primary">{submit}</button>' in page
    assert f'<label for="email">{email_label}</label>' in page
    csrf = re.search(f'name="{CSRF_FIELD}" value="([^"]+)"', page).group(1)
    fields = {CSRF_FIELD: csrf, "email": DEMO_USERNAME}
    sent = text(site.handle(request("POST", FACEBOOK_FORM, cookies=cookies, form=fields)))
    assert sent.startswith(f'<!DOCTYPE html><html lang="{lang}">') and escape(words.confirmation) in sent
    assert site.state()["submissions"] == 1


# --- Every page names its language ---------------------------------------------------------------------

PAGES = {  # replica: pages to load signed in and signed out (sign-in steps, settings, a missing page)
    "chatgpt": ["https://chatgpt.com/", "https://chatgpt.com/nope", "https://auth.openai.com/log-in"],
    "claude": ["https://claude.ai/new", "https://claude.ai/settings/data-privacy-controls", "https://claude.ai/login",
               "https://claude.ai/settings/nope"],
    "discord": ["https://discord.com/channels/@me", "https://discord.com/login"],
    "github": ["https://github.com/", "https://github.com/settings/copilot/features", "https://github.com/login"],
    "wordpress": ["https://wordpress.com/sites", "https://wordpress.com/settings/general",
                  "https://wordpress.com/settings/general/travel-notes.wordpress.com",
                  "https://wordpress.com/settings/general/nope", "https://wordpress.com/log-in"],
    "gemini": [GEMINI_PAGE, IDENTIFIER, "https://accounts.google.com/v3/signin/rejected"],
    "facebook": ["https://www.facebook.com/", FACEBOOK_FORM, "https://www.facebook.com/login/"],
    "instagram": ["https://help.instagram.com/", "https://help.instagram.com/contact/767264225370182",
                  "https://www.instagram.com/accounts/login/"],
    "medium": ["https://medium.com/", "https://medium.com/me/settings", "https://medium.com/m/signin"],
}


@pytest.mark.parametrize("platform", list(PAGES))
def test_every_page_names_its_language(platform):
    for variant in SITES[platform]().variants:
        site = SITES[platform](variant)
        for url in PAGES[platform]:
            for cookies in ("", minted_cookies(site)):
                response = site.handle(request("GET", url, cookies=cookies))
                assert response.status in (200, 302, 404), (variant, url)
                if response.is_html:
                    assert re.match(r'<!DOCTYPE html><html lang="[a-z]{2}">', text(response)), (variant, url)


# --- In Chromium ---------------------------------------------------------------------------------------


@pytest.mark.browser
def test_wordpress_log_in_in_two_steps(replicas, page):
    page.goto("https://wordpress.com/log-in")
    expect(page.get_by_label("Password")).to_have_count(0)
    page.get_by_label("Email address or username").fill(DEMO_USERNAME)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill("not it")
    page.get_by_role("button", name="Log In").click()
    expect(page.get_by_role("alert")).to_have_text(wordpress.WRONG_PASSWORD)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log In").click()
    expect(page).to_have_url("https://wordpress.com/sites")
    assert replicas["wordpress"].state()["sign_ins"] == 1


@pytest.mark.browser
def test_gemini_turns_off_only_once_confirmed(replicas, sign_in, page):
    replicas["gemini"].reset("confirm")
    sign_in("gemini")
    page.goto(GEMINI_PAGE)
    dialog = page.get_by_role("dialog", name="Turn off Keep Activity?")
    for answer in ("Cancel", "Turn off"):
        page.get_by_role("button", name="Turn off").click()
        page.get_by_role("menuitem", name="Turn off", exact=True).click()
        expect(dialog).to_be_visible()
        assert replicas["gemini"].state()["activity_choices"] == []
        dialog.get_by_role("button", name=answer).click()
        expect(dialog).to_be_hidden()
    expect(page.get_by_role("status")).to_have_text(gemini.TURNED_OFF.format(name=gemini.NAME))
    assert replicas["gemini"].state()["activity_choices"] == ["off"]
