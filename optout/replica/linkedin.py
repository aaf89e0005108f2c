"""A replica of LinkedIn's sign-in and Data privacy settings, written from the documented facts.

It serves the real paths (/login, /checkpoint/lg/login-submit, /checkpoint/challenge/<id>,
/feed/, /mypreferences/d/categories/privacy, /mypreferences/d/settings/data-for-ai-improvement,
...), keeps each account's switch states on the server, and can be put into variants that change
the pages the way real sites change: labels come loose from switches, sections render late, saves
fail, a second look-alike switch appears, the sign-in demands a code or a CAPTCHA, a cookie dialog
or a promotion covers the page, the account speaks German, and so on. See VARIANTS.

Interruptions (the eu-cookies dialog, the overlay promotion) are added to finished pages in one
place, `LinkedInReplica._interrupted`, so the page renderers stay functions of their data.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass, field, replace
from html import escape
from importlib import resources
from typing import Any, Callable
from urllib.parse import urlencode, urlsplit

from optout.replica.server import (
    Request,
    Response,
    html_response,
    json_response,
    redirect,
    storage_state,
    totp_matches,
)

HOSTS = ("www.linkedin.com", "linkedin.com")
MAIN_HOST = HOSTS[0]

DEMO_USERNAME = "demo@example.com"
DEMO_PASSWORD = "correct horse battery staple"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEMO_DISPLAY_NAME = "Demo Member"
DEMO_FIRST_NAME = DEMO_DISPLAY_NAME.split()[0]

VARIANTS = (
    "default",
    "untied-label",  # the label is plain text near the switch; the switch is named "On"/"Off"
    "late-render",  # the section appears by script 1.5 s after load, state fetched from the API
    "decoy",  # another switch that is also On sits in a section before the real one
    "duplicate",  # two switches with exactly the documented label: a tool must refuse to pick
    "renamed",  # headings and labels reworded so the documented words no longer appear
    "save-fails",  # the save API answers 500; the page flips the switch back
    "not-offered",  # the settings page says the setting is not available, with no switch
    "slow",  # every HTML page is sent 2 s late
    "checkpoint",  # a correct password leads to a CAPTCHA that can never be passed
    "two-step",  # a correct password leads to a one-time-code page
    "server-error",  # settings pages answer 500
    "wrong-password-curly",  # a wrong password gets LinkedIn's other wording (curly apostrophe)
    "account-picker",  # /login first offers the remembered account; the form is one click away
    "eu-cookies",  # a cookie-consent dialog covers every page until Accept or Reject
    "german",  # the account's language is German: settings pages are lang="de" and worded so
    "redirect-foreign",  # /login sends the browser to a look-alike on another domain (lookalike.py)
    "overlay",  # a "Try Premium for free" promotion covers settings pages a second after load
)

WRONG_CREDENTIALS = "Wrong email or password. Try again or create an account."
WRONG_PASSWORD_CURLY = "Hmm, that\u2019s not the right password. Please try again or request a magic link."
WRONG_CODE = "The verification code you entered isn't valid. Please check the code and try again."
CAPTCHA_FAILED = "We couldn't verify that you're a person. Please try again."
NOT_OFFERED = "This setting is not available for your account."
COOKIE_NOTICE = (
    "LinkedIn and 3rd parties use essential and non-essential cookies to provide, secure, analyze "
    "and improve our Services, and to show you relevant ads (including professional and job ads) on "
    "and off LinkedIn. Learn more in our Cookie Policy."
)
PREMIUM_PROMOTION = "Try Premium for free"

SLOW_PAGE_SECONDS = 2.0
SAVE_LATENCY_SECONDS = 0.3  # long enough that reading the switch right after a click is wrong
LATE_RENDER_DELAY_MS = 1500
COOKIE_DIALOG_DELAY_MS = 0  # saved copies of the live pages carry it in the HTML: there on arrival
PROMOTION_DELAY_MS = 0  # over the switch before anything can be clicked

SETTINGS_PREFIX = "/mypreferences/d/"
SETTINGS_HOME = "/mypreferences/d/categories/account"
FEED = "/feed/"
LOGIN = "/login"
LOGIN_SUBMIT = "/checkpoint/lg/login-submit"  # where the sign-in form posts, as on the live site
COOKIE_CONSENT = "/cookie-consent/"  # where the dialog's script records Accept or Reject
CONSENT_COOKIE = "li_gc"  # LinkedIn's consent cookie; any value means "already answered"
CONSENT_CHOICES = ("accepted", "rejected")
FOREIGN_SIGN_IN_HOST = "login.linkedin-auth.com"  # redirect-foreign's destination; see lookalike.py

_ASSETS = resources.files(__package__) / "linkedin"
_STYLE = (_ASSETS / "style.css").read_text(encoding="utf-8")
_SETTINGS_SCRIPT = (_ASSETS / "settings.js").read_text(encoding="utf-8")
_INTERRUPTION_SCRIPT = (_ASSETS / "interruption.js").read_text(encoding="utf-8")
_LOGO = (
    '<svg class="logo-mark" viewBox="0 0 34 34" width="34" height="34" aria-hidden="true">'
    '<rect width="34" height="34" rx="4" fill="#0a66c2"/>'
    '<text x="6" y="26" font-size="22" font-weight="700" fill="#fff" '
    'font-family="Arial, sans-serif">in</text></svg>'
)


# --- What the settings pages hold -------------------------------------------------------------

GERMAN = "german"

# The settings pages' own words in German (the german variant); a setting's words are in its
# `reworded`. Anything missing here stays English, as half-translated sites do.
GLOSSARY_DE = {
    "Settings": "Einstellungen",
    "Back": "Zurück",
    "Learn more": "Weitere Informationen",
    "On": "An",
    "Off": "Aus",
    "Loading": "Wird geladen",
    NOT_OFFERED: "Diese Einstellung ist für Ihr Konto nicht verfügbar.",
    "Home": "Startseite",
    "My Network": "Mein Netzwerk",
    "Jobs": "Jobs",
    "Messaging": "Nachrichten",
    "Notifications": "Mitteilungen",
    "Me": "Ich",
    "Settings & Privacy": "Einstellungen & Datenschutz",
    "Help": "Hilfe",
    "Sign Out": "Abmelden",
    "Search": "Suchen",
    "Account preferences": "Kontoeinstellungen",
    "Sign in & security": "Anmelden und Sicherheit",
    "Visibility": "Sichtbarkeit",
    "Data privacy": "Datenschutz",
    "Advertising data": "Werbedaten",
    "How LinkedIn uses your data": "Wie LinkedIn Ihre Daten verwendet",
    "Who can reach you": "Wer Sie kontaktieren kann",
    "Manage your data and activity": "Ihre Daten und Aktivitäten verwalten",
    "Review the data that you've provided, and make changes if you'd like.":
        "Prüfen Sie die Daten, die Sie angegeben haben, und ändern Sie sie bei Bedarf.",
    "Get a copy of your data": "Kopie Ihrer Daten anfordern",
    "See your options for accessing a copy of your account data.":
        "Sehen Sie sich an, wie Sie eine Kopie Ihrer Kontodaten erhalten können.",
    "Invitations to connect": "Einladungen zum Vernetzen",
    "Choose who can send you invitations to connect.": "Legen Sie fest, wer Ihnen Einladungen senden kann.",
    "Messages": "Nachrichten",
    "Choose who can message you.": "Legen Sie fest, wer Ihnen Nachrichten senden kann.",
}  # fmt: skip


def _say(text: str, variant: str) -> str:
    """text in the account's language: German in the german variant where the glossary has it."""
    return GLOSSARY_DE.get(text, text) if variant == GERMAN else text


