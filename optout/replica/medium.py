"""A replica of Medium's "Third-party AI and your stories" preference (shared/platforms.md entry 11).

As Medium's help describes it: profile picture > Settings; on Settings > Account, scroll to
"Third-party AI and your stories" and select it to open the preferences, a dialog with two
options, "Prioritize maximum reach" (the default) and "Minimize third-party training", kept
with its Save button. Settings live at https://medium.com/me/settings, a page of tabs.
Variants: `late-render` fills in the dialog's options two seconds after the page loads, as
Medium's client-rendered pages do; `custom-radios` draws the options as styled elements with
role="radio", each named by its title (aria-labelledby) and described by its explanation, as
component libraries do; `save-fails` refuses the save. Signed-out visits go to /m/signin.
"""

from __future__ import annotations

from html import escape

from optout.replica.base import DEMO_USERNAME, Look, SignInPage, late, modal
from optout.replica.cookie_sites import FormPostSite
from optout.replica.server import Request, Response, redirect

HOSTS = ("medium.com", "www.medium.com")
SETTINGS_PATH = "/me/settings"

TITLE = "Third-party AI and your stories"
MAXIMUM_REACH = "Prioritize maximum reach"
MINIMIZE_TRAINING = "Minimize third-party training"
OPTIONS = (
    (MAXIMUM_REACH, "Ask AI companies not to train on your stories, unless doing so would also stop them from "
                    "directly crediting your work and sending readers to it."),
    (MINIMIZE_TRAINING, "Ask all AI companies not to train on your stories, even if it means they may no longer "
                        "directly credit your work and send readers to it."),
)
TABS = ("Account", "Publishing", "Notifications", "Membership and payment", "Security and apps")
CUSTOM_RADIOS_SCRIPT = """
document.addEventListener("click", (event) => {
  const option = event.target.closest('[role="radio"][data-value]');
  if (!option) return;
  const group = option.closest('[role="radiogroup"]');
  group.querySelectorAll('[role="radio"]').forEach((other) => {
    other.setAttribute("aria-checked", String(other === option));
    other.querySelector(".radio-mark").textContent = other === option ? "●" : "○";
  });
  group.querySelector('input[name="choice"]').value = option.dataset.value;
});
"""
ACCOUNT_ROWS = (("Email address", DEMO_USERNAME), ("Username and subdomain", "@demo.writer"),
                ("Profile information", "Demo Writer"), ("Profile design", ""), ("Custom domain", "None"),
                ("Partner Program", ""), ("Your Medium Digest frequency", "Daily"))


