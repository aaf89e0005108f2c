"""A replica of Substack's per-publication AI-training flag (shared/platforms.md entry 10).

https://substack.com/settings lists the publications the account runs, each a link to its
dashboard settings, https://{subdomain}.substack.com/publish/settings. There the "Publication
details" section has the switch "Block AI training" (2023 help article; opted out when on, a
signal to outside AI tools only), saved at once. The account's session cookie covers every
publication's host. The demo account runs two publications: Field Notes (not blocked) and The
Demo Letter (blocked already). Variants: `opt-out-label` is the 2026 page: a "Privacy" section
whose switch is "Opt out of AI training", with the help text reported on r/Substack;
`save-fails` refuses the save and the switch flips back. Signed-out visits go to /sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from optout.replica.base import CookieSite, Look, SignInPage, switch
from optout.replica.server import Request, Response, redirect

HELP_2023 = ("This setting indicates to AI tools like ChatGPT and Google Bard that their models should not be "
             "trained on your published content.")
HELP_2026 = ("Tells third-party AI-tools like ChatGPT and Google Gemini that their models should not be trained on "
             "your content. Note this may limit your discoverability on these platforms.")


@dataclass(frozen=True)
class Publication:
    subdomain: str
    name: str
    blocked: bool

    @property
    def host(self) -> str:
        return f"{self.subdomain}.substack.com"


PUBLICATIONS = (Publication("fieldnotes", "Field Notes", False), Publication("demoletter", "The Demo Letter", True))
BY_HOST = {publication.host: publication for publication in PUBLICATIONS}


class SubstackReplica(CookieSite):
    hosts = ("substack.com", "www.substack.com", *BY_HOST)
    served_hosts = tuple(BY_HOST)
    cookie_domain = ".substack.com"  # sessions cover every publication's host, as Substack's do
    look = Look("Substack", accent="#ff6719", background="#ffffff", panel="#f7f7f7", text="#363737", muted="#757575")
    sign_in = SignInPage(path="/sign-in", return_param="redirect", heading="Sign in to Substack",
                         username_label="Email", password_label="Password", submit_label="Continue",
                         wrong_password="Incorrect password.")
    session_cookie = "substack.sid"
    home = "/home"
    api_prefix = "/api/v1/publication/ai_training/"  # + subdomain: {"value": blocked}
    defaults = {publication.subdomain: publication.blocked for publication in PUBLICATIONS}
    own_variants = ("opt-out-label",)

    def pages(self):
        return {r"/": lambda request: redirect(self.home), r"/home": self._home, r"/settings": self._account_settings,
                r"/publish/settings": self._publication_settings}

    def _with_new_session(self, response: Response, domain: str | None = None) -> Response:
        return super()._with_new_session(response, domain or self.cookie_domain)

    def mint_session(self) -> dict[str, Any]:
        state = super().mint_session()
        for cookie in state["cookies"]:
            cookie["domain"] = self.cookie_domain
        return state

    def _frame(self, request: Request, title: str, content: str) -> Response:
        bar = '<header class="topbar"><a class="brand" href="https://substack.com/home">Substack</a></header>'
        return self.page(title, f'{bar}<main class="content">{content}</main>', request)

    def _home(self, request: Request) -> Response:
        return self._frame(request, "Home", "<h1>Home</h1><p class=\"muted\">Posts from your subscriptions.</p>")

    def _account_settings(self, request: Request) -> Response:
        if request.host in BY_HOST:
            return self.not_found(request)
        rows = "".join(f'<div class="row"><a href="https://{p.host}/publish/settings">{escape(p.name)}</a>'
                       f'<span class="muted">{p.host}</span></div>' for p in PUBLICATIONS)
        content = ('<h1>Settings</h1><h2>Account</h2><p>Email</p><p class="muted">demo@example.com</p>'
                   f'<section aria-labelledby="pubs"><h2 id="pubs">Publications</h2>{rows}</section>')
        return self._frame(request, "Settings", content)

    def _publication_settings(self, request: Request) -> Response:
        publication = BY_HOST.get(request.host)
        if publication is None:
            return self.not_found(request)
        if self.variant == "opt-out-label":
            heading, label, help_text = "Privacy", "Opt out of AI training", HELP_2026
        else:
            heading, label, help_text = "Publication details", "Block AI training", HELP_2023
        control = switch(publication.subdomain, "ai-label", bool(self.settings[publication.subdomain]))
        content = (f"<h1>Settings</h1><p class=\"muted\">{escape(publication.name)}</p>"
                   f'<section aria-labelledby="details"><h2 id="details">{heading}</h2>'
                   f'<div class="field"><label for="pub-name">Publication name</label>'
                   f'<input id="pub-name" value="{escape(publication.name)}"></div>'
                   f'<div class="row"><div><p class="title" id="ai-label">{label}</p>'
                   f'<p class="note">{escape(help_text)}</p></div>{control}</div></section>')
        return self._frame(request, "Settings", content)