def _lang(variant: str) -> str:
    return "de" if variant == GERMAN else "en"


@dataclass(frozen=True)
class Wording:
    title: str
    question: str
    label: str


@dataclass(frozen=True)
class Setting:
    """A switch whose state the server keeps for each account (all start On)."""

    key: str  # used in the save API and the admin state
    slug: str | None  # its page under /mypreferences/d/settings/; None = shown only as a decoy
    wording: Wording
    reworded: dict[str, Wording] = field(default_factory=dict)  # variant -> its wording
    help_path: str = "/help/linkedin/"

    def words(self, variant: str) -> Wording:
        return self.reworded.get(variant, self.wording)


@dataclass(frozen=True)
class InfoPage:
    """A settings item without a switch, there so the menus look and lead where LinkedIn's do."""

    slug: str
    title: str
    description: str

    def words(self, variant: str) -> InfoPage:
        return replace(self, title=_say(self.title, variant), description=_say(self.description, variant))


GENERATIVE_AI = Setting(
    key="generative-ai",
    slug="data-for-ai-improvement",
    wording=Wording(
        title="Data for Generative AI Improvement",
        question=(
            "Can LinkedIn and its affiliates use your personal data and content you create on "
            "LinkedIn to train generative AI models that create content?"
        ),
        label="Use my data for training content creation AI models",
    ),
    reworded={
        "renamed": Wording(
            title="Improving generative features",
            question="Help shape the generative features you use on LinkedIn with what you share here.",
            label="Allow LinkedIn to improve generative features with my content",
        ),
        GERMAN: Wording(
            title="Daten zur Verbesserung generativer KI",
            question=(
                "Dürfen LinkedIn und seine verbundenen Unternehmen Ihre personenbezogenen Daten "
                "und die Inhalte, die Sie auf LinkedIn erstellen, zum Training von KI-Modellen zur "
                "Inhaltserstellung verwenden?"
            ),
            label="Meine Daten für das Training von KI-Modellen zur Inhaltserstellung verwenden",
        ),
    },
    help_path="/help/linkedin/answer/a6278444",
)
RESEARCH = Setting(
    key="research",
    slug="policy-and-academic-research",
    wording=Wording(
        title="Social, economic, and workplace research",
        question=(
            "Choose whether LinkedIn can make some of your personal data available to trusted "
            "third parties for policy and academic research."
        ),
        label="Use data for research",
    ),
    reworded={
        "renamed": Wording(
            title="Research partnerships",
            question="Help researchers understand the world of work with what you share here.",
            label="Let trusted partners study my LinkedIn activity",
        ),
        GERMAN: Wording(
            title="Forschung zu Gesellschaft, Wirtschaft und Arbeitswelt",
            question=(
                "Legen Sie fest, ob LinkedIn einige Ihrer personenbezogenen Daten vertrauenswürdigen "
                "Dritten für politische und wissenschaftliche Forschung zur Verfügung stellen darf."
            ),
            label="Daten für Forschungszwecke verwenden",
        ),
    },
    help_path="/help/linkedin/answer/a6882244",
)
RESEARCH_INVITATIONS = Setting(
    key="research-invitations",
    slug="research-invitations",
    wording=Wording(
        title="Research invitations",
        question="Choose whether LinkedIn can invite you to take part in research about LinkedIn.",
        label="Research invitations",
    ),
    reworded={
        GERMAN: Wording(
            title="Einladungen zu Forschungsprojekten",
            question="Legen Sie fest, ob LinkedIn Sie zu Studien über LinkedIn einladen darf.",
            label="Einladungen zu Forschungsprojekten",
        ),
    },
)
PROFILE_RECOMMENDATIONS = Setting(
    key="profile-recommendations",
    slug=None,
    wording=Wording(
        title="Personalized recommendations",
        question="Choose whether LinkedIn can use your profile data to recommend jobs and people.",
        label="Allow LinkedIn to use my profile data for recommendations",
    ),
)
SETTINGS = {
    setting.key: setting
    for setting in (GENERATIVE_AI, RESEARCH, RESEARCH_INVITATIONS, PROFILE_RECOMMENDATIONS)
}

