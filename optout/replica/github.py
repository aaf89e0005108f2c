"""A replica of GitHub's Copilot features settings (shared/platforms.md entry 31).

https://github.com/settings/copilot/features has, under Privacy, two dropdowns side by side:
"Allow GitHub to use my data for product improvements" (the decoy a tool must leave alone) and
"Allow GitHub to use my data for AI model training", both Enabled by default; a choice saves
when made. Each dropdown is a Primer ActionMenu: a button labelled by the setting's text and
showing its value, which opens a menu (role=menu) of role=menuitemradio items "Enabled" and
"Disabled". Variants: `native-select`, the older page with native <select>s; `untied-label`,
menu buttons without a label, so only the text beside each says what it is. Sign-in is a
password form (POST /session) and, as the demo account has two-factor authentication, an
authenticator code at /sessions/two-factor/app.
"""

from __future__ import annotations

from html import escape

from optout.replica.base import CookieSite, Look, SignInPage, action_menu, dropdown
from optout.replica.server import Request, Response, redirect

HOSTS = ("github.com", "www.github.com")

POLICIES = {
    "product-improvements": ("Allow GitHub to use my data for product improvements",
                             "Prompts, suggestions and code snippets may be used to improve GitHub products."),
    "model-training": ("Allow GitHub to use my data for AI model training",
                       "Your Copilot interaction data may be used to train AI models, from 24 April 2026 unless "
                       "you choose Disabled."),
}
OPTIONS = ("Enabled", "Disabled")
NATIVE_SELECT = "native-select"
UNTIED_LABEL = "untied-label"
NAV = (("Public profile", "/settings/profile"), ("Account", "/settings/admin"), ("Appearance", "/settings/appearance"),
       ("Password and authentication", "/settings/security"), ("Repositories", "/settings/repositories"),
       ("Copilot", "/settings/copilot"), ("Features", "/settings/copilot/features"))


class GitHubReplica(CookieSite):
    hosts = HOSTS
    look = Look("GitHub", accent="#1f883d", background="#ffffff", panel="#f6f8fa", text="#1f2328", muted="#59636e")
    sign_in = SignInPage(path="/login", return_param="return_to", form_action="/session", heading="Sign in to GitHub",
                         username_label="Username or email address", password_label="Password",
                         submit_label="Sign in", wrong_password="Incorrect username or password.",
                         code_path="/sessions/two-factor/app")
    session_cookie = "user_session"
    other_cookies = {"logged_in": "yes"}
    home = "/"
    api_prefix = "/settings/copilot/policies/"
    defaults = dict.fromkeys(POLICIES, "Enabled")
    choices = dict.fromkeys(POLICIES, OPTIONS)
    own_variants = (NATIVE_SELECT, UNTIED_LABEL)

    def pages(self):
        return {r"/": self._dashboard, r"/settings/copilot": lambda request: redirect("/settings/copilot/features"),
                r"/settings/copilot/features": self._features}

    def _dashboard(self, request: Request) -> Response:
        top = '<header class="topbar"><p class="brand">GitHub</p><a href="/settings/profile">Settings</a></header>'
        return self.page("Dashboard", f'{top}<main class="content"><h1>Home</h1></main>', request)

    def _features(self, request: Request) -> Response:
        nav = "".join(f'<a href="{href}"{" aria-current=page" if href.endswith("features") else ""}>{escape(name)}</a>'
                      for name, href in NAV)
        rows = "".join(self._policy(key) for key in POLICIES)
        content = ('<h1>Features</h1><p class="muted">Manage the Copilot features available to you.</p>'
                   f'<h2>Privacy</h2>{rows}<p class="note">Changes apply to your whole account.</p>')
        body = (f'<div class="app"><nav class="rail" aria-label="Settings">{nav}</nav>'
                f'<main class="content">{content}</main></div>')
        return self.page("Copilot features", body, request)

    def _policy(self, key: str) -> str:
        title, note = POLICIES[key]
        label_id = None if self.variant == UNTIED_LABEL else f"label-{key}"
        title_html = f'<p class="title"{f" id={label_id}" if label_id else ""}>{escape(title)}</p>'
        control = dropdown if self.variant == NATIVE_SELECT else action_menu  # the decoy is drawn the same way
        return (f'<div class="row"><div>{title_html}<p class="note">{escape(note)}</p></div>'
                f"{control(key, label_id, self.settings[key], OPTIONS)}</div>")
