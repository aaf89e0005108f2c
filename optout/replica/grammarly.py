"""A replica of Grammarly's account privacy settings (shared/platforms.md entry 18).

https://account.grammarly.com/security/privacy (Free and Premium accounts) has the "Product
Improvement and Training" switch, on by default and saved when clicked. Variant: `ampersand`,
the switch named "Product Improvement & Training", as Grammarly words it on its business data
settings. Signing in happens on www.grammarly.com/signin; the session covers .grammarly.com.
"""

from __future__ import annotations

from optout.replica.base import Look, SignInPage
from optout.replica.cookie_sites import SharedSignInSite
from optout.replica.rows import settings_layout, switch_row
from optout.replica.server import Request, Response, redirect

HOSTS = ("account.grammarly.com", "www.grammarly.com")
PRIVACY_PATH = "/security/privacy"

LABEL = "Product Improvement and Training"
BUSINESS_LABEL = "Product Improvement & Training"
NOTE = ("Allow Grammarly to use your content, including content processed by Grammarly Go, to train our models "
        "and improve our product for everyone.")
RAIL = (("Account", "/profile"), ("Subscription", "/subscription"), ("Customize", "/customize"),
        ("Privacy", PRIVACY_PATH), ("Apps", "/apps"))
AMPERSAND = "ampersand"


class GrammarlyReplica(SharedSignInSite):
    hosts = HOSTS
    sign_in_host = "www.grammarly.com"
    cookie_domain = ".grammarly.com"
    look = Look("Grammarly", accent="#027e6f", background="#ffffff", panel="#f4f6f6", text="#0e101a", muted="#6d758d")
    sign_in = SignInPage(path="/signin", return_param="redirect_uri", heading="Log in", username_label="Email",
                         password_label="Password", submit_label="Log in",
                         wrong_password="Invalid email or password.")
    session_cookie = "grauth"
    home = "/profile"
    api_prefix = "/api/v1/privacy/"
    defaults = {"product-improvement": True}
    own_variants = (AMPERSAND,)

    def pages(self):
        return {r"/": lambda request: redirect(self.home), r"/profile": self._profile, PRIVACY_PATH: self._privacy}

    def _profile(self, request: Request) -> Response:
        return self.page("Account", settings_layout(RAIL, request.path, "<h1>Account</h1><p>Demo Person</p>"), request)

    def _privacy(self, request: Request) -> Response:
        label = BUSINESS_LABEL if self.variant == AMPERSAND else LABEL
        content = ("<h1>Privacy</h1>" + switch_row("product-improvement", label, self.settings["product-improvement"],
                                                   note=NOTE)
                   + '<p><a href="https://support.grammarly.com/hc/en-us/articles/25555503115277">Learn more</a></p>')
        return self.page("Privacy", settings_layout(RAIL, request.path, content), request)