Item = Setting | InfoPage


@dataclass(frozen=True)
class Category:
    key: str  # /mypreferences/d/categories/<key>
    title: str
    sections: tuple[tuple[str, tuple[Item, ...]], ...]


CATEGORIES = {
    category.key: category
    for category in (
        Category("account", "Account preferences", (
            ("Profile information", (
                InfoPage("edit-name", "Name, location, and industry", "Choose how your name and other profile details appear."),
                InfoPage("verifications", "Verifications", "Manage the verifications on your profile."),
            )),
            ("Display", (
                InfoPage("dark-mode", "Dark mode", "Choose how LinkedIn looks to you."),
            )),
        )),
        Category("sign-in-and-security", "Sign in & security", (
            ("Account access", (
                InfoPage("email-addresses", "Email addresses", "Add or remove email addresses on your account."),
                InfoPage("change-password", "Change password", "Choose a unique password to protect your account."),
                InfoPage("two-step-verification", "Two-step verification", "Activate this feature for enhanced account security."),
            )),
        )),
        Category("visibility", "Visibility", (
            ("Visibility of your profile & network", (
                InfoPage("profile-viewing-options", "Profile viewing options", "Choose whether you're visible or viewing in private mode."),
            )),
        )),
        Category("privacy", "Data privacy", (
            ("How LinkedIn uses your data", (
                InfoPage("manage-your-data", "Manage your data and activity", "Review the data that you've provided, and make changes if you'd like."),
                InfoPage("download-your-data", "Get a copy of your data", "See your options for accessing a copy of your account data."),
                RESEARCH,
                GENERATIVE_AI,
            )),
            ("Who can reach you", (
                InfoPage("invitations", "Invitations to connect", "Choose who can send you invitations to connect."),
                InfoPage("messages", "Messages", "Choose who can message you."),
                RESEARCH_INVITATIONS,
            )),
        )),
        Category("advertising-data", "Advertising data", (
            ("Profile data", (
                InfoPage("ads-profile-data", "Profile information", "Choose which profile data can be used to show you ads."),
            )),
        )),
        Category("notifications", "Notifications", (
            ("Notifications you receive", (
                InfoPage("notifications-jobs", "Searching for a job", "Choose the notifications you get about jobs."),
            )),
        )),
    )
}  # fmt: skip

# Each item's page and the category that lists it (for the Back link).
PAGES: dict[str, tuple[Item, Category]] = {
    item.slug: (item, category)
    for category in CATEGORIES.values()
    for _, items in category.sections
    for item in items
}


# --- Server-side state ------------------------------------------------------------------------


@dataclass
class Account:
    username: str
    password: str
    totp_secret: str
    settings: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(SETTINGS, True))


@dataclass(frozen=True)
class Session:
    username: str
    csrf_token: str  # the JSESSIONID value, which the page echoes in the csrf-token header


@dataclass(frozen=True)
class Challenge:
    kind: str  # "captcha" (never passable) or "code" (TOTP)
    username: str
    next_path: str


def _checked_variant(variant: str) -> str:
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; choose one of: {', '.join(VARIANTS)}")
    return variant


def _checked_settings(settings: Any) -> dict[str, bool]:
    if not isinstance(settings, dict):
        raise ValueError("settings must be a JSON object")
    for key, value in settings.items():
        if key not in SETTINGS or not isinstance(value, bool):
            raise ValueError(f"settings take true/false for: {', '.join(SETTINGS)} (got {key!r})")
    return settings


def _safe_next_path(value: str) -> str:
    """Where to go after sign-in: a path on this site (full LinkedIn URLs allowed), else the feed."""
    url = urlsplit(value)
    if url.netloc not in ("", *HOSTS) or not url.path.startswith("/") or url.path.startswith("//"):
        return FEED
    return url.path + (f"?{url.query}" if url.query else "")


def _path_with_query(request: Request) -> str:
    return request.path + (f"?{urlencode(request.query)}" if request.query else "")


# --- The site ---------------------------------------------------------------------------------

Handler = Callable[..., Response]
PUBLIC, MEMBER_PAGE, MEMBER_API = "public", "member page", "member api"


