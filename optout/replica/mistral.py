"""A replica of Mistral's Admin Console, Le Chat privacy (shared/platforms.md entry 29).

https://admin.mistral.ai: under the "Manage" section, "Le Chat" opens its settings, whose
"Privacy" section has the switch "Allow your interactions to be used to train our models", on
by default (Le Chat Free) and saved when flipped. Variant: `late-render`, the section arrives two
seconds after the page, as the console's client renders it. Signing in happens on
auth.mistral.ai; the session covers .mistral.ai.
"""

from __future__ import annotations

from optout.replica.base import Look, SignInPage, late
from optout.replica.cookie_sites import SharedSignInSite
from optout.replica.rows import settings_layout, switch_row
from optout.replica.server import Request, Response

HOSTS = ("admin.mistral.ai", "auth.mistral.ai")
LE_CHAT_PATH = "/organization/le-chat"

LABEL = "Allow your interactions to be used to train our models"
RAIL = (("Organization", "/organization"), ("Members", "/organization/members"), ("Le Chat", LE_CHAT_PATH),
        ("Studio", "/organization/studio"), ("Billing", "/organization/billing"))
LATE_RENDER = "late-render"


class MistralReplica(SharedSignInSite):
    hosts = HOSTS
    sign_in_host = "auth.mistral.ai"
    cookie_domain = ".mistral.ai"
    look = Look("Mistral AI", accent="#fa520f", background="#fffaeb", panel="#fff0c2", text="#1e1e1e", muted="#5f5f5f")
    sign_in = SignInPage(path="/ui/login", return_param="return_to", heading="Log in to Mistral AI",
                         username_label="Email", password_label="Password", submit_label="Log in",
                         wrong_password="The provided credentials are invalid.")
    session_cookie = "ory_session"
    home = "/organization"
    api_prefix = "/api/organization/le-chat/settings/"
    defaults = {"train-on-interactions": True}
    own_variants = (LATE_RENDER,)

    def pages(self):
        return {r"/": self._organization, r"/organization": self._organization, LE_CHAT_PATH: self._le_chat}

    def _organization(self, request: Request) -> Response:
        content = '<h1>Organization</h1><p class="heading">Manage</p><p>Demo Person\'s organization · Free</p>'
        return self.page("Admin", settings_layout(RAIL, request.path, content), request)

    def _le_chat(self, request: Request) -> Response:
        privacy = "<h2>Privacy</h2>" + switch_row("train-on-interactions", LABEL, self.settings["train-on-interactions"])
        content = "<h1>Le Chat</h1>" + (late(privacy) if self.variant == LATE_RENDER else privacy)
        return self.page("Le Chat", settings_layout(RAIL, request.path, content), request)
