"""A replica of ChatGPT's Data controls (shared/platforms.md entry 14).

The chat page holds the Settings dialog, opened from the profile menu or straight from the
reported address https://chatgpt.com/#settings/DataControls. Its Data controls tab lists
"Improve the model for everyone" with its value; clicking the row opens a sub-dialog with the
switch and a "Done" button, and only Done saves (closing the sub-dialog any other way would
keep nothing). In the `save-fails` variant Done's save is refused: a toast says so, but the
page keeps showing the switch off until it is loaded again (only a reload tells the truth).
Variants: `overlays`, what a returning person meets: a "What’s new" announcement that covers
the page half a second or so after it loads, and an onboarding tour popover over Settings once
it opens, each to be dismissed first; `no-done`, the newer sub-dialog with no Done button: the
switch saves on its own, and Escape or the close button closes it.

Signing in happens on auth.openai.com: chatgpt.com/auth/login (where signed-out visits go)
sends the browser to https://auth.openai.com/log-in, an email step then a password step, which
comes back through chatgpt.com/api/auth/callback/openai with a one-time code that chatgpt.com
swaps for its session cookie. chat.openai.com redirects to chatgpt.com.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from optout.replica.base import Look, SignInPage, modal, switch
from optout.replica.cookie_sites import HandBackSignInSite
from optout.replica.server import Request, Response, redirect

AUTH_HOST = "auth.openai.com"
HOSTS = ("chatgpt.com", "chat.openai.com", AUTH_HOST)
LOG_IN_PATH = "/log-in"
CALLBACK_PATH = "/api/auth/callback/openai"

LABEL = "Improve the model for everyone"
HELP_URL = "https://help.openai.com/en/articles/7730893"
EXPLANATION = ("Allow your content to be used to train our models, which makes ChatGPT better for you and "
               "everyone who uses it. We take steps to protect your privacy.")
TABS = (("General", "General"), ("Notifications", "Notifications"), ("Personalization", "Personalization"),
        ("Data controls", "DataControls"), ("Security", "Security"), ("Account", "Account"))
DATA_ROWS = (("Shared links", "Manage"), ("Archived chats", "Manage"), ("Archive all chats", "Archive all"),
             ("Delete all chats", "Delete all"), ("Export data", "Export"))

OVERLAYS = "overlays"
NO_DONE = "no-done"
WHATS_NEW_HEADING = "What’s new in ChatGPT"
WHATS_NEW_TEXT = "Catch up on the latest features and improvements in ChatGPT."
DISMISS = "Dismiss"
TOUR_HEADING = "Make ChatGPT yours"
TOUR_TEXT = "Choose how ChatGPT responds, what it remembers and how your data is used, all from Settings."
TOUR_BUTTON = "Okay, let’s go"
ANNOUNCEMENT_DELAY_MS = 700  # after load: long enough that a page that looked clear is covered by the first click
TOUR_DELAY_MS = 400  # after Settings opens


class ChatGPTReplica(HandBackSignInSite):
    hosts = HOSTS
    look = Look("ChatGPT", accent="#10a37f", background="#ffffff", panel="#f9f9f9", text="#0d0d0d", muted="#5d5d5d")
    sign_in = SignInPage(path="/auth/login", return_param="next", form_action=LOG_IN_PATH, heading="Welcome back",
                         username_label="Email address", continue_label="Continue", password_label="Password",
                         submit_label="Continue", wrong_password="Wrong email or password.")
    session_cookie = "__Secure-next-auth.session-token"
    home = "/"
    callback_path = CALLBACK_PATH
    api_prefix = "/backend-api/settings/"
    defaults = {"improve-model": True}
    own_variants = (OVERLAYS, NO_DONE)

    def pages(self):
        return {r"/": self._chat}

    # -- signing in on auth.openai.com --

    def public_routes(self):
        return {**super().public_routes(), ("GET", self.sign_in.path): self._to_auth}

    def handle(self, request: Request) -> Response:
        if request.host != AUTH_HOST:
            return super().handle(request)
        route = {("GET", LOG_IN_PATH): self._sign_in_page,
                 ("POST", LOG_IN_PATH): self._sign_in_submit}.get((request.method, request.path))
        return route(request) if route else redirect(f"https://{AUTH_HOST}{LOG_IN_PATH}")

    def _to_auth(self, request: Request) -> Response:
        back = request.query.get(self.sign_in.return_param, "")
        if self.csrf(request) is not None:
            return redirect(self._next_path(back))
        return redirect(f"https://{AUTH_HOST}{LOG_IN_PATH}?{urlencode({self.sign_in.return_param: back or '/'})}")

    # -- the chat page --

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
        overlays = self._overlays() if self.variant == OVERLAYS else ""
        body = (f'<div class="app">{rail}{main}</div>{self._settings_dialog()}{self._model_improvement_dialog()}'
                f"{overlays}")
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
        """Only Done saves; in `no-done` the switch saves by itself and the dialog just closes."""
        no_done = self.variant == NO_DONE
        content = (f'<div class="row"><p class="title" id="improve-label">{LABEL}</p>'
                   f'{switch("improve-model", "improve-label", self.settings["improve-model"])}</div>'
                   f'<p class="note">{EXPLANATION} <a href="{HELP_URL}">Learn more</a></p>')
        if not no_done:
            content += '<button type="button" class="primary" data-commit data-closes>Done</button>'
        return modal("model-improvement", "Model improvement", content, layer="top", close_button=no_done,
                     backdrop="" if no_done else "data-commit-group data-keeps-unsaved")

    def _overlays(self) -> str:
        """The announcement covers the page soon after load; the tour pops up over Settings once
        it opens. The announcement comes last: in front, and the first that Escape closes."""
        tour = _pop_up("settings-tour", TOUR_HEADING, TOUR_TEXT, TOUR_BUTTON, layer="top clear",
                       backdrop=f'data-appears-ms="{TOUR_DELAY_MS}" data-appears-after="settings"')
        announcement = _pop_up("whats-new", WHATS_NEW_HEADING, WHATS_NEW_TEXT, DISMISS, layer="front",
                               backdrop=f'data-appears-ms="{ANNOUNCEMENT_DELAY_MS}"')
        return tour + announcement


def _pop_up(dialog_id: str, heading: str, text: str, button: str, **placement: str) -> str:
    """A dialog that shows itself and goes away with its one button."""
    content = f'<p>{escape(text)}</p><button type="button" class="primary" data-closes>{escape(button)}</button>'
    return modal(dialog_id, heading, content, **placement)