class LinkedInReplica:
    """The LinkedIn site for ReplicaServer. Thread-safe; one instance per server."""

    hosts = HOSTS
    variants = VARIANTS

    def __init__(self, variant: str = "default"):
        self._lock = threading.Lock()
        self._initial_variant = _checked_variant(variant)
        self._routes: list[tuple[str, re.Pattern[str], Handler, str]] = [
            ("GET", re.compile(r"/"), self._home, PUBLIC),
            ("GET", re.compile(LOGIN), self._login_page, PUBLIC),
            ("GET", re.compile(LOGIN_SUBMIT), self._back_to_login, PUBLIC),
            ("POST", re.compile(LOGIN_SUBMIT), self._login_submit, PUBLIC),
            ("POST", re.compile(COOKIE_CONSENT), self._cookie_consent, PUBLIC),
            ("GET", re.compile(r"/m/logout/?"), self._logout, PUBLIC),
            ("GET", re.compile(r"/checkpoint/challenge/([\w-]+)"), self._challenge_page, PUBLIC),
            ("POST", re.compile(r"/checkpoint/challenge/([\w-]+)"), self._challenge_submit, PUBLIC),
            ("GET", re.compile(r"/feed/?"), self._feed, MEMBER_PAGE),
            ("GET", re.compile(r"/mypreferences/d/categories/([\w-]+)"), self._category, MEMBER_PAGE),
            ("GET", re.compile(r"/mypreferences/d/settings/([\w-]+)"), self._setting_page, MEMBER_PAGE),
            ("GET", re.compile(r"/mypreferences/api/settings/([\w-]+)"), self._read_setting, MEMBER_API),
            ("POST", re.compile(r"/mypreferences/api/settings/([\w-]+)"), self._save_setting, MEMBER_API),
        ]
        self.reset()

    # -- admin (called by ReplicaServer's /__replica__/ API) --

    def reset(self, variant: str | None = None, settings: dict[str, bool] | None = None) -> None:
        """Fresh accounts (every switch On, then `settings`), no sessions, counters at zero."""
        variant = _checked_variant(variant or self._initial_variant)
        demo = Account(DEMO_USERNAME, DEMO_PASSWORD, DEMO_TOTP_SECRET)
        demo.settings.update(_checked_settings(settings or {}))
        with self._lock:
            self.variant = variant
            self.accounts = {demo.username: demo}
            self.sessions: dict[str, Session] = {}
            self.challenges: dict[str, Challenge] = {}
            self.sign_ins = 0
            self.sign_in_attempts = 0
            self.cookie_choices: list[str] = []  # every Accept/Reject, in order

    def set_variant(self, variant: str) -> None:
        self.variant = _checked_variant(variant)

    def set_settings(self, settings: dict[str, bool]) -> None:
        with self._lock:
            self.accounts[DEMO_USERNAME].settings.update(_checked_settings(settings))

    def expire_sessions(self) -> None:
        with self._lock:
            self.sessions.clear()
            self.challenges.clear()

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {
                "variant": self.variant,
                "settings": dict(self.accounts[DEMO_USERNAME].settings),
                "sign_ins": self.sign_ins,
                "sign_in_attempts": self.sign_in_attempts,
                "sessions": list(self.sessions),
                "cookie_choice": self.cookie_choices[-1] if self.cookie_choices else None,
                "cookie_choices": list(self.cookie_choices),
                "accounts": [
                    {"username": account.username, "settings": dict(account.settings)}
                    for account in self.accounts.values()
                ],
            }

    # -- routing --

    def handle(self, request: Request) -> Response:
        if request.host != MAIN_HOST and request.host in HOSTS:
            return redirect(f"https://{MAIN_HOST}{_path_with_query(request)}", 301)
        response = self._route(request)
        if self.variant == "slow" and response.is_html:
            time.sleep(SLOW_PAGE_SECONDS)
        return self._interrupted(request, response)

    def _interrupted(self, request: Request, response: Response) -> Response:
        """The page with the variant's script-rendered interruption, if it has one."""
        if not (response.is_html and response.status == 200):
            return response
        if self.variant == "eu-cookies" and CONSENT_COOKIE not in request.cookies:
            return _with_interruption(response, _cookie_dialog(), COOKIE_DIALOG_DELAY_MS)
        if self.variant == "overlay" and request.path.startswith(SETTINGS_PREFIX):
            return _with_interruption(response, _premium_promotion(), PROMOTION_DELAY_MS)
        return response

    def _route(self, request: Request) -> Response:
        for method, pattern, handler, access in self._routes:
            match = pattern.fullmatch(request.path)
            if not match or method != request.method:
                continue
            if access == PUBLIC:
                return handler(request, *match.groups())
            session = self._session(request)
            if session is None and access == MEMBER_API:
                return json_response({"status": 401, "message": "Sign in to continue."}, 401)
            if session is None:
                return redirect(f"{LOGIN}?" + urlencode({"session_redirect": _path_with_query(request)}))
            if self.variant == "server-error" and request.path.startswith(SETTINGS_PREFIX):
                return _error_page(500, "Something went wrong", "Please try again later.")
            return handler(request, session, *match.groups())
        return _error_page(404, "Page not found", "Uh oh, we can't seem to find the page you're looking for.")

    def _session(self, request: Request) -> Session | None:
        return self.sessions.get(request.cookies.get("li_at", ""))

    # -- signing in --

    def _home(self, request: Request) -> Response:
        return redirect(FEED if self._session(request) else LOGIN)

    def _back_to_login(self, request: Request) -> Response:
        return redirect(LOGIN)

    def _login_page(self, request: Request) -> Response:
        next_path = request.query.get("session_redirect", "")
        if self._session(request):
            return redirect(_safe_next_path(next_path))
        if self.variant == "redirect-foreign":
            return redirect(f"https://{FOREIGN_SIGN_IN_HOST}{_path_with_query(request)}")
        if self.variant == "account-picker":
            return html_response(_account_picker_page(next_path, request.query.get(PICKER_CHOICE, "")))
        return html_response(login_page(next_path))

    def _wrong_password(self) -> str:
        return WRONG_PASSWORD_CURLY if self.variant == "wrong-password-curly" else WRONG_CREDENTIALS

    def _login_submit(self, request: Request) -> Response:
        form = request.form()
        username = form.get("session_key", "").strip().lower()
        next_path = form.get("session_redirect", "")
        account = self.accounts.get(username)
        with self._lock:
            self.sign_in_attempts += 1
            password = form.get("session_password", "").encode()
            if account and secrets.compare_digest(password, account.password.encode()):
                self.sign_ins += 1
            else:
                # Answered at the form's URL (no redirect), as the live site does.
                return html_response(login_page(next_path, username, self._wrong_password()))
        challenge_kind = {"checkpoint": "captcha", "two-step": "code"}.get(self.variant)
        if challenge_kind:
            challenge_id = "AQ" + secrets.token_urlsafe(24)
            self.challenges[challenge_id] = Challenge(challenge_kind, username, _safe_next_path(next_path))
            return redirect(f"/checkpoint/challenge/{challenge_id}")
        return self._start_session(username, _safe_next_path(next_path))

    def mint_session(self) -> dict[str, Any]:
        with self._lock:
            li_at, csrf_token = self._new_session(DEMO_USERNAME)
        return storage_state(MAIN_HOST, {"li_at": li_at, "JSESSIONID": f'"{csrf_token}"'}, http_only=["li_at"])

    def _new_session(self, username: str) -> tuple[str, str]:
        li_at = secrets.token_urlsafe(32)
        csrf_token = f"ajax:{secrets.randbelow(10**19):019d}"
        self.sessions[li_at] = Session(username, csrf_token)
        return li_at, csrf_token

    def _start_session(self, username: str, next_path: str) -> Response:
        li_at, csrf_token = self._new_session(username)
        return (
            redirect(next_path)
            .set_cookie("li_at", li_at)
            .set_cookie("JSESSIONID", f'"{csrf_token}"', http_only=False)  # read by page scripts
        )

    def _challenge_page(self, request: Request, challenge_id: str) -> Response:
        challenge = self.challenges.get(challenge_id)
        if challenge is None:
            return redirect(LOGIN)
        return html_response(_challenge_page(challenge.kind))

    def _challenge_submit(self, request: Request, challenge_id: str) -> Response:
        challenge = self.challenges.get(challenge_id)
        if challenge is None:
            return redirect(LOGIN)
        if challenge.kind == "captcha":
            return html_response(_challenge_page("captcha", CAPTCHA_FAILED))
        code = request.form().get("pin", "").replace(" ", "")
        secret = self.accounts[challenge.username].totp_secret
        if not totp_matches(secret, code):
            return html_response(_challenge_page("code", WRONG_CODE))
        if self.challenges.pop(challenge_id, None) is None:  # a parallel submit used it already
            return redirect(LOGIN)
        return self._start_session(challenge.username, challenge.next_path)

    def _logout(self, request: Request) -> Response:
        self.sessions.pop(request.cookies.get("li_at", ""), None)
        return redirect(LOGIN).delete_cookie("li_at").delete_cookie("JSESSIONID")

    def _cookie_consent(self, request: Request) -> Response:
        try:
            choice = request.json().get("choice")
        except (ValueError, AttributeError):
            choice = None
        if choice not in CONSENT_CHOICES:
            return json_response({"status": 400, "message": 'Send {"choice": "accepted" | "rejected"}.'}, 400)
        with self._lock:
            self.cookie_choices.append(choice)
        return json_response({"choice": choice}).set_cookie(CONSENT_COOKIE, choice)

    # -- member pages --

    def _feed(self, request: Request, session: Session) -> Response:
        return html_response(_feed_page())

    def _category(self, request: Request, session: Session, key: str) -> Response:
        category = CATEGORIES.get(key)
        if category is None:
            return _error_page(404, "Page not found", "This settings page doesn't exist.")
        settings = self.accounts[session.username].settings
        return html_response(_category_page(category, settings, self.variant))

    def _setting_page(self, request: Request, session: Session, slug: str) -> Response:
        if slug not in PAGES:
            return _error_page(404, "Page not found", "This settings page doesn't exist.")
        item, category = PAGES[slug]
        settings = self.accounts[session.username].settings
        return html_response(_setting_page(item, category, settings, self.variant))

    # -- the settings API the switches call --

    def _read_setting(self, request: Request, session: Session, key: str) -> Response:
        if key not in SETTINGS:
            return json_response({"status": 404, "message": "Unknown setting."}, 404)
        enabled = self.accounts[session.username].settings[key]
        return json_response({"key": key, "enabled": enabled})

    def _save_setting(self, request: Request, session: Session, key: str) -> Response:
        if key not in SETTINGS:
            return json_response({"status": 404, "message": "Unknown setting."}, 404)
        if request.headers.get("csrf-token") != session.csrf_token:
            return json_response({"status": 403, "message": "CSRF check failed."}, 403)
        try:
            enabled = request.json()["enabled"]
        except (ValueError, TypeError, KeyError):
            enabled = None
        if not isinstance(enabled, bool):
            return json_response({"status": 400, "message": 'Send {"enabled": true|false}.'}, 400)
        time.sleep(SAVE_LATENCY_SECONDS)
        if self.variant == "save-fails":
            return json_response({"status": 500, "message": "Internal server error."}, 500)
        with self._lock:
            self.accounts[session.username].settings[key] = enabled
        return json_response({"key": key, "enabled": enabled})


