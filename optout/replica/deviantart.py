"""A replica of DeviantArt's account-wide NoAI default (shared/platforms.md entry 26).

Since November 2022 every deviation is labelled "NoAI" (not authorised for third-party AI
datasets) unless the artist opts in; the label is the "Add NoAI label" option of the submission
form (DeviantArt Help Center), and an account-wide default is reported under Settings >
Personal > General (https://www.deviantart.com/settings/general). Here it is a checkbox, ticked
by default, beside a decoy (the mature-content filter) and saved when changed.
Variants: `late-render` (the settings arrive two seconds after the page, as DeviantArt's
client-rendered pages do); `renamed` (the option reworded to "Tell AI datasets they can't use my
content": a flow that only knows the documented wording must not guess); `save-fails`.
Signed-out visits go to /users/login.
"""

from __future__ import annotations

from html import escape

from optout.replica.base import CookieSite, Look, SignInPage, checkbox, late
from optout.replica.server import Request, Response, redirect

HOSTS = ("www.deviantart.com", "deviantart.com")
NOAI_LABEL = "Add NoAI label"
RENAMED_LABEL = "Tell AI datasets they can't use my content"
NOAI_NOTE = "Signals that your deviations are not authorized for inclusion in third-party datasets for training AI models."
MATURE_LABEL = "Show mature content"
SECTIONS = ("General", "Profile", "Notifications", "Privacy", "Subscriptions", "Billing")


class DeviantArtReplica(CookieSite):
    hosts = HOSTS
    look = Look("DeviantArt", accent="#00e59b", background="#06070d", panel="#1b1d25", text="#f2f2f2", muted="#9da0a7")
    sign_in = SignInPage(path="/users/login", return_param="referer", heading="Log In",
                         username_label="Username or Email", password_label="Password", submit_label="Log In",
                         wrong_password="The password you entered was incorrect.")
    session_cookie = "auth"
    home = "/"
    api_prefix = "/_napi/shared_api/settings/"
    defaults = {"noai": True, "mature": False}
    own_variants = ("late-render", "renamed")

    def pages(self):
        return {r"/": self._home, r"/settings": lambda request: redirect("/settings/general"),
                r"/settings/(\w+)": self._settings}

    def _home(self, request: Request) -> Response:
        return self.page("DeviantArt", '<main class="content"><h1>Deviations for you</h1></main>', request)

    def _settings(self, request: Request, section: str) -> Response:
        if section.title() not in SECTIONS:
            return self.not_found(request)
        nav = "".join(f'<a href="/settings/{name.lower()}"{" aria-current=page" if name.lower() == section else ""}>'
                      f"{name}</a>" for name in SECTIONS)
        content = f"<h1>{escape(section.title())}</h1>"
        if section == "general":
            content += self._general()
        body = (f'<div class="app"><nav class="rail" aria-label="Settings"><p class="heading">Personal</p>{nav}</nav>'
                f'<main class="content">{content}</main></div>')
        return self.page("Settings", body, request)

    def _general(self) -> str:
        label = RENAMED_LABEL if self.variant == "renamed" else NOAI_LABEL
        labels = (f"<h2>Content labels</h2>{checkbox('noai', label, self.settings['noai'])}"
                  f'<p class="note">{NOAI_NOTE}</p>'
                  f"<h2>Browsing</h2>{checkbox('mature', MATURE_LABEL, self.settings['mature'])}")
        return ("<h2>Account</h2><p>Username: demo-artist</p>"
                + (late(labels) if self.variant == "late-render" else labels))
