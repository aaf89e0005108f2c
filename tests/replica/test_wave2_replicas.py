"""Fast checks, without a browser or a network, that the Quora, Pinterest, Copilot, Perplexity,
Grammarly, Adobe, Canva and Mistral replicas send signed-out visits where the flows expect, and
that a person can sign in to each in `optout login` (Copilot through login.live.com's hand-back
to copilot.microsoft.com)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from optout.replica import SITES
from optout.replica.base import DEMO_PASSWORD, DEMO_USERNAME
from tests.replica.test_shapes import location, request, session_cookie

# replica: (its settings page, where signed-out visits go, where the sign-in form posts)
PAGES = {
    "quora": ("https://www.quora.com/settings/privacy", "/?redirect_url=%2Fsettings%2Fprivacy",
              "https://www.quora.com/"),
    "pinterest": ("https://www.pinterest.com/settings/privacy", "/login/?next=%2Fsettings%2Fprivacy",
                  "https://www.pinterest.com/login/"),
    "copilot": ("https://copilot.microsoft.com/", "https://login.live.com/login.srf?wreply=%2F",
                "https://login.live.com/login.srf"),
    "perplexity": ("https://www.perplexity.ai/settings/preferences",
                   "/auth/signin?callbackUrl=%2Fsettings%2Fpreferences", "https://www.perplexity.ai/auth/signin"),
    "grammarly": ("https://account.grammarly.com/security/privacy",
                  "https://www.grammarly.com/signin?redirect_uri=https%3A%2F%2Faccount.grammarly.com%2Fsecurity%2Fprivacy",
                  "https://www.grammarly.com/signin"),
    "adobe": ("https://account.adobe.com/privacy",
              "https://auth.services.adobe.com/en_US/index.html?callback=https%3A%2F%2Faccount.adobe.com%2Fprivacy",
              "https://auth.services.adobe.com/en_US/index.html"),
    "canva": ("https://www.canva.com/settings/privacy-preferences", "/login?redirect=%2Fsettings%2Fprivacy-preferences",
              "https://www.canva.com/login"),
    "mistral": ("https://admin.mistral.ai/organization/le-chat",
                "https://auth.mistral.ai/ui/login?return_to=https%3A%2F%2Fadmin.mistral.ai%2Forganization%2Fle-chat",
                "https://auth.mistral.ai/ui/login"),
}


@pytest.mark.parametrize("platform", list(PAGES))
def test_signed_out_visits_go_to_the_sign_in_page(platform):
    page, sign_in, _ = PAGES[platform]
    response = SITES[platform]().handle(request("GET", page))
    assert (response.status, location(response)) == (302, sign_in)


@pytest.mark.parametrize("platform", list(PAGES))
def test_a_person_can_sign_in_and_comes_back_to_the_page(platform):
    page, _, form_url = PAGES[platform]
    site = SITES[platform]()
    back = page if site.hosts[0] != urlsplit(form_url).hostname and platform != "copilot" else urlsplit(page).path
    form = {site.sign_in.username_field: DEMO_USERNAME, site.sign_in.password_field: DEMO_PASSWORD, "next": back}
    signed_in = site.handle(request("POST", form_url, form=form))
    if platform == "copilot":  # login.live.com hands a code back to copilot.microsoft.com
        callback = location(signed_in)
        assert callback.startswith("https://copilot.microsoft.com/auth/callback?code=")
        signed_in = site.handle(request("GET", callback))
        assert location(site.handle(request("GET", callback))) == "/"  # the code works once
    assert (signed_in.status, location(signed_in)) == (302, back)
    cookie = session_cookie(signed_in).split(";")[0]
    assert site.handle(request("GET", page, cookies=cookie)).status == 200


def test_a_wrong_password_is_refused_on_the_form():
    site = SITES["pinterest"]()
    refused = site.handle(request("POST", "https://www.pinterest.com/login/",
                                  form={"login": DEMO_USERNAME, "password": "wrong", "next": "/"}))
    assert refused.status == 200 and "The password you entered is incorrect." in refused.body.decode()
    assert site.state()["sign_ins"] == 0