# --- Page rendering ---------------------------------------------------------------------------
# Functions of the data they are given; all text that is not a literal is escaped here. Settings
# pages take the variant for their wording and language; every other page is English.

SIGN_IN_TITLE = "LinkedIn Login, Sign in"
PICKER_CHOICE = "account"  # account-picker: /login?account=remembered|other picks a card
REMEMBERED, OTHER_ACCOUNT = "remembered", "other"
NAV_LINKS = (
    ("Home", FEED),
    ("My Network", "/mynetwork/"),
    ("Jobs", "/jobs/"),
    ("Messaging", "/messaging/"),
    ("Notifications", "/notifications/"),
)
_PASSWORD_FIELD = (
    '<div class="field"><label for="password">Password</label>'
    '<input id="password" name="session_password" type="password" autocomplete="current-password" required></div>'
)
_JOIN_NOW = '<p class="aside">New to LinkedIn? <a class="link" href="/signup">Join now</a></p>'


def _text(text: str, variant: str) -> str:
    """text in the account's language, escaped for HTML."""
    return escape(_say(text, variant))


def _document(title: str, body: str, script: str = "", lang: str = "en") -> str:
    """The one page shell: every page is this plus a header and a main."""
    script_tag = f"<script>{script}</script>" if script else ""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} | LinkedIn</title><style>{_STYLE}</style></head>"
        f"<body>{body}{script_tag}</body></html>"
    )


