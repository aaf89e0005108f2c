"""A replica of Alexa Privacy on the web (shared/platforms.md entry 30).

https://www.amazon.com/alexaprivacysettings is the Alexa Privacy hub; its "Manage How Your Data
Improves Alexa" leads to the switches that let Amazon use voice recordings to improve Alexa.
The current labels are unconfirmed; these are the documented older ones: "Help Develop New
Features" and "Use Messages to Improve Transcriptions", both on by default and saved when
flipped. Amazon warns that turning them off may make voice recognition and new features work
less well. Variants: `renamed` (the first switch reworded, "Help improve Amazon services and
develop new features": a flow that only knows the old wording must not guess); `late-render`
(the switches arrive two seconds after the page); `save-fails`. Signed-out visits go to
/ap/signin, which asks for the e-mail first and the password after "Continue".
"""

from __future__ import annotations

from html import escape

from optout.replica.base import CookieSite, Look, SignInPage, late, switch
from optout.replica.server import Request, Response

HOSTS = ("www.amazon.com", "amazon.com")
HUB_PATH = "/alexaprivacysettings"
IMPROVE_PATH = "/alexa-privacy/apd/myd/manage/improve"
IMPROVE_TITLE = "Manage How Your Data Improves Alexa"
NEW_FEATURES = "Help Develop New Features"
RENAMED_NEW_FEATURES = "Help improve Amazon services and develop new features"
TRANSCRIPTIONS = "Use Messages to Improve Transcriptions"
WARNING = "If you turn this setting off, voice recognition and new features may not work well for you."
HUB_LINKS = ("Review Voice History", "Manage Your Alexa Data", IMPROVE_TITLE, "Manage Skill Permissions",
             "Manage Smart Home Devices History")


class AlexaReplica(CookieSite):
    hosts = HOSTS
    look = Look("Amazon", accent="#ff9900", background="#ffffff", panel="#f3f3f3", text="#0f1111", muted="#565959")
    sign_in = SignInPage(path="/ap/signin", return_param="openid.return_to", heading="Sign in",
                         username_label="Email or mobile phone number", password_label="Password",
                         submit_label="Sign in", continue_label="Continue", username_field="email",
                         wrong_password="Your password is incorrect")
    session_cookie = "session-token"
    home = HUB_PATH
    api_prefix = "/alexa-privacy/apd/rvh/settings/"
    defaults = {"develop-new-features": True, "improve-transcriptions": True}
    own_variants = ("renamed", "late-render")

    def pages(self):
        return {HUB_PATH: self._hub, IMPROVE_PATH: self._improve}

    def _frame(self, request: Request, title: str, content: str) -> Response:
        bar = '<header class="topbar"><a class="brand" href="/">amazon</a><a href="#">Account &amp; Lists</a></header>'
        return self.page(title, f'{bar}<main class="content">{content}</main>', request)

    def _hub(self, request: Request) -> Response:
        links = "".join(f'<p><a href="{IMPROVE_PATH if name == IMPROVE_TITLE else "#"}">{escape(name)}</a></p>'
                        for name in HUB_LINKS)
        return self._frame(request, "Alexa Privacy", "<h1>Alexa Privacy</h1><p class=\"muted\">You have control over "
                           f"your Alexa experience.</p>{links}")

    def _improve(self, request: Request) -> Response:
        features = RENAMED_NEW_FEATURES if self.variant == "renamed" else NEW_FEATURES
        rows = "".join(
            f'<div class="row"><div><p class="title" id="{key}-label">{escape(title)}</p>'
            f'<p class="note">{escape(note)}</p></div>{switch(key, f"{key}-label", self.settings[key])}</div>'
            for key, title, note in (
                ("develop-new-features", features, "Voice recordings from a diverse range of customers help develop "
                 "new features and improve Amazon services. " + WARNING),
                ("improve-transcriptions", TRANSCRIPTIONS, "Messages you send with Alexa may be used to improve the "
                 "accuracy of transcriptions.")))
        content = (f"<h1>{IMPROVE_TITLE}</h1><p class=\"muted\">Training Alexa with recordings from a diverse range "
                   "of customers helps ensure Alexa works well for everyone.</p>"
                   + (late(rows) if self.variant == "late-render" else rows))
        return self._frame(request, IMPROVE_TITLE, content)
