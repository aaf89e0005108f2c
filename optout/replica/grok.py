"""A replica of grok.com's Data Controls (shared/platforms.md entry 32), separate from X's setting.

https://grok.com/?_s=data opens Settings at its "Data Controls" tab, whose switch "Improve the
Model" (on by default; opted out when off) saves at once, beside the buttons that delete
conversations and the account. Signing in is xAI's, on accounts.x.ai: after it, grok.com's
callback starts the session on grok.com and returns to the page asked for. Signed-out visits to
the settings go to the sign-in page. Variants: `late-render` fills in the Data Controls tab two
seconds after the dialog opens; `save-fails` refuses the save and the switch flips back.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from optout.replica.base import Look, SignInPage, late, switch, tabs
from optout.replica.cookie_sites import SharedSignInSite
from optout.replica.server import Request, Response, redirect

SIGN_IN_HOST = "accounts.x.ai"
CALLBACK_PATH = "/auth/callback"
IMPROVE_LABEL = "Improve the Model"
IMPROVE_NOTE = ("Allow your conversations to be used to train our models. Private Chats are never used for "
                "training.")
TABS = ("General", "Appearance", "Data Controls", "Subscription")


class GrokReplica(SharedSignInSite):
    hosts = ("grok.com", SIGN_IN_HOST)
    sign_in_host = SIGN_IN_HOST
    cookie_domain = "grok.com"
    look = Look("Grok", accent="#ffffff", background="#0e0f10", panel="#1b1c1e", text="#fcfcfc", muted="#9a9b9c")
    sign_in = SignInPage(path="/sign-in", return_param="redirect", heading="Sign in", username_label="Email",
                         password_label="Password", submit_label="Login",
                         wrong_password="Incorrect email or password.")
    session_cookie = "sso"
    home = "/"
    api_prefix = "/rest/user-settings/"
    defaults = {"improve-the-model": True}
    own_variants = ("late-render",)

    def reset(self, variant: str | None = None, settings: dict | None = None) -> None:
        super().reset(variant, settings)
        self.callbacks: dict[str, str] = {}  # one-use token -> the grok.com URL to return to

    def pages(self):
        return {r"/": self._home}

    def public_routes(self):
        return super().public_routes() | {("GET", CALLBACK_PATH): self._callback}

    def _signed_in(self, next_url: str) -> Response:
        """xAI's sign-in cannot set grok.com's cookie: it hands a one-use token to grok.com's callback."""
        token = secrets.token_urlsafe(24)
        self.callbacks[token] = self._return_url(next_url)
        return redirect(f"https://{self.hosts[0]}{CALLBACK_PATH}?{urlencode({'token': token})}")

    def _callback(self, request: Request) -> Response:
        back = self.callbacks.pop(request.query.get("token", ""), None)
        if back is None or request.host != self.hosts[0]:
            return redirect(f"https://{SIGN_IN_HOST}{self.sign_in.path}")
        with self._lock:
            self.sign_ins += 1
        return self._with_new_session(redirect(back))

    def _home(self, request: Request) -> Response:
        chat = ('<main class="content"><h1>What do you want to know?</h1>'
                '<textarea aria-label="Ask Grok anything" rows="3" style="width:100%"></textarea>'
                '<button type="button" class="plain">Private</button></main>')
        settings = self._settings_dialog() if request.query.get("_s") == "data" else ""
        return self.page("Grok", chat + settings, request)

    def _settings_dialog(self) -> str:
        data = (f'<div class="row"><div><p class="title" id="improve-label">{IMPROVE_LABEL}</p>'
                f'<p class="note">{IMPROVE_NOTE}</p></div>'
                f'{switch("improve-the-model", "improve-label", bool(self.settings["improve-the-model"]))}</div>'
                '<div class="row"><p>Delete All Conversations</p><button type="button" class="plain">Delete</button></div>'
                '<div class="row"><p>Delete Account</p><button type="button" class="plain">Delete</button></div>')
        panel = late(data) if self.variant == "late-render" else data
        panels = tuple((name, panel if name == "Data Controls" else "") for name in TABS)
        return ('<div class="overlay" data-closable><div class="dialog" role="dialog" aria-modal="true" '
                'aria-labelledby="settings-title"><div class="dialog-head"><h2 id="settings-title">Settings</h2>'
                '<button class="plain" aria-label="Close" data-closes>×</button></div>'
                f'{tabs(panels, selected=TABS.index("Data Controls"))}</div></div>')
