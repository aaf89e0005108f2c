"""A replica of ChatGPT's Data controls (shared/platforms.md entry 14).

The chat page holds the Settings dialog, opened from the profile menu or straight from the
reported address https://chatgpt.com/#settings/DataControls. Its Data controls tab lists
"Improve the model for everyone" with its value; clicking the row opens a sub-dialog with the
switch and a "Done" button, and only Done saves (closing the sub-dialog any other way would
keep nothing). In the `save-fails` variant Done's save is refused: a toast says so, but the
page keeps showing the switch off until it is loaded again (only a reload tells the truth).
Signed-out visits go to /auth/login; chat.openai.com redirects to chatgpt.com.
"""

from __future__ import annotations

from html import escape

from optout.replica.common import CookieSite, Look, SignInPage, switch
from optout.replica.server import Request, Response

HOSTS = ("chatgpt.com", "chat.openai.com")

LABEL = "Improve the model for everyone"
EXPLANATION = ("Allow your content to be used to train our models, which makes ChatGPT better for you and "
               "everyone who uses it. We take steps to protect your privacy.")
TABS = (("General", "General"), ("Notifications", "Notifications"), ("Personalization", "Personalization"),
        ("Data controls", "DataControls"), ("Security", "Security"), ("Account", "Account"))
DATA_ROWS = (("Shared links", "Manage"), ("Archived chats", "Manage"), ("Archive all chats", "Archive all"),
             ("Delete all chats", "Delete all"), ("Export data", "Export"))


class ChatGPTReplica(CookieSite):
    hosts = HOSTS
    look = Look("ChatGPT", accent="#10a37f", background="#ffffff", panel="#f9f9f9", text="#0d0d0d", muted="#5d5d5d")
    sign_in = SignInPage(path="/auth/login", return_param="next", heading="Welcome back",
                         username_label="Email address", password_label="Password", submit_label="Continue",
                         wrong_password="Wrong email or password.")
    session_cookie = "__Secure-next-auth.session-token"
    home = "/"
    api_prefix = "/backend-api/settings/"
    defaults = {"improve-model": True}

    def pages(self):
        return {r"/": self._chat}

    def _chat(self, request: Request) -> Response:
        history = "".join(f'<a href="/">{escape(chat)}</a>' for chat in ("Trip to Lisbon", "Regex for dates"))
        profile = ('<div style="margin-top:auto;position:relative">'
                   '<div class="menu" role="menu" id="profile-menu" data-closable hidden>'
                   '<button role="menuitem" data-opens="settings" data-closes>Settings</button>'
                   '<button role="menuitem" data-closes>Help</button>'
                   '<button role="menuitem" data-closes>Log out</button></div>'
                   '<button class="link plain" aria-label="Open profile menu" aria-haspopup="menu" '
                   'data-opens="profile-menu">Demo Person</button></div>')
        rail = (f'<nav class="rail" aria-label="Chat history"><a href="/">New chat</a><a href="/">Search chats</a>'
                f'<p class="heading">Chats</p>{history}{profile}</nav>')
        main = ('<main class="content"><h1>What can I help with?</h1>'
                '<textarea aria-label="Ask anything" rows="3" style="width:100%"></textarea></main>')
        body = f'<div class="app">{rail}{main}</div>{self._settings_dialog()}{self._model_improvement_dialog()}'
        return self.page("ChatGPT", body, request)

    def _settings_dialog(self) -> str:
        tabs = "".join(
            f'<button role="tab" id="tab-{slug}" aria-controls="panel-{slug}" aria-selected="{str(i == 0).lower()}" '
            f'data-hash="{slug}">{escape(name)}</button>' for i, (name, slug) in enumerate(TABS))
        panels = "".join(
            f'<section role="tabpanel" id="panel-{slug}" aria-labelledby="tab-{slug}"{"" if i == 0 else " hidden"}>'
            f"<h2>{escape(name)}</h2>{self._data_controls() if slug == 'DataControls' else ''}</section>"
            for i, (name, slug) in enumerate(TABS))
        return ('<div class="overlay" id="settings" data-closable data-open-on-hash="settings" hidden>'
                '<div class="dialog" role="dialog" aria-modal="true" aria-labelledby="settings-title">'
                '<div class="dialog-head"><h1 id="settings-title">Settings</h1>'
                '<button class="plain" aria-label="Close" data-closes>×</button></div>'
                f'<div class="tabs"><div role="tablist" aria-orientation="vertical">{tabs}</div>'
                f"<div>{panels}</div></div></div></div>")

    def _data_controls(self) -> str:
        value = "On" if self.settings["improve-model"] else "Off"
        improve = (f'<button type="button" class="row-button" data-opens="model-improvement">'
                   f'<span>{LABEL}</span><span class="value" data-shows="improve-model">{value}</span> ›</button>')
        rows = "".join(f'<div class="row"><p>{escape(title)}</p><button class="plain">{escape(action)}</button></div>'
                       for title, action in DATA_ROWS)
        return improve + rows

    def _model_improvement_dialog(self) -> str:
        return ('<div class="overlay top" id="model-improvement" data-closable data-commit-group data-keeps-unsaved hidden>'
                '<div class="dialog small" role="dialog" aria-modal="true" aria-labelledby="model-title">'
                '<h2 id="model-title">Model improvement</h2>'
                f'<div class="row"><p class="title" id="improve-label">{LABEL}</p>'
                f'{switch("improve-model", "improve-label", self.settings["improve-model"])}</div>'
                f'<p class="note">{EXPLANATION} <a href="https://help.openai.com/en/articles/7730893">Learn more</a></p>'
                '<button type="button" class="primary" data-commit data-closes>Done</button></div></div>')