class MediumReplica(FormPostSite):
    hosts = HOSTS
    look = Look("Medium", accent="#1a8917", background="#ffffff", panel="#f9f9f9", text="#242424", muted="#6b6b6b")
    sign_in = SignInPage(path="/m/signin", return_param="redirect", heading="Welcome back.",
                         username_label="Your email", password_label="Password", submit_label="Continue",
                         wrong_password="We couldn't find an account with that email and password.")
    session_cookie = "sid"
    home = "/"
    api_prefix = "/_/api/settings/"
    defaults = {"third-party-ai": MAXIMUM_REACH}
    choices = {"third-party-ai": (MAXIMUM_REACH, MINIMIZE_TRAINING)}
    own_variants = ("late-render", "custom-radios")

    def pages(self):
        return {r"/": self._home, SETTINGS_PATH: self._settings}

    def posts(self):
        return {f"{SETTINGS_PATH}/third-party-ai": self._save_choice}

    def _frame(self, request: Request, title: str, content: str, extra: str = "") -> Response:
        menu = "".join(f'<a role="menuitem" href="{href}">{name}</a>'
                       for name, href in (("Profile", "/@demo.writer"), ("Settings", SETTINGS_PATH), ("Sign out", "/")))
        avatar = ('<div style="position:relative;margin-left:auto"><button class="plain" aria-label="user options menu" '
                  'aria-haspopup="menu" data-opens="user-menu">DW</button><div class="menu" role="menu" id="user-menu" '
                  f'data-closable hidden style="bottom:auto;top:44px;left:auto;right:0">{menu}</div></div>')
        bar = f'<header class="topbar"><a class="brand" href="/">Medium</a><a href="/">Write</a>{avatar}</header>'
        return self.page(title, f'{bar}<main class="content">{content}</main>{extra}', request)

    def _home(self, request: Request) -> Response:
        stories = ("The quiet power of writing every day", "What I learned shipping my first app")
        feed = "".join(f'<article class="row"><h2>{escape(story)}</h2></article>' for story in stories)
        return self._frame(request, "Medium", f"<h1>For you</h1>{feed}")

    def _settings(self, request: Request) -> Response:
        tabs = "".join(f'<button role="tab" id="tab-{i}" aria-controls="panel-{i}" '
                       f'aria-selected="{str(i == 0).lower()}">{escape(tab)}</button>' for i, tab in enumerate(TABS))
        panels = "".join(f'<section role="tabpanel" id="panel-{i}" aria-labelledby="tab-{i}"{"" if i == 0 else " hidden"}>'
                         f"{self._account_rows() if tab == 'Account' else ''}</section>" for i, tab in enumerate(TABS))
        content = f'<h1>Settings</h1><div role="tablist">{tabs}</div>{panels}'
        return self._frame(request, "Settings", content, self._dialog(request))

    def _account_rows(self) -> str:
        rows = "".join(f'<button type="button" class="row-button"><span>{escape(title)}</span>'
                       f'<span class="value">{escape(value)}</span></button>' for title, value in ACCOUNT_ROWS)
        current = self.settings["third-party-ai"]
        return (rows + f'<button type="button" class="row-button" data-opens="ai-dialog"><span>{TITLE}</span>'
                f'<span class="value">{escape(current)}</span> ›</button>')

    def _dialog(self, request: Request) -> str:
        group = f'<div role="radiogroup" aria-labelledby="ai-dialog-title">{self._options()}</div>'
        script = f"<script>{CUSTOM_RADIOS_SCRIPT}</script>" if self.variant == "custom-radios" else ""
        content = ('<p class="muted">Choose how AI companies may use the stories you publish. '
                   'These choices do not affect how your stories show up in search.</p>'
                   f'<form method="post" action="{SETTINGS_PATH}/third-party-ai">{self.csrf_field(request)}'
                   f'{late(group) if self.variant == "late-render" else group}'
                   '<div style="display:flex;gap:12px;justify-content:flex-end;margin-top:16px">'
                   '<button type="button" class="plain" data-closes>Cancel</button>'
                   '<button type="submit" class="primary">Save</button></div></form>')
        return modal("ai-dialog", TITLE, content) + script

    def _options(self) -> str:
        current = self.settings["third-party-ai"]
        if self.variant == "custom-radios":  # the choice travels in a hidden field the script keeps
            return f'<input type="hidden" name="choice" value="{escape(current)}">' + "".join(
                f'<div class="check" role="radio" tabindex="0" aria-checked="{str(name == current).lower()}" '
                f'aria-labelledby="ai-{i}-name" aria-describedby="ai-{i}-about" data-value="{escape(name)}">'
                f'<span class="radio-mark" aria-hidden="true">{"●" if name == current else "○"}</span>'
                f'<div><p class="title" id="ai-{i}-name">{escape(name)}</p>'
                f'<p class="note" id="ai-{i}-about">{escape(about)}</p></div></div>'
                for i, (name, about) in enumerate(OPTIONS))
        return "".join(
            f'<div class="check"><input type="radio" id="ai-{i}" name="choice" value="{escape(name)}" '
            f'aria-describedby="ai-{i}-about"{" checked" if name == current else ""}>'
            f'<div><label for="ai-{i}" class="title">{escape(name)}</label>'
            f'<p class="note" id="ai-{i}-about">{escape(about)}</p></div></div>' for i, (name, about) in enumerate(OPTIONS))

    def _save_choice(self, request: Request, form: dict[str, str]) -> Response:
        choice = form.get("choice")
        if choice not in self.choices["third-party-ai"]:
            return self.error_page("Choose one of the options.", 400)
        with self._lock:
            self.settings["third-party-ai"] = choice
            self.saves += 1
        return redirect(SETTINGS_PATH)
