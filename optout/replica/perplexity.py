"""A replica of Perplexity's preferences (shared/platforms.md entry 17).

https://www.perplexity.ai/settings/preferences (All settings > Preferences) has, in its
"Artificial Intelligence" section, the "AI data retention" switch with its explanation, on by
default and saved when flipped. Variant: `ai-data-usage`, the switch named "AI Data Usage", as
Perplexity's older FAQ calls it. Signed-out visits go to /auth/signin.
"""

from __future__ import annotations

from html import escape

from optout.replica.base import CookieSite, Look, SignInPage
from optout.replica.rows import settings_layout, switch_row
from optout.replica.server import Request, Response, redirect

HOSTS = ("www.perplexity.ai", "perplexity.ai")

LABEL = "AI data retention"
OLD_LABEL = "AI Data Usage"
NOTE = ("AI Data Retention allows Perplexity to use your searches to improve AI models. Turn this setting off if you "
        "wish to exclude your data from this process.")
TABS = (("Account", "/settings/account"), ("Preferences", "/settings/preferences"),
        ("Personalization", "/settings/personalize"), ("Notifications", "/settings/notifications"))
AI_DATA_USAGE = "ai-data-usage"


class PerplexityReplica(CookieSite):
    hosts = HOSTS
    look = Look("Perplexity", accent="#20808d", background="#fcfcf9", panel="#f3f3ee", text="#13343b", muted="#64645e")
    sign_in = SignInPage(path="/auth/signin", return_param="callbackUrl", heading="Welcome",
                         username_label="Email", password_label="Password", submit_label="Continue with email",
                         wrong_password="Invalid email or password.")
    session_cookie = "__Secure-next-auth.session-token"
    home = "/"
    api_prefix = "/rest/user/settings/"
    defaults = {"ai-data-retention": True}
    own_variants = (AI_DATA_USAGE,)

    def pages(self):
        return {r"/": self._home, r"/settings": lambda request: redirect("/settings/account"),
                r"/settings/(\w+)": self._settings}

    def _home(self, request: Request) -> Response:
        return self.page("Perplexity", '<main class="content"><h1>Where knowledge begins</h1>'
                                       '<textarea aria-label="Ask anything" rows="2" style="width:100%"></textarea>'
                                       "</main>", request)

    def _settings(self, request: Request, slug: str) -> Response:
        titles = {href: title for title, href in TABS}
        if request.path not in titles:
            return self.not_found(request)
        content = f"<h1>{escape(titles[request.path])}</h1>"
        if slug == "preferences":
            label = OLD_LABEL if self.variant == AI_DATA_USAGE else LABEL
            content += ('<div class="row"><p class="title">Appearance</p><span>System</span></div>'
                        '<div class="row"><p class="title">Language</p><span>English</span></div>'
                        "<h2>Artificial Intelligence</h2>"
                        + switch_row("ai-data-retention", label, self.settings["ai-data-retention"], note=escape(NOTE)))
        return self.page("Settings", settings_layout(TABS, request.path, content), request)
