"""A replica of Pinterest's "Privacy and data" settings (shared/platforms.md entry 12).

https://www.pinterest.com/settings/privacy lists the ad and personalisation switches seen on the
live screen (decoys a flow must leave alone) and, in its "GenAI" section, "Use your data to
train Pinterest Canvas" ("Allow your data to be used to help train Pinterest Canvas. Learn
more"), on by default. Switches are native checkboxes with role=switch, as Pinterest's Gestalt
draws them, and save when flipped. Variant: `privacy-and-data`, the page lives at
/settings/privacy-and-data (the address some tools use) and /settings/privacy redirects there.
Signed-out visits go to /login/.
"""

from __future__ import annotations

from optout.replica.base import CookieSite, Look, SignInPage
from optout.replica.rows import settings_layout, switch_row
from optout.replica.server import Request, Response, redirect

HOSTS = ("www.pinterest.com", "pinterest.com")

CANVAS_LABEL = "Use your data to train Pinterest Canvas"
CANVAS_NOTE = 'Allow your data to be used to help train Pinterest Canvas. <a href="/_/help/genai">Learn more</a>'
ADS = {"sites-you-visit": "Use info from sites you visit", "partner-info": "Use of partner info",
       "ads-about-pinterest": "Ads about Pinterest", "ads-reporting": "Activity for ads reporting",
       "sharing-with-partners": "Sharing info with partners"}
PRIVACY_AND_DATA = "privacy-and-data"
MENU = (("Edit profile", "/settings/profile"), ("Account management", "/settings/account-settings"),
        ("Profile visibility", "/settings/profile-visibility"), ("Social permissions", "/settings/social-permissions"),
        ("Notifications", "/settings/notifications"), ("Privacy and data", "/settings/privacy"),
        ("Security and logins", "/settings/security"))


class PinterestReplica(CookieSite):
    hosts = HOSTS
    look = Look("Pinterest", accent="#e60023", background="#ffffff", panel="#f1f1f1", text="#111111", muted="#767676")
    sign_in = SignInPage(path="/login/", return_param="next", heading="Welcome to Pinterest", username_label="Email",
                         password_label="Password", submit_label="Log in",
                         wrong_password="The password you entered is incorrect. Try again or reset your password.")
    session_cookie = "_pinterest_sess"
    home = "/"
    api_prefix = "/resource/UserSettingsResource/update/"
    defaults = {**dict.fromkeys(ADS, True), "train-canvas": True}
    own_variants = (PRIVACY_AND_DATA,)

    def pages(self):
        return {r"/": self._home, r"/settings/privacy": self._privacy_page,
                r"/settings/privacy-and-data": self._privacy_and_data_page}

    def _home(self, request: Request) -> Response:
        return self.page("Pinterest", '<main class="content"><h1>Home</h1><p>Ideas for you</p></main>', request)

    def _privacy_page(self, request: Request) -> Response:
        if self.variant == PRIVACY_AND_DATA:
            return redirect("/settings/privacy-and-data", 301)
        return self._privacy(request)

    def _privacy_and_data_page(self, request: Request) -> Response:
        if self.variant != PRIVACY_AND_DATA:
            return self.not_found(request)
        return self._privacy(request)

    def _privacy(self, request: Request) -> Response:
        ads = "".join(switch_row(key, label, self.settings[key], native=True) for key, label in ADS.items())
        content = ("<h1>Privacy and data</h1><p class=\"muted\">Manage what information we use to personalize "
                   "your experience.</p><h2>Ads personalization</h2>" + ads + "<h2>GenAI</h2>"
                   + switch_row("train-canvas", CANVAS_LABEL, self.settings["train-canvas"], note=CANVAS_NOTE,
                                native=True))
        return self.page("Privacy and data", settings_layout(MENU, request.path, content), request)