def guest_page(title: str, card: str, script: str = "") -> str:
    """A signed-out page (sign-in, checkpoints, errors): the wordmark over one card."""
    header = f'<header class="guest-header"><a href="/" class="wordmark">Linked{_LOGO}</a></header>'
    return _document(title, f'{header}<main class="guest-main"><div class="card guest-card">{card}</div></main>', script)


def _member_page(title: str, main: str, script: str = "", variant: str = "default") -> str:
    links = "".join(f'<li><a href="{href}">{_text(name, variant)}</a></li>' for name, href in NAV_LINKS)
    me_menu = (
        f'<li><details class="me"><summary role="button">{_text("Me", variant)}</summary><div class="me-menu">'
        f'<p class="me-name">{DEMO_DISPLAY_NAME}</p>'
        f'<a href="{SETTINGS_HOME}">{_text("Settings & Privacy", variant)}</a>'
        f'<a href="/help/">{_text("Help", variant)}</a>'
        f'<a href="/m/logout/">{_text("Sign Out", variant)}</a></div></details></li>'
    )
    search = _text("Search", variant)
    nav = (
        '<header class="global-nav"><nav class="global-nav-inner" aria-label="Primary Navigation">'
        f'<a href="{FEED}" class="logo" aria-label="LinkedIn">{_LOGO}</a>'
        f'<input class="search" type="search" placeholder="{search}" aria-label="{search}">'
        f'<ul class="nav-items">{links}{me_menu}</ul></nav></header>'
    )
    return _document(title, f"{nav}{main}", script, _lang(variant))


def _error_page(status: int, heading: str, text: str) -> Response:
    card = f"<h1>{escape(heading)}</h1><p>{escape(text)}</p><a href=\"{FEED}\">Go to your feed</a>"
    return html_response(guest_page(heading, card), status)


def _form_error(message: str | None) -> str:
    return f'<p class="form-error" id="error-for-password" role="alert">{escape(message)}</p>' if message else ""


# -- signing in --


def _username_field(username: str) -> str:
    return (
        '<div class="field"><label for="username">Email or phone</label>'
        '<input id="username" name="session_key" type="text" autocomplete="username" '
        f'value="{escape(username)}" required></div>'
    )


def _sign_in_form(action: str, next_path: str, identity: str, error: str | None) -> str:
    """The password form; identity is the Email or phone field, or a remembered account's hidden one."""
    return (
        f'<form method="post" action="{escape(action)}" class="form">'
        f'<input type="hidden" name="session_redirect" value="{escape(next_path)}">{identity}{_PASSWORD_FIELD}'
        f"{_form_error(error)}"
        '<a class="link" href="/checkpoint/rp/request-password-reset">Forgot password?</a>'
        '<button type="submit" class="button-primary">Sign in</button></form>'
    )


def sign_in_card(next_path: str = "", username: str = "", error: str | None = None, action: str = LOGIN_SUBMIT) -> str:
    """LinkedIn's sign-in card. The look-alike site (lookalike.py) serves it too, posting elsewhere."""
    form = _sign_in_form(action, next_path, _username_field(username), error)
    return f'<h1>Sign in</h1><p class="subtitle">Stay updated on your professional world.</p>{form}{_JOIN_NOW}'


def login_page(next_path: str = "", username: str = "", error: str | None = None) -> str:
    return guest_page(SIGN_IN_TITLE, sign_in_card(next_path, username, error))


def _account_picker_page(next_path: str, choice: str) -> str:
    """The remembered-account picker; its cards lead to /login?account=remembered (a password-only
    form for that account) or /login?account=other (the full form)."""
    if choice == OTHER_ACCOUNT:
        return login_page(next_path)
    card = _remembered_account_card(next_path) if choice == REMEMBERED else _picker_card(next_path)
    return guest_page(SIGN_IN_TITLE, card)


