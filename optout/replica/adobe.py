"""A replica of Adobe account's data and privacy settings (shared/platforms.md entry 19).

https://account.adobe.com: "Account and security" leads to its sub-pages, one of them "Data and
privacy" (/privacy), where "Desktop app usage" (usage data, not content: a decoy a flow must
leave alone) sits above "Content analysis for product improvement" (the 2024 wording), both on
by default and saved when flipped. Variant: `label-2023`, the older page: "Privacy and personal
data", the switch named "Content analysis". Signing in happens on auth.services.adobe.com; the
session covers .adobe.com.
"""

from __future__ import annotations

from html import escape

from optout.replica.base import Look, SignInPage
from optout.replica.cookie_sites import SharedSignInSite
from optout.replica.rows import settings_layout, switch_row
from optout.replica.server import Request, Response

HOSTS = ("account.adobe.com", "auth.services.adobe.com")

LABEL = "Content analysis for product improvement"
LABEL_2023 = "Content analysis"
NOTE = ("Adobe may analyze your content using techniques such as machine learning (e.g., for pattern recognition) "
        "to develop and improve our products and services.")
USAGE_LABEL = "Desktop app usage"
RAIL = (("Overview", "/"), ("Plans and payment", "/plans"), ("Account and security", "/security"),
        ("Communication preferences", "/communication"))
LABEL_2023_VARIANT = "label-2023"


class AdobeReplica(SharedSignInSite):
    hosts = HOSTS
    sign_in_host = "auth.services.adobe.com"
    cookie_domain = ".adobe.com"
    look = Look("Adobe Account", accent="#eb1000", background="#ffffff", panel="#f5f5f5", text="#222222",
                muted="#6e6e6e")
    sign_in = SignInPage(path="/en_US/index.html", return_param="callback", heading="Sign in",
                         username_label="Email address", password_label="Password", submit_label="Continue",
                         wrong_password="Incorrect password. Try again.")
    session_cookie = "adobe-account-session"
    home = "/"
    api_prefix = "/api/profile/privacy/"
    defaults = {"desktop-app-usage": True, "content-analysis": True}
    own_variants = (LABEL_2023_VARIANT,)

    def pages(self):
        return {r"/": self._overview, r"/security": self._security, r"/privacy": self._privacy}

    def _privacy_title(self) -> str:
        return "Privacy and personal data" if self.variant == LABEL_2023_VARIANT else "Data and privacy"

    def _overview(self, request: Request) -> Response:
        return self.page("Overview", settings_layout(RAIL, request.path, "<h1>Welcome, Demo</h1>"), request)

    def _security(self, request: Request) -> Response:
        links = "".join(f'<li><a href="{href}">{escape(title)}</a></li>' for title, href in (
            ("Sign-in and security", "/security/sign-in"), (self._privacy_title(), "/privacy")))
        content = f"<h1>Account and security</h1><ul>{links}</ul>"
        return self.page("Account and security", settings_layout(RAIL, request.path, content), request)

    def _privacy(self, request: Request) -> Response:
        label = LABEL_2023 if self.variant == LABEL_2023_VARIANT else LABEL
        content = (f"<h1>{escape(self._privacy_title())}</h1><h2>Product improvement</h2>"
                   + switch_row("desktop-app-usage", USAGE_LABEL, self.settings["desktop-app-usage"],
                                note="Share information about how you use Adobe desktop apps.")
                   + switch_row("content-analysis", label, self.settings["content-analysis"], note=escape(NOTE)))
        return self.page(self._privacy_title(), settings_layout(RAIL, "/security", content), request)
