"""A replica of Google's My Activity page for Gemini (shared/platforms.md entry 5).

https://myactivity.google.com/product/gemini has the "Keep Activity" card: its "Turn off" button
opens a menu with "Turn off" and "Turn off and delete activity"; once off, the card says so and
offers "Turn on" instead, and a notification confirms the change. Below it, the checkbox
"Improve Google services with your audio and Gemini Live recordings" (off by default) saves when
changed. Variants: `gemini-apps-activity` shows the setting's name before the 2025 rename;
`late-render` draws the card two seconds after the page, as Google's client-rendered pages do;
`save-fails` refuses every change. Signed-out visits go to accounts.google.com/ServiceLogin,
whose session cookie covers every google.com host.
"""

from __future__ import annotations

from html import escape
from typing import Any

from optout.replica.common import Look, SignInPage, checkbox, late
from optout.replica.cookie_sites import SharedSignInSite
from optout.replica.server import Request, Response, redirect

HOSTS = ("myactivity.google.com", "accounts.google.com")
ACTIVITY_PATH = "/product/gemini"
CONTROL_PATH = f"{ACTIVITY_PATH}/activity-control"
HELP_URL = "https://support.google.com/gemini/answer/13278892"

NAME = "Keep Activity"
OLD_NAME = "Gemini Apps Activity"
AUDIO_LABEL = "Improve Google services with your audio and Gemini Live recordings"
TURNED_OFF = "{name} is off. Gemini won't save your future chats to your Google Account."


class GeminiReplica(SharedSignInSite):
    hosts = HOSTS
    sign_in_host = "accounts.google.com"
    cookie_domain = ".google.com"
    look = Look("Google", accent="#0b57d0", background="#ffffff", panel="#f0f4f9", text="#1f1f1f", muted="#444746")
    sign_in = SignInPage(path="/ServiceLogin", return_param="continue", heading="Sign in",
                         username_label="Email or phone", password_label="Enter your password", submit_label="Next",
                         wrong_password="Wrong password. Try again or click Forgot password to reset it.")
    session_cookie = "SID"
    home = ACTIVITY_PATH
    api_prefix = "/_/FootprintsMyactivityUi/data/"
    defaults = {"keep-activity": True, "audio-recordings": False}
    own_variants = ("gemini-apps-activity", "late-render")

    def reset(self, variant: str | None = None, settings: dict | None = None) -> None:
        super().reset(variant, settings)
        self.activity_choices: list[str] = []  # which menu items were chosen: "off", "off-and-delete", "on"

    def state(self) -> dict[str, Any]:
        return {**super().state(), "activity_choices": list(self.activity_choices)}

    def pages(self):
        return {r"/": lambda request: redirect(ACTIVITY_PATH), ACTIVITY_PATH: self._activity}

    def posts(self):
        return {CONTROL_PATH: self._turn}

    def _name(self) -> str:
        return OLD_NAME if self.variant == "gemini-apps-activity" else NAME

    def _activity(self, request: Request, notice: str = "") -> Response:
        card = self._card(request)
        toast = f'<div class="toast" role="status">{escape(notice)}</div>' if notice else ""
        body = (f'<header class="topbar"><p class="brand">Google</p><span>My Activity</span></header>'
                f'<main class="content">{late(card) if self.variant == "late-render" else card}'
                '<h2 style="margin-top:32px">Your Gemini Apps activity</h2>'
                '<p class="muted">Today</p><p>Asked Gemini: "Plan a weekend in Lisbon"</p>'
                f"</main>{toast}")
        return self.page(f"{self._name()} - My Activity", body, request)

    def _card(self, request: Request) -> str:
        name, on = self._name(), self.settings["keep-activity"]
        if on:  # the menu opens under its button; its items send the form
            action = ('<button type="button" class="plain" aria-haspopup="menu" data-opens="activity-menu">Turn off'
                      '</button><div class="menu" role="menu" id="activity-menu" data-closable hidden '
                      'style="bottom:auto;top:40px;left:0">'
                      '<button role="menuitem" name="choice" value="off">Turn off</button>'
                      '<button role="menuitem" name="choice" value="off-and-delete">Turn off and delete activity'
                      "</button></div>")
        else:
            action = '<button class="primary" name="choice" value="on">Turn on</button>'
        return (f'<section class="card" aria-labelledby="activity-title"><h1 id="activity-title">{escape(name)}</h1>'
                f'<p class="muted">{"On" if on else "Off"}</p>'
                "<p>Google stores your Gemini Apps activity with your account for up to 18 months. It's used to "
                "provide, develop and improve Google services, including AI models.</p>"
                f'<form method="post" action="{CONTROL_PATH}" style="position:relative">'
                f"{self.csrf_field(request)}{action}</form>"
                + checkbox("audio-recordings", AUDIO_LABEL, self.settings["audio-recordings"])
                + f'<p class="note">Auto-delete: after 18 months · <a href="{HELP_URL}">Learn more</a></p></section>')

    def _turn(self, request: Request, form: dict[str, str]) -> Response:
        choice = form.get("choice")
        if choice not in ("on", "off", "off-and-delete"):
            return self.error_page("Choose Turn on, Turn off or Turn off and delete activity.", 400)
        with self._lock:
            self.settings["keep-activity"] = choice == "on"
            self.activity_choices.append(choice)
            self.saves += 1
        notice = "" if choice == "on" else TURNED_OFF.format(name=self._name())
        return self._activity(request, notice)
