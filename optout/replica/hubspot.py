"""A replica of HubSpot's account AI settings (shared/platforms.md entry 28).

As HubSpot's knowledge base describes it: the settings gear in the top navigation › Account
Management › AI › the Access tab, whose switches save at once: "Give users access to generative
AI tools and features" (left alone) and "AI Model Training" (on by default; opted out when off,
which takes up to a week to apply). The demo user is a Super Admin of portal 12345678. Variants:
`not-super-admin`: the user is not a Super Admin, so the switches are disabled under "Only Super
Admins can edit these settings."; `sensitive-data`: the account has Sensitive Data turned on, so
AI Model Training is off and locked; `save-fails` refuses the save and the switch flips back.
Signed-out visits go to /login, which asks for the email first ("Continue"), then the password.
"""

from __future__ import annotations

from html import escape

from optout.replica.base import CookieSite, Look, SignInPage, switch, tabs
from optout.replica.server import Request, Response, redirect

HOSTS = ("app.hubspot.com",)
PORTAL = "12345678"
NOT_SUPER_ADMIN = "not-super-admin"
SENSITIVE_DATA = "sensitive-data"
SUPER_ADMINS_ONLY = "Only Super Admins can edit these settings."
SENSITIVE_NOTE = ("Accounts with Sensitive Data turned on are opted out of AI model training by default and can't "
                  "opt in.")
TRAINING_NOTE = ("Allow HubSpot to use your account's customer data to train its AI models. Turning this off can "
                 "take up to one week to take full effect. Your access to AI features is not affected.")
SIDEBAR = (("Your Preferences", ("General", "Notifications")),
           ("Account Management", ("Account Defaults", "AI", "Audit Log", "Users & Teams", "Security")))


class HubSpotReplica(CookieSite):
    hosts = HOSTS
    look = Look("HubSpot", accent="#ff5c35", background="#f5f8fa", panel="#ffffff", text="#33475b", muted="#516f90")
    sign_in = SignInPage(path="/login", return_param="loginRedirectUrl", heading="Log in to your HubSpot account",
                         username_label="Email", continue_label="Continue", password_label="Password",
                         submit_label="Log in", wrong_password="That password is incorrect.")
    session_cookie = "hubspotapi"
    home = f"/home/{PORTAL}"
    api_prefix = f"/api/ai-settings/v1/{PORTAL}/"
    defaults = {"generative-ai": True, "ai-model-training": True}
    own_variants = (NOT_SUPER_ADMIN, SENSITIVE_DATA)

    def reset(self, variant: str | None = None, settings: dict | None = None) -> None:
        super().reset(variant, settings)
        if self.variant == SENSITIVE_DATA:  # opted out by default, and it cannot be turned on
            self.settings["ai-model-training"] = False

    def pages(self):
        return {r"/": lambda request: redirect(self.home), rf"/home/{PORTAL}": self._home,
                rf"/settings/{PORTAL}/account-defaults": self._account_defaults, rf"/settings/{PORTAL}/ai": self._ai}

    def _frame(self, request: Request, title: str, content: str, sidebar: bool = False) -> Response:
        bar = ('<header class="topbar"><a class="brand" href="/">HubSpot</a><a href="#">Marketing</a><a href="#">Sales</a>'
               f'<a href="/settings/{PORTAL}/account-defaults" aria-label="Settings">⚙</a></header>')
        nav = ""
        if sidebar:
            links = "".join(f'<p class="heading">{section}</p>' + "".join(
                f'<a href="{self._settings_href(name)}">{escape(name)}</a>' for name in names) for section, names in SIDEBAR)
            nav = f'<nav class="rail" aria-label="Settings">{links}</nav>'
        return self.page(title, f'{bar}<div class="app">{nav}<main class="content">{content}</main></div>', request)

    @staticmethod
    def _settings_href(name: str) -> str:
        slug = {"AI": "ai", "Account Defaults": "account-defaults"}.get(name)
        return f"/settings/{PORTAL}/{slug}" if slug else "#"

    def _home(self, request: Request) -> Response:
        return self._frame(request, "Home", "<h1>Good morning, Demo</h1><p class=\"muted\">Your dashboards</p>")

    def _account_defaults(self, request: Request) -> Response:
        return self._frame(request, "Account Defaults", "<h1>Account Defaults</h1><p>Account name: Demo Co</p>",
                           sidebar=True)

    def _ai(self, request: Request) -> Response:
        super_admin = self.variant != NOT_SUPER_ADMIN
        training_locked = self.variant == SENSITIVE_DATA
        notice = "" if super_admin else f'<p class="note">{SUPER_ADMINS_ONLY}</p>'
        rows = (("generative-ai", "Give users access to generative AI tools and features", "", not super_admin),
                ("ai-model-training", "AI Model Training", SENSITIVE_NOTE if training_locked else TRAINING_NOTE,
                 not super_admin or training_locked))
        switches = "".join(
            f'<div class="row"><div><p class="title" id="label-{key}">{escape(name)}</p><p class="note">{escape(note)}</p>'
            f'</div>{switch(key, f"label-{key}", bool(self.settings[key]), disabled=locked)}</div>'
            for key, name, note, locked in rows)
        panels = (("Access", f"{notice}{switches}"), ("Data", "<p>CRM data</p>"), ("Breeze", "<p>Breeze Assistant</p>"))
        return self._frame(request, "AI", f"<h1>AI</h1>{tabs(panels)}", sidebar=True)