def _picker_href(next_path: str, choice: str) -> str:
    return escape(f"{LOGIN}?" + urlencode({PICKER_CHOICE: choice, "session_redirect": next_path}))


def _picker_card(next_path: str) -> str:
    # The account's email sits outside the card, so the card is named just "Continue as Demo".
    return (
        '<h1>Welcome back</h1><ul class="remembered-accounts"><li>'
        f'<a class="member-card" role="button" href="{_picker_href(next_path, REMEMBERED)}">'
        f"Continue as {DEMO_FIRST_NAME}</a>"
        f'<p class="member-email">{_masked_email(DEMO_USERNAME)}</p></li></ul>'
        f"{_other_account_link(next_path)}{_JOIN_NOW}"
    )


def _remembered_account_card(next_path: str) -> str:
    identity = f'<input type="hidden" name="session_key" value="{escape(DEMO_USERNAME)}">'
    return (
        f'<h1>Welcome back, {DEMO_FIRST_NAME}</h1><p class="subtitle">{_masked_email(DEMO_USERNAME)}</p>'
        f"{_sign_in_form(LOGIN_SUBMIT, next_path, identity, None)}{_other_account_link(next_path)}"
    )


def _other_account_link(next_path: str) -> str:
    href = _picker_href(next_path, OTHER_ACCOUNT)
    return f'<a class="link other-account" href="{href}">Sign in using another account</a>'


def _masked_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return escape(f"{local[:1]}{'*' * (len(local) - 1)}@{domain}")


def _challenge_page(kind: str, error: str | None = None) -> str:
    if kind == "captcha":
        card = (
            "<h1>Let's do a quick security check</h1>"
            "<p>To protect your account, we need to make sure you're a real person.</p>"
            '<form method="post" class="form"><div class="captcha">'
            '<input type="checkbox" id="captcha-box" name="captcha">'
            '<label for="captcha-box">I\'m not a robot</label>'
            '<span class="captcha-brand" aria-hidden="true">Security check</span></div>'
            f'{_form_error(error)}<button type="submit" class="button-primary">Verify</button></form>'
        )
        return guest_page("Security Verification", card)
    card = (  # the live page's field and button ids
        "<h1>Two-step verification</h1>"
        "<p>Enter the 6-digit verification code from your authenticator app.</p>"
        '<form method="post" class="form"><div class="field">'
        '<label for="input__phone_verification_pin">Enter code</label>'
        '<input id="input__phone_verification_pin" name="pin" type="text" inputmode="numeric" '
        'autocomplete="one-time-code" maxlength="6" required></div>'
        f"{_form_error(error)}"
        '<button type="submit" id="two-step-submit-button" class="button-primary">Submit</button></form>'
    )
    return guest_page("Two-step verification", card)


# -- interruptions --


def _with_interruption(response: Response, dialog: str, delay_ms: int) -> Response:
    """The page plus dialog in a template, which interruption.js lays over it delay_ms after load."""
    extra = (
        f'<template id="interruption" data-delay-ms="{delay_ms}">{dialog}</template>'
        f"<script>{_INTERRUPTION_SCRIPT}</script></body>"
    )
    return replace(response, body=response.body.replace(b"</body>", extra.encode("utf-8"), 1))


def _overlay(dialog_attributes: str, content: str) -> str:
    """A full-screen layer that takes every click until one of its buttons closes it."""
    return (
        '<div class="interruption-overlay">'
        f'<section class="interruption" role="dialog" aria-modal="true" {dialog_attributes}>{content}</section></div>'
    )


def _cookie_dialog() -> str:
    policy = '<a class="link" href="/legal/cookie-policy">Cookie Policy</a>'
    notice = escape(COOKIE_NOTICE).replace("Cookie Policy", policy)
    buttons = "".join(
        f'<button type="button" class="button-consent" data-consent="{choice}" '
        f'data-consent-url="{COOKIE_CONSENT}">{label}</button>'
        for label, choice in zip(("Accept", "Reject"), CONSENT_CHOICES)
    )
    content = f'<p id="cookie-consent-notice">{notice}</p><div class="interruption-actions">{buttons}</div>'
    return _overlay('aria-label="Cookie consent" aria-describedby="cookie-consent-notice"', content)


def _premium_promotion() -> str:
    # An icon button named "Dismiss", as LinkedIn's modals have.
    content = (
        '<button type="button" class="interruption-dismiss" aria-label="Dismiss" data-dismiss>&times;</button>'
        f'<h2 id="premium-promotion-title">{PREMIUM_PROMOTION}</h2>'
        f"<p>{DEMO_FIRST_NAME}, see who viewed your profile and message recruiters with InMail. "
        "Cancel anytime.</p>"
        '<a class="button-primary" href="/premium/products/">Start my free month</a>'
    )
    return _overlay('aria-labelledby="premium-promotion-title"', content)


# -- member pages --


def _feed_page() -> str:
    main = (
        '<main class="feed">'
        f'<aside class="card profile-card"><p class="me-name">{DEMO_DISPLAY_NAME}</p>'
        "<p>Product manager at Example Corp</p></aside>"
        '<section class="feed-posts" aria-label="Feed">'
        '<div class="card"><button type="button" class="start-post">Start a post</button></div>'
        '<article class="card"><h2>Example Corp</h2><p>We are hiring! Join our team.</p></article>'
        '<article class="card"><h2>Jane Doe</h2><p>Five things I learned in my first year as a manager.</p></article>'
        "</section></main>"
    )
    return _member_page("Feed", main)


