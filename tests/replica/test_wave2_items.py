"""The replicas whose items or sign-in live on other hosts (no browser): Substack's publications
and Squarespace's sites answer on their own hosts under one session cookie, signed-out visits go
to the one sign-in page naming the full page, and grok.com's session starts at its callback after
xAI's sign-in on accounts.x.ai."""

from __future__ import annotations

import pytest

from optout.replica import SITES
from optout.replica.base import DEMO_PASSWORD, DEMO_USERNAME
from tests.replica.test_cookie_sites import cookie_header, post_form
from tests.replica.test_linkedin import fetch

SIGNED_OUT = {  # replica: (host, page, where a signed-out visit goes)
    "tumblr": ("www.tumblr.com", "/settings/blog/demo-writer", "/login?redirect_to=%2Fsettings%2Fblog%2Fdemo-writer"),
    "substack": ("fieldnotes.substack.com", "/publish/settings", "/sign-in?redirect=%2Fpublish%2Fsettings"),
    "squarespace": ("sunny-bakery.squarespace.com", "/config/settings/crawlers",
                    "https://login.squarespace.com/login?location=https%3A%2F%2Fsunny-bakery.squarespace.com"
                    "%2Fconfig%2Fsettings%2Fcrawlers"),
    "figma": ("www.figma.com", "/files/recents-and-sharing", "/login?cont=%2Ffiles%2Frecents-and-sharing"),
    "hubspot": ("app.hubspot.com", "/settings/12345678/ai", "/login?loginRedirectUrl=%2Fsettings%2F12345678%2Fai"),
    "grok": ("grok.com", "/?_s=data", "https://accounts.x.ai/sign-in?redirect=https%3A%2F%2Fgrok.com%2F%3F_s%3Ddata"),
}


@pytest.mark.parametrize("name", list(SIGNED_OUT))
def test_signed_out_visit_goes_to_sign_in_naming_the_page(replicas, name):
    host, page, sign_in = SIGNED_OUT[name]
    reply = fetch(replicas[name], "GET", page, host=host)
    assert (reply.status, reply.location) == (302, sign_in)


@pytest.mark.parametrize("name, item_host, page, text, alias", [
    ("substack", "demoletter.substack.com", "/publish/settings", "Block AI training", "www.substack.com"),
    ("squarespace", "studio-lena.squarespace.com", "/config/settings/crawlers",
     "Block known artificial intelligence crawlers", None),
])
def test_each_item_answers_on_its_own_host_with_the_shared_session(replicas, name, item_host, page, text, alias):
    session = replicas[name].admin("session")
    assert {cookie["domain"] for cookie in session["cookies"]} == {SITES[name].cookie_domain}
    reply = fetch(replicas[name], "GET", page, host=item_host, headers={"Cookie": cookie_header(session)})
    assert reply.status == 200 and text in reply.text
    if alias:
        assert fetch(replicas[name], "GET", "/settings", host=alias).location == "https://substack.com/settings"


def test_grok_session_starts_at_its_callback_once(replicas):
    grok = replicas["grok"]
    form = {"login": DEMO_USERNAME, "password": DEMO_PASSWORD, "next": "https://grok.com/?_s=data"}
    signed_in = post_form(grok, "accounts.x.ai", "/sign-in", form)
    assert signed_in.status == 302 and signed_in.location.startswith("https://grok.com/auth/callback?token=")
    assert signed_in.cookie("sso") is None  # accounts.x.ai cannot set grok.com's cookie

    callback = signed_in.location.removeprefix("https://grok.com")
    reply = fetch(grok, "GET", callback, host="grok.com")
    assert (reply.status, reply.location) == (302, "https://grok.com/?_s=data")
    assert reply.cookie("sso") is not None
    again = fetch(grok, "GET", callback, host="grok.com")  # a token works once
    assert (again.location, again.cookie("sso")) == ("https://accounts.x.ai/sign-in", None)
    assert grok.state()["sign_ins"] == 1
