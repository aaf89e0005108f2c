"""Google's account sign-in (accounts.google.com), which the Google replicas share.

Signed-out visits go to /ServiceLogin?continue=..., which sends the browser on to
/v3/signin/identifier: "Email or phone" and Next, then "Enter your password" and Next. The
session cookie covers every google.com host. In the `rejected` variant Google refuses the
browser once the email is given, as it does browsers it takes to be automated or embedded: the
sign-in goes to /v3/signin/rejected, "Couldn’t sign you in / This browser or app may not be
secure." Nothing there signs in.
"""

from __future__ import annotations

from urllib.parse import urlencode

from optout.replica.base import SignInPage, guest_card
from optout.replica.cookie_sites import SharedSignInSite
from optout.replica.server import Request, Response, redirect

SIGN_IN_HOST = "accounts.google.com"
SERVICE_LOGIN_PATH = "/ServiceLogin"
IDENTIFIER_PATH = "/v3/signin/identifier"
REJECTED_PATH = "/v3/signin/rejected"
RETURN_PARAM = "continue"

REJECTED = "rejected"
REJECTED_HEADING = "Couldn’t sign you in"
REJECTED_MESSAGE = "This browser or app may not be secure."
REJECTED_ADVICE = ("Try using a different browser. If you’re already using a supported browser, you can try "
                   "again to sign in.")
REJECTED_HELP_URL = "https://support.google.com/accounts/answer/7675428"


class GoogleAccountsSite(SharedSignInSite):
    """A Google replica: its pages on hosts[0], its sign-in on accounts.google.com."""

    sign_in_host = SIGN_IN_HOST
    cookie_domain = ".google.com"
    sign_in = SignInPage(path=SERVICE_LOGIN_PATH, return_param=RETURN_PARAM, form_action=IDENTIFIER_PATH,
                         heading="Sign in", username_label="Email or phone", continue_label="Next",
                         password_label="Enter your password", submit_label="Next",
                         wrong_password="Wrong password. Try again or click Forgot password to reset it.")
    session_cookie = "SID"
    own_variants = (REJECTED,)

    def public_routes(self):
        return {**super().public_routes(), ("GET", SERVICE_LOGIN_PATH): self._to_identifier,
                ("GET", IDENTIFIER_PATH): self._sign_in_page, ("GET", REJECTED_PATH): self._rejected_page}

    def _to_identifier(self, request: Request) -> Response:
        return redirect(f"{IDENTIFIER_PATH}?{urlencode(request.query)}")

    def _sign_in_submit(self, request: Request) -> Response:
        if self.variant != REJECTED:
            return super()._sign_in_submit(request)
        back = request.form().get("next", "")
        return redirect(f"{REJECTED_PATH}?{urlencode({RETURN_PARAM: back})}")

    def _rejected_page(self, request: Request) -> Response:
        again = f"{IDENTIFIER_PATH}?{urlencode({RETURN_PARAM: request.query.get(RETURN_PARAM, '')})}"
        card = (f'<p class="brand">Google</p><h1>{REJECTED_HEADING}</h1>'
                f'<p>{REJECTED_MESSAGE} <a href="{REJECTED_HELP_URL}">Learn more</a></p>'
                f'<p class="muted">{REJECTED_ADVICE}</p><a class="primary" href="{again}">Try again</a>')
        return self.page(REJECTED_HEADING, guest_card(card))
