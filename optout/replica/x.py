"""A replica of X's Grok settings page (shared/platforms.md entry 3).

https://x.com/settings/grok_settings holds the training checkbox, checked by default. Its label
changed: the default pages show the 2026 wording (reported, page "Grok & Third-party
Collaborators", with the "Grok Personalization" checkbox beside it); the `label-2024` variant
shows the documented 2024 wording on the page then called "Grok". The checkbox saves when
changed. Signed-out visits go to /i/flow/login; twitter.com redirects to x.com.
"""

from __future__ import annotations

from html import escape

from optout.replica.base import CookieSite, Look, SignInPage, checkbox
from optout.replica.server import Request, Response, redirect

HOSTS = ("x.com", "twitter.com")

LABEL_2024 = ("Allow your posts as well as your interactions, inputs, and results with Grok to be used for "
              "training and fine-tuning.")
LABEL_2026 = ("Allow your public data as well as your interactions, inputs, and results with Grok and xAI to "
              "be used for training and fine-tuning.")
PERSONALIZATION_LABEL = "Allow X to personalize your experience with Grok"

SETTINGS_MENU = ("Your account", "Monetization", "Premium", "Security and account access", "Privacy and safety",
                 "Notifications", "Accessibility, display, and languages", "Additional resources")
SIDE_NAV = ("Home", "Explore", "Notifications", "Messages", "Grok", "Profile", "More")


class XReplica(CookieSite):
    hosts = HOSTS
    look = Look("X", accent="#1d9bf0", background="#000000", panel="#16181c", text="#e7e9ea", muted="#71767b")
    sign_in = SignInPage(path="/i/flow/login", return_param="redirect_after_login", heading="Sign in to X",
                         username_label="Phone, email, or username", password_label="Password",
                         submit_label="Log in", wrong_password="Wrong password!")
    session_cookie = "auth_token"
    home = "/home"
    api_prefix = "/i/api/1.1/account/settings/"
    defaults = {"grok-training": True, "grok-personalization": True}
    own_variants = ("label-2024",)

    def pages(self):
        return {r"/": lambda request: redirect(self.home), r"/home": self._home,
                r"/settings/grok_settings": self._grok_settings}

    def _frame(self, request: Request, title: str, content: str) -> Response:
        nav = "".join(f'<a href="{"/home" if item == "Home" else "#"}">{item}</a>' for item in SIDE_NAV)
        rail = f'<nav class="rail" aria-label="Primary"><p class="brand">𝕏</p>{nav}</nav>'
        return self.page(title, f'<div class="app">{rail}<main class="content">{content}</main></div>', request)

    def _home(self, request: Request) -> Response:
        posts = ("What is happening?!", "Grok can now summarise long threads.")
        feed = "".join(f'<article class="row"><p>{escape(post)}</p></article>' for post in posts)
        return self._frame(request, "Home", f"<h1>Home</h1>{feed}")

    def _grok_settings(self, request: Request) -> Response:
        menu = "".join(f'<li><a href="#">{escape(item)}</a></li>' for item in SETTINGS_MENU)
        if self.variant == "label-2024":
            title, label, more = "Grok", LABEL_2024, ""
        else:
            title, label = "Grok & Third-party Collaborators", LABEL_2026
            more = ("<h3>Grok Personalization</h3>"
                    + checkbox("grok-personalization", PERSONALIZATION_LABEL, self.settings["grok-personalization"]))
        content = (
            f'<nav aria-label="Settings"><h2>Settings</h2><ul>{menu}</ul></nav>'
            f'<section aria-labelledby="grok-title"><a href="#" aria-label="Back">←</a>'
            f'<h1 id="grok-title">{escape(title)}</h1>'
            "<p class=\"muted\">Control how your data is used to train Grok and how it is shared with xAI.</p>"
            "<h3>Data Sharing</h3>" + checkbox("grok-training", label, self.settings["grok-training"])
            + '<a href="https://help.x.com/en/using-x/about-grok">Learn more</a>' + more
            + '<h3>Delete conversation history</h3><button type="button" class="plain">Delete conversation '
            "history</button></section>")
        return self._frame(request, title, content)
