"""Replicas of Meta's objection forms for AI training, Facebook's and Instagram's
(shared/platforms.md entry 4).

Both are the 2025 help-centre form: the signed-in account's email already filled in, an
optional free-text reason, and a Send button; once sent, the page confirms that the objection
will be honoured going forward and that an email will follow. Every accepted submission is
counted (state()["submissions"]), so a test can prove a form was sent once. Variants:
`not-in-region` is an account outside the EU/EEA and UK, where the form page says it is not
available; `no-confirmation` accepts the submission and shows no confirmation; `italian` and
`german` are the form and its confirmation in the account's language, <html lang="it"> with an
"Invia" button (as Italian users saw it in May 2025) and <html lang="de"> with "Senden";
`save-fails` refuses it with an error page. Facebook signs in at www.facebook.com/login/;
Instagram's form on help.instagram.com sends signed-out visits to
www.instagram.com/accounts/login/.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from optout.replica.base import DEMO_USERNAME, Look, SignInPage
from optout.replica.cookie_sites import FormPostSite, SharedSignInSite
from optout.replica.server import Request, Response


@dataclass(frozen=True)
class Wording:
    """The form and its confirmation in one language."""

    lang: str
    heading: str
    introduction: str
    email_label: str
    reason_label: str
    submit: str
    thanks: str
    confirmation: str


ENGLISH = Wording(
    lang="en",
    heading="Object to your information being used for AI at Meta",
    introduction=("You have the right to object to Meta using the information you've shared on our Products and "
                  "services to develop and improve AI at Meta. You can submit this form to exercise that right."),
    email_label="Email address",
    reason_label="Please tell us how this processing affects you (optional)",
    submit="Send",
    thanks="Thanks for your objection",
    confirmation=("We'll honour your objection. This means your request will be applied going forward to your "
                  "information used for AI at Meta. We'll send a confirmation to the email address you gave us."))
ITALIAN = Wording(
    lang="it",
    heading="Opponiti all'uso delle tue informazioni per l'IA in Meta",
    introduction=("Hai il diritto di opporti all'uso da parte di Meta delle informazioni che hai condiviso sui "
                  "nostri Prodotti e servizi per sviluppare e migliorare l'IA in Meta. Puoi inviare questo modulo "
                  "per esercitare questo diritto."),
    email_label="Indirizzo e-mail",
    reason_label="Spiegaci in che modo questo trattamento ti riguarda (facoltativo)",
    submit="Invia",
    thanks="Accoglieremo la tua opposizione",
    confirmation=("Ciò significa che la tua richiesta verrà applicata d'ora in avanti allo sviluppo e al "
                  "miglioramento dell'IA in Meta. Riceverai una e-mail con i dettagli."))
GERMAN = Wording(
    lang="de",
    heading="Einspruch gegen die Verwendung deiner Informationen für KI bei Meta",
    introduction=("Du hast das Recht, der Verwendung der Informationen, die du auf unseren Produkten und Services "
                  "geteilt hast, für die Entwicklung und Verbesserung von KI bei Meta zu widersprechen. Du kannst "
                  "dieses Formular einreichen, um dieses Recht auszuüben."),
    email_label="E-Mail-Adresse",
    reason_label="Bitte erkläre uns, wie sich diese Verarbeitung auf dich auswirkt (optional)",
    submit="Senden",
    thanks="Wir werden deinem Widerspruch nachkommen",
    confirmation=("Das bedeutet, dass deine Anfrage künftig auf deine Informationen angewendet wird, die für KI bei "
                  "Meta verwendet werden. Wir senden eine Bestätigung an die E-Mail-Adresse, die du angegeben hast."))
WORDINGS = {"italian": ITALIAN, "german": GERMAN}  # variant -> its language; every other variant is English

NOT_AVAILABLE = "This form is not available in your region."


class ObjectionForm(FormPostSite):
    """The form page and its submissions; a subclass names its path and sign-in."""

    form_path: str
    defaults: dict = {}  # nothing to switch: the objection is a form
    api_prefix = "/ajax/settings/"
    own_variants = ("not-in-region", "no-confirmation", *WORDINGS)

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

    def _wording(self) -> Wording:
        return WORDINGS.get(self.variant, ENGLISH)

    def _frame(self, request: Request, title: str, content: str, lang: str = "en") -> Response:
        bar = f'<header class="topbar"><p class="brand">{escape(self.look.brand)}</p><span>Help Centre</span></header>'
        return self.page(title, f'{bar}<main class="content">{content}</main>', request, lang=lang)

    def _help_centre(self, request: Request) -> Response:
        return self._frame(request, "Help Centre", "<h1>How can we help you?</h1>"
                           '<input type="search" aria-label="Search help articles" style="width:100%">')

    def _form(self, request: Request) -> Response:
        if self.variant == "not-in-region":
            return self._frame(request, ENGLISH.heading, f"<h1>{ENGLISH.heading}</h1><p>{NOT_AVAILABLE}</p>")
        words = self._wording()
        form = (f'<form method="post" action="{self.form_path}" class="form">{self.csrf_field(request)}'
                f'<div class="field"><label for="email">{escape(words.email_label)}</label>'
                f'<input id="email" name="email" type="email" value="{escape(DEMO_USERNAME)}" required></div>'
                f'<div class="field"><label for="reason">{escape(words.reason_label)}</label>'
                '<textarea id="reason" name="reason" rows="5"></textarea></div>'
                f'<button type="submit" class="primary">{escape(words.submit)}</button></form>')
        content = f"<h1>{escape(words.heading)}</h1><p>{escape(words.introduction)}</p>{form}"
        return self._frame(request, words.heading, content, words.lang)

    def _submit(self, request: Request, form: dict[str, str]) -> Response:
        if self.variant == "not-in-region":
            return self.error_page(NOT_AVAILABLE, 403)
        if not form.get("email", "").strip():
            return self.error_page("Please enter your email address.", 400)
        with self._lock:
            self.submissions.append({"email": form["email"].strip(), "reason": form.get("reason", "")})
        if self.variant == "no-confirmation":
            return self._help_centre(request)
        words = self._wording()
        return self._frame(request, words.thanks, f'<h1>{escape(words.thanks)}</h1>'
                           f'<p role="status">{escape(words.confirmation)}</p>', words.lang)


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
