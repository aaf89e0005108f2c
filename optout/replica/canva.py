"""A replica of Canva's privacy settings (shared/platforms.md entry 21, low confidence).

Canva documents two AI-improvement settings under Settings > "Privacy settings", one for general
usage and activity data and one for the person's content; their on-screen wording is not
documented, so the labels below are written from that description
(https://www.canva.com/settings/privacy-preferences). Both are on by default on Free and Pro and
save when flipped; a marketing switch sits above them (a decoy). Variants: `renamed`, the two
switches worded differently from the description (a flow must end in flow_outdated, naming
them as candidates, not guess); `team-locked`, a Teams account: both off and locked by the team
(already opted out). Signed-out visits go to /login.
"""

from __future__ import annotations

from optout.replica.base import CookieSite, Look, SignInPage
from optout.replica.rows import settings_layout, switch_row
from optout.replica.server import Request, Response, redirect

HOSTS = ("www.canva.com", "canva.com")
PRIVACY_PATH = "/settings/privacy-preferences"

LABELS = {"ai-usage-data": "Use my general usage data to improve AI-powered features",
          "ai-content": "Use my content to improve AI-powered features"}
RENAMED_LABELS = {"ai-usage-data": "Help improve Canva with your activity",
                  "ai-content": "Help improve Canva with your designs"}
MARKETING_LABEL = "Personalized marketing"
RAIL = (("Your account", "/settings/your-account"), ("Login & security", "/settings/login-and-security"),
        ("Privacy settings", PRIVACY_PATH), ("Billing & plans", "/settings/billing-and-plans"))
RENAMED = "renamed"
TEAM_LOCKED = "team-locked"


class CanvaReplica(CookieSite):
    hosts = HOSTS
    look = Look("Canva", accent="#8b3dff", background="#ffffff", panel="#f2f3f5", text="#0d1216", muted="#5e6a75")
    sign_in = SignInPage(path="/login", return_param="redirect", heading="Log in or sign up in seconds",
                         username_label="Email", password_label="Password", submit_label="Continue",
                         wrong_password="Incorrect email or password.")
    session_cookie = "CAZ"
    home = "/"
    api_prefix = "/_ajax/settings/privacy/"
    defaults = {"marketing": True, "ai-usage-data": True, "ai-content": True}
    own_variants = (RENAMED, TEAM_LOCKED)

    def reset(self, variant: str | None = None, settings: dict | None = None) -> None:
        locked = {"ai-usage-data": False, "ai-content": False} if (variant or self._initial_variant) == TEAM_LOCKED else {}
        super().reset(variant, {**locked, **(settings or {})})

    def pages(self):
        return {r"/": self._home, r"/settings": lambda request: redirect(PRIVACY_PATH), PRIVACY_PATH: self._privacy}

    def _home(self, request: Request) -> Response:
        return self.page("Home", '<main class="content"><h1>What will you design today?</h1>'
                                 '<a href="/settings" aria-label="Settings">⚙</a></main>', request)

    def _privacy(self, request: Request) -> Response:
        labels = RENAMED_LABELS if self.variant == RENAMED else LABELS
        locked = self.variant == TEAM_LOCKED
        rows = "".join(switch_row(key, label, self.settings[key], disabled=locked) for key, label in labels.items())
        content = ("<h1>Privacy settings</h1>"
                   + switch_row("marketing", MARKETING_LABEL, self.settings["marketing"])
                   + "<h2>AI-powered features</h2>" + rows)
        return self.page("Privacy settings", settings_layout(RAIL, request.path, content), request)
