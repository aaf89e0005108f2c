"""A replica of Alexa Privacy on the web (shared/platforms.md entry 30).

https://www.amazon.com/alexaprivacysettings is the Alexa Privacy hub; its "Manage How Your Data
Improves Alexa" leads to the switches that let Amazon use voice recordings to improve Alexa.
The current labels are unconfirmed; these are the documented older ones: "Help Develop New
Features" and "Use Messages to Improve Transcriptions", both on by default and saved when
flipped. Amazon warns that turning them off may make voice recognition and new features work
less well. Variants: `services-wording` (the first switch as CNET quoted it in August 2019, "Help
Improve Amazon Services and Develop New Features"); `manage-your-data` (the later layout privacy
guides describe: the hub's "Manage Your Alexa Data" page, whose "Help improve Alexa" section has
"Use of voice recordings" and "Use messages to improve transcriptions"; the hub has no "Manage How
Your Data Improves Alexa" there); `renamed` (the first switch reworded as no source shows it: a
flow must not guess); `late-render` (the switches arrive two seconds after the page);
`save-fails`. Signed-out visits go to /ap/signin, which asks for the e-mail first and the password
after "Continue".
"""

from __future__ import annotations

from html import escape

from optout.replica.base import CookieSite, Look, SignInPage, late, switch
from optout.replica.server import Request, Response

HOSTS = ("www.amazon.com", "amazon.com")
HUB_PATH = "/alexaprivacysettings"
IMPROVE_PATH = "/alexa-privacy/apd/myd/manage/improve"
IMPROVE_TITLE = "Manage How Your Data Improves Alexa"
MANAGE_PATH = "/alexa-privacy/apd/myd/manage"
MANAGE_TITLE = "Manage Your Alexa Data"
NEW_FEATURES = "Help Develop New Features"
SERVICES_NEW_FEATURES = "Help Improve Amazon Services and Develop New Features"
RENAMED_NEW_FEATURES = "Allow Amazon to review your voice requests"
TRANSCRIPTIONS = "Use Messages to Improve Transcriptions"
# The later layout (manage-your-data): one section of the Manage Your Alexa Data page.
HELP_IMPROVE = "Help improve Alexa"
VOICE_RECORDINGS = "Use of voice recordings"
LATER_TRANSCRIPTIONS = "Use messages to improve transcriptions"
WARNING = "If you turn this setting off, voice recognition and new features may not work well for you."
HUB_LINKS = ("Review Voice History", MANAGE_TITLE, IMPROVE_TITLE, "Manage Skill Permissions",
             "Manage Smart Home Devices History")
LATER = "manage-your-data"
FIRST_SWITCH = {"services-wording": SERVICES_NEW_FEATURES, "renamed": RENAMED_NEW_FEATURES}  # else NEW_FEATURES


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
    own_variants = ("services-wording", LATER, "renamed", "late-render")

    def pages(self):
        return {HUB_PATH: self._hub, IMPROVE_PATH: self._improve, MANAGE_PATH: self._manage}

    def _frame(self, request: Request, title: str, content: str) -> Response:
        bar = '<header class="topbar"><a class="brand" href="/">amazon</a><a href="#">Account &amp; Lists</a></header>'
        return self.page(title, f'{bar}<main class="content">{content}</main>', request)

    def _hub(self, request: Request) -> Response:
        targets = {MANAGE_TITLE: MANAGE_PATH, IMPROVE_TITLE: IMPROVE_PATH}
        links = "".join(f'<p><a href="{targets.get(name, "#")}">{escape(name)}</a></p>'
                        for name in HUB_LINKS if not (name == IMPROVE_TITLE and self.variant == LATER))
        return self._frame(request, "Alexa Privacy", "<h1>Alexa Privacy</h1><p class=\"muted\">You have control over "
                           f"your Alexa experience.</p>{links}")

    def _rows(self, titles: tuple[str, str]) -> str:
        rows = "".join(
            f'<div class="row"><div><p class="title" id="{key}-label">{escape(title)}</p>'
            f'<p class="note">{escape(note)}</p></div>{switch(key, f"{key}-label", self.settings[key])}</div>'
            for key, title, note in (
                ("develop-new-features", titles[0], "Voice recordings from a diverse range of customers help develop "
                 "new features and improve Amazon services. " + WARNING),
                ("improve-transcriptions", titles[1], "Messages you send with Alexa may be used to improve the "
                 "accuracy of transcriptions.")))
        return late(rows) if self.variant == "late-render" else rows

    def _improve(self, request: Request) -> Response:
        if self.variant == LATER:
            return self._manage(request)
        content = (f"<h1>{IMPROVE_TITLE}</h1><p class=\"muted\">Training Alexa with recordings from a diverse range "
                   "of customers helps ensure Alexa works well for everyone.</p>"
                   + self._rows((FIRST_SWITCH.get(self.variant, NEW_FEATURES), TRANSCRIPTIONS)))
        return self._frame(request, IMPROVE_TITLE, content)

    def _manage(self, request: Request) -> Response:
        """Manage Your Alexa Data: how long recordings are kept, then (in the later layout) the
        section with the two switches."""
        section = (f'<section aria-labelledby="help-improve"><h2 id="help-improve">{HELP_IMPROVE}</h2>'
                   + self._rows((VOICE_RECORDINGS, LATER_TRANSCRIPTIONS)) + "</section>" if self.variant == LATER else "")
        content = (f"<h1>{MANAGE_TITLE}</h1><h2>Voice recordings</h2><p class=\"muted\">Choose how long to save "
                   f"recordings: Don't save recordings</p>{section}")
        return self._frame(request, MANAGE_TITLE, content)
