"""Replicas of Meta's objection forms for AI training, Facebook's and Instagram's
(shared/platforms.md entry 4).

Both are the 2025 help-centre form: the signed-in account's email already filled in, an
optional free-text reason, and a Send button; once sent, the page confirms that the objection
will be honoured going forward and that an email will follow. Every accepted submission is
counted (state()["submissions"]), so a test can prove a form was sent once. Variants:
`not-in-region` is an account outside the EU/EEA and UK, where the form page says it is not
available; `no-confirmation` accepts the submission and shows no confirmation; `save-fails`
refuses it with an error page. Facebook signs in at www.facebook.com/login/; Instagram's form on
help.instagram.com sends signed-out visits to www.instagram.com/accounts/login/.
"""

from __future__ import annotations

from html import escape
from typing import Any

from optout.replica.common import DEMO_USERNAME, Look, SignInPage
from optout.replica.cookie_sites import FormPostSite, SharedSignInSite
from optout.replica.server import Request, Response

HEADING = "Object to your information being used for AI at Meta"
INTRODUCTION = ("You have the right to object to Meta using the information you've shared on our Products and "
                "services to develop and improve AI at Meta. You can submit this form to exercise that right.")
REASON_LABEL = "Please tell us how this processing affects you (optional)"
NOT_AVAILABLE = "This form is not available in your region."
CONFIRMATION = ("We'll honour your objection. This means your request will be applied going forward to your "
                "information used for AI at Meta. We'll send a confirmation to the email address you gave us.")


class ObjectionForm(FormPostSite):
    """The form page and its submissions; a subclass names its path and sign-in."""

    form_path: str
    defaults: dict = {}  # nothing to switch: the objection is a form
    api_prefix = "/ajax/settings/"
    own_variants = ("not-in-region", "no-confirmation")

    def reset(self, variant: str | None = None, settings: dict | None = None) -> None:
        super().reset(variant, settings)
        self.submissions: list[dict[str, str]] = []

    def state(self) -> dict[str, Any]:
        return {**super().state(), "submissions": len(self.submissions),
                "reasons": [entry["reason"] for entry in self.submissions]}

    def pages(self):
        return {r"/": self._help_centre, self.form_path: self._form}

    def posts(self):
        return {self.form_path: self._submit}

    def _frame(self, request: Request, title: str, content: str) -> Response:
        bar = f'<header class="topbar"><p class="brand">{escape(self.look.brand)}</p><span>Help Centre</span></header>'
        return self.page(title, f'{bar}<main class="content">{content}</main>', request)

    def _help_centre(self, request: Request) -> Response:
        return self._frame(request, "Help Centre", "<h1>How can we help you?</h1>"
                           '<input type="search" aria-label="Search help articles" style="width:100%">')

    def _form(self, request: Request) -> Response:
        if self.variant == "not-in-region":
            return self._frame(request, HEADING, f"<h1>{HEADING}</h1><p>{NOT_AVAILABLE}</p>")
        form = (f'<form method="post" action="{self.form_path}" class="form">{self.csrf_field(request)}'
                '<div class="field"><label for="email">Email address</label>'
                f'<input id="email" name="email" type="email" value="{escape(DEMO_USERNAME)}" required></div>'
                f'<div class="field"><label for="reason">{REASON_LABEL}</label>'
                '<textarea id="reason" name="reason" rows="5"></textarea></div>'
                '<button type="submit" class="primary">Send</button></form>')
        return self._frame(request, HEADING, f"<h1>{HEADING}</h1><p>{INTRODUCTION}</p>{form}")

    def _submit(self, request: Request, form: dict[str, str]) -> Response:
        if self.variant == "not-in-region":
            return self.error_page(NOT_AVAILABLE, 403)
        if not form.get("email", "").strip():
            return self.error_page("Please enter your email address.", 400)
        with self._lock:
            self.submissions.append({"email": form["email"].strip(), "reason": form.get("reason", "")})
        if self.variant == "no-confirmation":
            return self._help_centre(request)
        return self._frame(request, "Thanks", f'<h1>Thanks for your objection</h1><p role="status">{CONFIRMATION}</p>')


class FacebookReplica(ObjectionForm):
    hosts = ("www.facebook.com", "facebook.com")
    look = Look("facebook", accent="#1877f2", background="#f0f2f5", panel="#ffffff", text="#1c1e21", muted="#65676b")
    sign_in = SignInPage(path="/login/", return_param="next", heading="Log in to Facebook",
                         username_label="Email address or phone number", password_label="Password",
                         submit_label="Log in", wrong_password="The password that you've entered is incorrect.")
    session_cookie = "xs"
    other_cookies = {"c_user": "100089000000001"}
    home = "/"
    form_path = "/help/contact/712876720715583"


class InstagramReplica(ObjectionForm, SharedSignInSite):
    hosts = ("help.instagram.com", "www.instagram.com")
    sign_in_host = "www.instagram.com"
    cookie_domain = ".instagram.com"
    look = Look("Instagram", accent="#0095f6", background="#ffffff", panel="#fafafa", text="#000000", muted="#737373")
    sign_in = SignInPage(path="/accounts/login/", return_param="next", heading="Log into Instagram",
                         username_label="Phone number, username or email address", password_label="Password",
                         submit_label="Log in",
                         wrong_password="Sorry, your password was incorrect. Please double-check your password.")
    session_cookie = "sessionid"
    home = "/"
    form_path = "/contact/767264225370182"
