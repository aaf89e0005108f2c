"""A replica of Quora's privacy settings (shared/platforms.md entry 7).

https://www.quora.com/settings/privacy lists the privacy switches and, under "Content
Preferences", "Allow large language models to be trained on your content" with a "Learn more"
link beside it, on by default, beside other content switches (decoys a flow must leave alone).
Each saves when flipped. Variant: `untied-label`, the switches carry no name of their own and
their wording only sits beside them, as Quora's React rows draw them. Quora signs in on its front
page (email and password); signed-out visits go there.
"""

from __future__ import annotations

from html import escape

from optout.replica.base import CookieSite, Look, SignInPage
from optout.replica.rows import settings_layout, switch_row
from optout.replica.server import Request, Response

HOSTS = ("www.quora.com", "quora.com")

LLM_LABEL = "Allow large language models to be trained on your content"
PRIVACY = {"indexable": "Allow search engines to index your name",
           "adult-content": "Allow adult content in recommendations",
           "email-discoverable": "Allow your profile to be discovered by email"}
CONTENT = {"gif-autoplay": "Allow GIFs to play automatically",
           "promote-answers": "Allow advertisers on Quora to promote your answers",
           "llm-training": LLM_LABEL,
           "notify-subscribers": "Notify your subscribers of your new questions"}
LEARN_MORE = {"adult-content", "promote-answers", "llm-training"}
TABS = (("Account", "/settings/account"), ("Privacy", "/settings/privacy"), ("Display", "/settings/display"),
        ("Email & Notifications", "/settings/notifications"), ("Languages", "/settings/languages"))
UNTIED_LABEL = "untied-label"


class QuoraReplica(CookieSite):
    hosts = HOSTS
    look = Look("Quora", accent="#b92b27", background="#ffffff", panel="#f1f2f2", text="#282829", muted="#636466")
    sign_in = SignInPage(path="/", return_param="redirect_url", heading="Login", username_label="Email",
                         password_label="Password", submit_label="Login", wrong_password="Incorrect password.")
    session_cookie = "m-b"
    home = "/"
    api_prefix = "/graphql/settings/"
    defaults = {"indexable": True, "adult-content": False, "email-discoverable": True, "gif-autoplay": True,
                "promote-answers": True, "llm-training": True, "notify-subscribers": True}
    own_variants = (UNTIED_LABEL,)

    def pages(self):
        return {r"/settings/(\w+)": self._settings}

    def public_routes(self):
        """The front page is the feed signed in and the sign-in form signed out."""
        return {("GET", "/"): self._front, ("POST", "/"): self._sign_in_submit}

    def _front(self, request: Request) -> Response:
        if self.csrf(request) is None:
            return self._sign_in_page(request)
        return self.page("Quora", '<main class="content"><h1>Home</h1><p>What do you want to ask or share?</p>'
                                  '<a href="/settings/privacy">Settings</a></main>', request)

    def _settings(self, request: Request, slug: str) -> Response:
        titles = {href: title for title, href in TABS}
        if request.path not in titles:
            return self.not_found(request)
        content = f"<h1>{escape(titles[request.path])}</h1>"
        if slug == "privacy":
            content += (f"<h2>Privacy Settings</h2>{self._rows(PRIVACY)}<h2>Inbox Preferences</h2>"
                        "<p>Who can send you messages?</p><h2>Content Preferences</h2>" + self._rows(CONTENT))
        return self.page("Settings", settings_layout(TABS, request.path, content), request)

    def _rows(self, switches: dict[str, str]) -> str:
        tied = self.variant != UNTIED_LABEL
        return "".join(switch_row(key, label, self.settings[key], tied=tied,
                                  note='<a href="/help/llm">Learn more</a>' if key in LEARN_MORE else "")
                       for key, label in switches.items())
