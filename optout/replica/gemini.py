"""A replica of Google's My Activity page for Gemini (shared/platforms.md entry 5).

https://myactivity.google.com/product/gemini has the "Keep Activity" card: its "Turn off" button
opens a menu with "Turn off" and "Turn off and delete activity"; once off, the card says so and
offers "Turn on" instead, and a notification confirms the change. Below it, the checkbox
"Improve Google services with your audio and Gemini Live recordings" (off by default) saves when
changed. Variants: `gemini-apps-activity` shows the setting's name before the 2025 rename;
`late-render` draws the card two seconds after the page, as Google's client-rendered pages do;
`confirm`: the menu's "Turn off" (a menuitem) opens a dialog, "Turn off Keep Activity?", and only
its "Turn off" button (a button in a dialog) turns it off; `save-fails` refuses every change.
Signing in is Google's (google.py), including its `rejected` variant.
"""

from __future__ import annotations

from html import escape
from typing import Any

from optout.replica.base import Look, checkbox, late, modal
from optout.replica.google import SIGN_IN_HOST, GoogleAccountsSite
from optout.replica.server import Request, Response, redirect

HOSTS = ("myactivity.google.com", SIGN_IN_HOST)
ACTIVITY_PATH = "/product/gemini"
CONTROL_PATH = f"{ACTIVITY_PATH}/activity-control"
HELP_URL = "https://support.google.com/gemini/answer/13278892"

NAME = "Keep Activity"
OLD_NAME = "Gemini Apps Activity"
AUDIO_LABEL = "Improve Google services with your audio and Gemini Live recordings"
TURNED_OFF = "{name} is off. Gemini won't save your future chats to your Google Account."
CONFIRM = "confirm"
CONFIRM_HEADING = "Turn off {name}?"
CONFIRM_TEXT = ("Gemini won't save your future chats to your Google Account. Your past activity stays until "
                "it's deleted by auto-delete or by you.")


class GeminiReplica(GoogleAccountsSite):
    hosts = HOSTS
    look = Look("Google", accent="#0b57d0", background="#ffffff", panel="#f0f4f9", text="#1f1f1f", muted="#444746")
    home = ACTIVITY_PATH
    api_prefix = "/_/FootprintsMyactivityUi/data/"
    defaults = {"keep-activity": True, "audio-recordings": False}
    own_variants = ("gemini-apps-activity", "late-render", CONFIRM, *GoogleAccountsSite.own_variants)

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
                f"</main>{self._confirm_dialog(request)}{toast}")
        return self.page(f"{self._name()} - My Activity", body, request)

    def _card(self, request: Request) -> str:
        name, on = self._name(), self.settings["keep-activity"]
        if on:  # the menu opens under its button; its items send the form (or open the confirmation)
            turn_off = ('<button role="menuitem" name="choice" value="off">Turn off</button>'
                        if self.variant != CONFIRM else
                        '<button type="button" role="menuitem" data-opens="confirm-off" data-closes>Turn off</button>')
            action = ('<button type="button" class="plain" aria-haspopup="menu" data-opens="activity-menu">Turn off'
                      '</button><div class="menu" role="menu" id="activity-menu" data-closable hidden '
                      f'style="bottom:auto;top:40px;left:0">{turn_off}'
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

    def _confirm_dialog(self, request: Request) -> str:
        if self.variant != CONFIRM or not self.settings["keep-activity"]:
            return ""
        buttons = (f'<form method="post" action="{CONTROL_PATH}" '
                   f'style="display:flex;gap:12px;justify-content:flex-end">{self.csrf_field(request)}'
                   '<button type="button" class="plain" data-closes>Cancel</button>'
                   '<button class="primary" name="choice" value="off">Turn off</button></form>')
        return modal("confirm-off", CONFIRM_HEADING.format(name=self._name()), f"<p>{CONFIRM_TEXT}</p>{buttons}")

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
