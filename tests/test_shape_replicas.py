"""Fast checks, without a browser or a network, of what the Facebook, Instagram, Gemini,
WordPress.com and Medium replicas do around signing in: a person can complete it in
`optout login`, and signed-out visits land where the flows expect."""

from __future__ import annotations

from email.message import Message
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from optout.replica import SITES
from optout.replica.common import DEMO_PASSWORD, DEMO_USERNAME
from optout.replica.server import Request, Response


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
    ("gemini", "https://accounts.google.com/ServiceLogin", "https://myactivity.google.com/product/gemini", ".google.com"),
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
    signed_in = SITES["gemini"]().handle(request("POST", "https://accounts.google.com/ServiceLogin", form=form))
    assert dict(signed_in.headers)["Location"] == "https://myactivity.google.com/product/gemini"


def test_a_form_post_without_the_session_token_is_refused():
    site = SITES["facebook"]()
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in site.mint_session()["cookies"])
    response = site.handle(request("POST", "https://www.facebook.com/help/contact/712876720715583",
                                   cookies=cookie, form={"email": DEMO_USERNAME}))
    assert response.status == 403
    assert site.state()["submissions"] == 0
