"""A replica of Squarespace's Crawlers settings, per site (shared/platforms.md entry 22).

https://account.squarespace.com/ lists the account's websites, each a link to its admin,
https://{site}.squarespace.com/config. There the Settings panel links to "Crawlers", where two
checkboxes share a Save button: one blocks search engines (left alone) and "Block known artificial
intelligence crawlers" (opted out when ticked: robots.txt asks the listed AI bots to stay away).
Signing in is on login.squarespace.com; the session covers every *.squarespace.com host. The
demo account has two sites: Sunny Bakery (AI crawlers allowed, the default) and Studio Lena
(blocked already). Variants: `late-render` draws the Crawlers panel two seconds late;
`save-fails` refuses the save and the panel puts the boxes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from optout.replica.base import Look, SignInPage, checkbox, late
from optout.replica.cookie_sites import SharedSignInSite
from optout.replica.server import Request, Response, redirect

ACCOUNT_HOST = "account.squarespace.com"
LOGIN_HOST = "login.squarespace.com"
AI_LABEL = "Block known artificial intelligence crawlers"
SEARCH_LABEL = "Block search engine crawlers"
AI_NOTE = ("Request that known AI crawlers exclude your site. Checking this box updates your robots.txt file "
           "to tell the listed bots not to crawl your site.")
SETTINGS_LINKS = ("Business Information", "Site Availability", "Domains", "Permissions & Ownership", "Crawlers",
                  "Cookies & Visitor Data")


@dataclass(frozen=True)
class Website:
    subdomain: str
    name: str
    ai_blocked: bool

    @property
    def host(self) -> str:
        return f"{self.subdomain}.squarespace.com"


WEBSITES = (Website("sunny-bakery", "Sunny Bakery", False), Website("studio-lena", "Studio Lena", True))
BY_HOST = {website.host: website for website in WEBSITES}


class SquarespaceReplica(SharedSignInSite):
    hosts = (ACCOUNT_HOST, LOGIN_HOST, *BY_HOST)
    served_hosts = tuple(BY_HOST)
    sign_in_host = LOGIN_HOST
    cookie_domain = ".squarespace.com"
    look = Look("Squarespace", accent="#000000", background="#f6f6f6", panel="#ffffff", text="#121212",
                muted="#6f6f6f")
    sign_in = SignInPage(path="/login", return_param="location", heading="Log In",
                         username_label="Email Address", password_label="Password", submit_label="Log In",
                         wrong_password="Your email or password is incorrect.")
    session_cookie = "SS_SESSION"
    home = "/"
    api_prefix = "/api/config/crawlers/"  # + "ai-{site}" or "search-{site}": {"value": blocked}
    defaults = {f"ai-{w.subdomain}": w.ai_blocked for w in WEBSITES} | {f"search-{w.subdomain}": False for w in WEBSITES}
    own_variants = ("late-render",)

    def pages(self):
        return {r"/": self._root, r"/config": self._site_home, r"/config/settings": self._settings,
                r"/config/settings/crawlers": self._crawlers}

    def signed_out(self, request: Request) -> Response:
        """Every host's signed-out visits go to the one sign-in page, with the full URL to come back to."""
        query = urlencode({self.sign_in.return_param: f"https://{request.host}{request.path_with_query}"})
        return redirect(f"https://{LOGIN_HOST}{self.sign_in.path}?{query}")

    def _frame(self, request: Request, title: str, content: str, nav: str = "") -> Response:
        rail = f'<nav class="rail" aria-label="Site">{nav}</nav>' if nav else ""
        return self.page(title, f'<div class="app">{rail}<main class="content">{content}</main></div>', request)

    def _root(self, request: Request) -> Response:
        website = BY_HOST.get(request.host)
        if website is not None:
            return redirect("/config")
        cards = "".join(f'<div class="row"><a href="https://{w.host}/config">{escape(w.name)}</a>'
                        f'<span class="muted">{w.host}</span></div>' for w in WEBSITES)
        return self._frame(request, "Websites", f"<h1>Websites</h1>{cards}")

    def _site(self, request: Request) -> Website | None:
        return BY_HOST.get(request.host)

    def _site_nav(self) -> str:
        return "".join(f'<a href="{href}">{name}</a>' for name, href in (
            ("Website", "/config"), ("Selling", "#"), ("Marketing", "#"), ("Analytics", "#"),
            ("Settings", "/config/settings")))

    def _site_home(self, request: Request) -> Response:
        website = self._site(request)
        if website is None:
            return self.not_found(request)
        return self._frame(request, website.name, f"<h1>{escape(website.name)}</h1>", self._site_nav())

    def _settings(self, request: Request) -> Response:
        website = self._site(request)
        if website is None:
            return self.not_found(request)
        links = "".join(f'<li><a href="/config/settings/{name.lower()}">{escape(name)}</a></li>'
                        if name == "Crawlers" else f'<li><a href="#">{escape(name)}</a></li>' for name in SETTINGS_LINKS)
        return self._frame(request, "Settings", f"<h1>Settings</h1><h2>Website</h2><ul>{links}</ul>", self._site_nav())

    def _crawlers(self, request: Request) -> Response:
        website = self._site(request)
        if website is None:
            return self.not_found(request)
        name = website.subdomain
        panel = ('<section class="card" data-commit-group aria-labelledby="crawlers-title">'
                 '<h2 id="crawlers-title">Crawlers</h2><h3>Search Engine Crawlers</h3>'
                 + checkbox(f"search-{name}", SEARCH_LABEL, bool(self.settings[f"search-{name}"]))
                 + "<h3>Artificial Intelligence Crawlers</h3>"
                 + checkbox(f"ai-{name}", AI_LABEL, bool(self.settings[f"ai-{name}"]))
                 + f'<p class="note">{escape(AI_NOTE)}</p>'
                 '<button type="button" class="primary" data-commit>Save</button></section>')
        content = late(panel) if self.variant == "late-render" else panel
        return self._frame(request, "Crawlers", f"<h1>{escape(website.name)}</h1>{content}", self._site_nav())
