"""A replica of Claude's privacy settings (shared/platforms.md entry 15).

https://claude.ai/settings/data-privacy-controls (the Privacy tab of Settings) has the switch
under the heading "Help improve Claude", on by default, saved when flipped. In the
`late-render` variant the privacy settings arrive two seconds after the page, as a
client-rendered page's do. Signed-out visits go to /login.
"""

from __future__ import annotations

from html import escape

from optout.replica.base import CookieSite, Look, SignInPage, late, switch
from optout.replica.server import Request, Response, redirect

HOSTS = ("claude.ai",)

HEADING = "Help improve Claude"
EXPLANATION = "Allow the use of your chats and coding sessions to train and improve Anthropic AI models."
PRIVACY_SLUG = "data-privacy-controls"
TABS = (("General", "general"), ("Account", "account"), ("Privacy", PRIVACY_SLUG), ("Billing", "billing"),
        ("Capabilities", "capabilities"), ("Connectors", "connectors"), ("Claude Code", "claude-code"))


class ClaudeReplica(CookieSite):
    hosts = HOSTS
    look = Look("Claude", accent="#c96442", background="#faf9f5", panel="#f0eee6", text="#3d3929", muted="#73726c")
    sign_in = SignInPage(path="/login", return_param="returnTo", heading="Log in to Claude",
                         username_label="Email", password_label="Password", submit_label="Continue with email",
                         wrong_password="Invalid email or password.")
    session_cookie = "sessionKey"
    home = "/new"
    api_prefix = "/api/account/settings/"
    defaults = {"help-improve-claude": True}
    own_variants = ("late-render",)

    def pages(self):
        return {r"/": lambda request: redirect(self.home), r"/new": self._new_chat, r"/settings/([\w-]+)": self._settings}

    def _new_chat(self, request: Request) -> Response:
        main = ('<main class="content"><h1>Good afternoon, Demo</h1>'
                '<textarea aria-label="Write your prompt to Claude" rows="3" style="width:100%"></textarea></main>')
        rail = '<nav class="rail" aria-label="Sidebar"><a href="/new">New chat</a><a href="/settings/general">Settings</a></nav>'
        return self.page("Claude", f'<div class="app">{rail}{main}</div>', request)

    def _settings(self, request: Request, slug: str) -> Response:
        titles = {tab_slug: title for title, tab_slug in TABS}
        if slug not in titles:
            return self.page("Not found", "<h1>Not found</h1>", request, status=404)
        nav = "".join(f'<a href="/settings/{tab_slug}"{" aria-current=page" if tab_slug == slug else ""}>'
                      f"{escape(title)}</a>" for title, tab_slug in TABS)
        content = f"<h1>{escape(titles[slug])}</h1>"
        if slug == PRIVACY_SLUG:
            content += self._privacy()
        body = (f'<div class="app"><nav class="rail" aria-label="Settings"><p class="heading">Settings</p>{nav}</nav>'
                f'<main class="content">{content}</main></div>')
        return self.page("Settings", body, request)

    def _privacy(self) -> str:
        setting = (f'<div class="row"><div><p class="title" id="improve-heading">{HEADING}</p>'
                   f'<p class="note">{EXPLANATION}</p></div>'
                   f'{switch("help-improve-claude", "improve-heading", self.settings["help-improve-claude"])}</div>')
        return ("<p class=\"muted\">Anthropic believes in transparent data practices.</p>"
                '<h2>Privacy settings</h2><div class="row"><p>Export data</p><button class="plain">Export data</button></div>'
                + (late(setting) if self.variant == "late-render" else setting)
                + '<p><a href="https://privacy.claude.com/en/articles/12109829">Learn more</a></p>')