def _settings_frame(title: str, current: Category, content: str, variant: str, script: str = "") -> str:
    rail = "".join(_rail_link(category, category is current, variant) for category in CATEGORIES.values())
    main = (
        '<div class="settings-layout"><nav class="card settings-rail" aria-label="Settings">'
        f'<h2>{_text("Settings", variant)}</h2><ul>{rail}</ul></nav>'
        f'<main class="card settings-content">{content}</main></div>'
    )
    return _member_page(title, main, script, variant)


def _rail_link(category: Category, is_current: bool, variant: str) -> str:
    current = ' aria-current="page"' if is_current else ""
    href = f"{SETTINGS_PREFIX}categories/{category.key}"
    return f'<li><a href="{href}"{current}>{_text(category.title, variant)}</a></li>'


def _category_page(category: Category, settings: dict[str, bool], variant: str) -> str:
    sections = "".join(
        f'<section aria-labelledby="section-{number}"><h2 id="section-{number}">{_text(heading, variant)}</h2>'
        f'<ul class="item-list">{"".join(_category_item(item, settings, variant) for item in items)}</ul></section>'
        for number, (heading, items) in enumerate(category.sections)
    )
    title = _say(category.title, variant)
    return _settings_frame(title, category, f"<h1>{escape(title)}</h1>{sections}", variant)


def _category_item(item: Item, settings: dict[str, bool], variant: str) -> str:
    # The state sits inside the link, as on the live site: the link is named "<title> On".
    show_state = isinstance(item, Setting) and variant != "not-offered"
    state = f' <span class="item-value">{_text(_on_off(settings[item.key]), variant)}</span>' if show_state else ""
    return (
        f'<li class="item"><a href="{SETTINGS_PREFIX}settings/{item.slug}">'
        f'<span class="item-title">{escape(item.words(variant).title)}</span>{state}</a>'
        '<span class="chevron" aria-hidden="true">&rsaquo;</span></li>'
    )


def _setting_page(item: Item, category: Category, settings: dict[str, bool], variant: str) -> str:
    back = f'<a class="back" href="{SETTINGS_PREFIX}categories/{category.key}">{_text("Back", variant)}</a>'
    if isinstance(item, InfoPage):
        words = item.words(variant)
        content = f"{back}<h1>{escape(words.title)}</h1><p>{escape(words.description)}</p>"
        return _settings_frame(words.title, category, content, variant)
    decoy = PROFILE_RECOMMENDATIONS
    before = _setting_section(decoy, settings[decoy.key], "default", "h2") if variant == "decoy" else ""
    if variant == "late-render":
        main = _late_section(item, variant)
    else:
        main = _setting_section(item, settings[item.key], variant, "h1")
    return _settings_frame(item.words(variant).title, category, back + before + main, variant, _SETTINGS_SCRIPT)


def _setting_section(setting: Setting, on: bool, variant: str, heading: str) -> str:
    words = setting.words(variant)
    if variant == "not-offered":
        body = f'<p class="notice">{_text(NOT_OFFERED, variant)}</p>'
    elif variant == "untied-label":
        body = _question(words) + _toggle(setting.key, words.label, on, variant, label_id=None)
    elif variant == "duplicate":  # one label element each, same words: a rendering bug
        body = _question(words) + "".join(
            _toggle(setting.key, words.label, on, variant, label_id=f"{setting.key}-label-{n}") for n in (1, 2)
        )
    else:
        body = _question(words) + _toggle(setting.key, words.label, on, variant, label_id=f"{setting.key}-label")
    return (
        f'<section class="setting" aria-labelledby="{setting.key}-title">'
        f'<{heading} id="{setting.key}-title">{escape(words.title)}</{heading}>{body}'
        f'<a class="link learn-more" href="{setting.help_path}">{_text("Learn more", variant)}</a></section>'
    )


def _late_section(setting: Setting, variant: str) -> str:
    """A skeleton now; the script swaps in the section, with the state from the API, later."""
    return (
        f'<div class="skeleton" aria-busy="true" aria-label="{_text("Loading", variant)}" '
        f'data-late-setting="{setting.key}" data-delay-ms="{LATE_RENDER_DELAY_MS}"><div></div><div></div><div></div></div>'
        f'<template id="late-setting">{_setting_section(setting, True, variant, "h1")}</template>'
    )


def _question(words: Wording) -> str:
    return f'<p class="setting-question">{escape(words.question)}</p>'


def _toggle(key: str, label: str, on: bool, variant: str, *, label_id: str | None) -> str:
    """A switch row. With label_id the label names the switch; without, the switch is named by
    its state ("On"/"Off") and the label is merely nearby text."""
    state = _text(_on_off(on), variant)
    if label_id:
        label_html = f'<span id="{label_id}" class="toggle-label">{escape(label)}</span>'
        name = f'aria-labelledby="{label_id}"'
    else:
        label_html = f'<p class="toggle-label">{escape(label)}</p>'
        name = f'aria-label="{state}" data-name-from-state'
    return (
        f'<div class="toggle-row">{label_html}<div class="toggle-control">'
        f'<span class="toggle-state">{state}</span>'
        f'<button type="button" role="switch" class="switch" aria-checked="{str(on).lower()}" '
        f'{name} data-setting="{key}"><span class="switch-knob"></span></button></div></div>'
    )


def _on_off(on: bool) -> str:
    return "On" if on else "Off"
