"""A replica of Microsoft Copilot's privacy settings, consumer web (shared/platforms.md entry 16).

On https://copilot.microsoft.com the profile button in the sidebar opens the account menu, whose
"Privacy" item opens the privacy panel: "Model training on text" and "Model training on voice",
both on by default, beside "Personalization and memory" and "Ad personalization" (not training
controls: decoys a flow must leave alone). Each switch saves when flipped. Variants:
`late-render`, the panel's switches arrive two seconds after the page, as Copilot's client
renders them; `sidebar-closed`, the sidebar (and so the profile button) shows only after the
"Open sidebar" button at the top is clicked, as PCMag describes.

Signing in is Microsoft's: signed-out visits go to https://login.live.com/login.srf, which hands
a one-time code back to copilot.microsoft.com (/auth/callback) for its session cookie, since
login.live.com cannot set copilot.microsoft.com's cookies.
"""

from __future__ import annotations

from urllib.parse import urlencode

from optout.replica.base import Look, SignInPage, late, modal
from optout.replica.cookie_sites import HandBackSignInSite
from optout.replica.rows import switch_row
from optout.replica.server import Request, Response, redirect

LIVE_HOST = "login.live.com"
HOSTS = ("copilot.microsoft.com", LIVE_HOST)

SWITCHES = {"model-training-text": "Model training on text", "model-training-voice": "Model training on voice",
            "personalization": "Personalization and memory", "ad-personalization": "Ad personalization"}
LATE_RENDER = "late-render"
SIDEBAR_CLOSED = "sidebar-closed"


class CopilotReplica(HandBackSignInSite):
    hosts = HOSTS
    look = Look("Copilot", accent="#1b6ef3", background="#faf8f6", panel="#f1ede8", text="#1f1d1a", muted="#6b6760")
    sign_in = SignInPage(path="/login.srf", return_param="wreply", heading="Sign in",
                         username_label="Email, phone, or Skype", password_label="Password", submit_label="Sign in",
                         wrong_password="Your account or password is incorrect.")
    session_cookie = "__Host-copilot-session"
    home = "/"
    callback_path = "/auth/callback"
    api_prefix = "/c/api/user/settings/"
    defaults = dict.fromkeys(SWITCHES, True)
    own_variants = (LATE_RENDER, SIDEBAR_CLOSED)

    def pages(self):
        return {r"/": self._chat}

    # -- signing in on login.live.com --

    def handle(self, request: Request) -> Response:
        if request.host != LIVE_HOST:
            return super().handle(request)
        route = {"GET": self._sign_in_page, "POST": self._sign_in_submit}.get(request.method)
        return route(request) if route and request.path == self.sign_in.path else redirect(self.sign_in.path)

    def signed_out(self, request: Request) -> Response:
        query = urlencode({self.sign_in.return_param: request.path_with_query})
        return redirect(f"https://{LIVE_HOST}{self.sign_in.path}?{query}")

    # -- the chat page and its privacy panel --

    def _chat(self, request: Request) -> Response:
        menu = ('<div style="margin-top:auto;position:relative">'
                '<div class="menu" role="menu" id="account-menu" aria-label="Demo Person" data-closable hidden>'
                '<p class="heading">Demo Person</p>'
                '<button role="menuitem" data-closes>Appearance</button>'
                '<button role="menuitem" data-opens="privacy" data-closes>Privacy</button>'
                '<button role="menuitem" data-closes>Sign out</button></div>'
                '<button class="plain" aria-label="Profile" aria-haspopup="menu" data-opens="account-menu">DP</button>'
                "</div>")
        closed = self.variant == SIDEBAR_CLOSED
        rail = (f'<nav class="rail" id="sidebar" aria-label="Sidebar"{" hidden" if closed else ""}>'
                f'<a href="/">New chat</a><p class="heading">Chats</p>{menu}</nav>')
        opener = '<button class="plain" aria-label="Open sidebar" data-opens="sidebar">☰</button>' if closed else ""
        main = (f'<main class="content">{opener}<h1>Hey Demo, what\'s on your mind today?</h1>'
                '<textarea aria-label="Message Copilot" rows="3" style="width:100%"></textarea></main>')
        rows = "".join(switch_row(key, label, self.settings[key]) for key, label in SWITCHES.items())
        panel = modal("privacy", "Privacy", late(rows) if self.variant == LATE_RENDER else rows, close_button=True)
        return self.page("Microsoft Copilot", f'<div class="app">{rail}{main}</div>{panel}', request)
