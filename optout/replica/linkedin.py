"""A replica of LinkedIn's sign-in and Data privacy settings, written from the documented facts.

It serves the real paths (/login, /feed/, /mypreferences/d/categories/privacy,
/mypreferences/d/settings/data-for-ai-improvement, ...), keeps each account's switch states on
the server, and can be put into variants that change the pages the way real sites change:
labels come loose from switches, sections render late, saves fail, a second look-alike switch
appears, the sign-in demands a code or a CAPTCHA, and so on. See VARIANTS.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass, field
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
)

WRONG_CREDENTIALS = "Wrong email or password. Try again or create an account."
WRONG_CODE = "The verification code you entered isn't valid. Please check the code and try again."
CAPTCHA_FAILED = "We couldn't verify that you're a person. Please try again."
NOT_OFFERED = "This setting is not available for your account."

SLOW_PAGE_SECONDS = 2.0
SAVE_LATENCY_SECONDS = 0.3  # long enough that reading the switch right after a click is wrong
LATE_RENDER_DELAY_MS = 1500

SETTINGS_PREFIX = "/mypreferences/d/"
SETTINGS_HOME = "/mypreferences/d/categories/account"
FEED = "/feed/"

_ASSETS = resources.files(__package__) / "linkedin"
_STYLE = (_ASSETS / "style.css").read_text(encoding="utf-8")
_SETTINGS_SCRIPT = (_ASSETS / "settings.js").read_text(encoding="utf-8")
_LOGO = (
    '<svg class="logo-mark" viewBox="0 0 34 34" width="34" height="34" aria-hidden="true">'
    '<rect width="34" height="34" rx="4" fill="#0a66c2"/>'
    '<text x="6" y="26" font-size="22" font-weight="700" fill="#fff" '
    'font-family="Arial, sans-serif">in</text></svg>'
)


# --- What the settings pages hold -------------------------------------------------------------


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
    renamed: Wording | None = None  # the wording in the "renamed" variant
    help_path: str = "/help/linkedin/"

    def words(self, variant: str) -> Wording:
        return self.renamed if variant == "renamed" and self.renamed else self.wording


@dataclass(frozen=True)
class InfoPage:
    """A settings item without a switch, there so the menus look and lead where LinkedIn's do."""

    slug: str
    title: str
    description: str

    def words(self, variant: str) -> InfoPage:
        return self


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
    renamed=Wording(
        title="Improving generative features",
        question="Help shape the generative features you use on LinkedIn with what you share here.",
        label="Allow LinkedIn to improve generative features with my content",
    ),
    help_path="/help/linkedin/answer/a6278444",
)
RESEARCH = Setting(
    key="research",
    slug="social-economic-workplace-research",
    wording=Wording(
        title="Social, economic, and workplace research",
        question=(
            "Choose whether LinkedIn can make some of your personal data available to trusted "
            "third parties for policy and academic research."
        ),
        label="Use data for research",
    ),
    renamed=Wording(
        title="Research partnerships",
        question="Help researchers understand the world of work with what you share here.",
        label="Let trusted partners study my LinkedIn activity",
    ),
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
            ("GET", re.compile(r"/login"), self._login_page, PUBLIC),
            ("POST", re.compile(r"/login"), self._login_submit, PUBLIC),
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
                return redirect("/login?" + urlencode({"session_redirect": _path_with_query(request)}))
            if self.variant == "server-error" and request.path.startswith(SETTINGS_PREFIX):
                return _error_page(500, "Something went wrong", "Please try again later.")
            return handler(request, session, *match.groups())
        return _error_page(404, "Page not found", "Uh oh, we can't seem to find the page you're looking for.")

    def _session(self, request: Request) -> Session | None:
        return self.sessions.get(request.cookies.get("li_at", ""))

    # -- signing in --

    def _home(self, request: Request) -> Response:
        return redirect(FEED if self._session(request) else "/login")

    def _login_page(self, request: Request) -> Response:
        next_path = request.query.get("session_redirect", "")
        if self._session(request):
            return redirect(_safe_next_path(next_path))
        return html_response(_login_page(next_path))

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
                return html_response(_login_page(next_path, username, WRONG_CREDENTIALS))
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
            return redirect("/login")
        return html_response(_challenge_page(challenge.kind))

    def _challenge_submit(self, request: Request, challenge_id: str) -> Response:
        challenge = self.challenges.get(challenge_id)
        if challenge is None:
            return redirect("/login")
        if challenge.kind == "captcha":
            return html_response(_challenge_page("captcha", CAPTCHA_FAILED))
        code = request.form().get("pin", "").replace(" ", "")
        secret = self.accounts[challenge.username].totp_secret
        if not totp_matches(secret, code):
            return html_response(_challenge_page("code", WRONG_CODE))
        if self.challenges.pop(challenge_id, None) is None:  # a parallel submit used it already
            return redirect("/login")
        return self._start_session(challenge.username, challenge.next_path)

    def _logout(self, request: Request) -> Response:
        self.sessions.pop(request.cookies.get("li_at", ""), None)
        return redirect("/login").delete_cookie("li_at").delete_cookie("JSESSIONID")

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
# Functions of the data they are given; all text that is not a literal is escaped here.


def _document(title: str, body: str, script: str = "") -> str:
    """The one page shell: every page is this plus a header and a main."""
    script_tag = f"<script>{script}</script>" if script else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} | LinkedIn</title><style>{_STYLE}</style></head>"
        f"<body>{body}{script_tag}</body></html>"
    )


def _guest_page(title: str, card: str) -> str:
    header = f'<header class="guest-header"><a href="/" class="wordmark">Linked{_LOGO}</a></header>'
    return _document(title, f'{header}<main class="guest-main"><div class="card guest-card">{card}</div></main>')


def _member_page(title: str, main: str, script: str = "") -> str:
    links = "".join(
        f'<li><a href="{href}">{name}</a></li>'
        for name, href in (
            ("Home", FEED),
            ("My Network", "/mynetwork/"),
            ("Jobs", "/jobs/"),
            ("Messaging", "/messaging/"),
            ("Notifications", "/notifications/"),
        )
    )
    me_menu = (
        '<li><details class="me"><summary role="button">Me</summary><div class="me-menu">'
        f'<p class="me-name">{DEMO_DISPLAY_NAME}</p>'
        f'<a href="{SETTINGS_HOME}">Settings &amp; Privacy</a>'
        '<a href="/help/">Help</a><a href="/m/logout/">Sign Out</a></div></details></li>'
    )
    nav = (
        '<header class="global-nav"><nav class="global-nav-inner" aria-label="Primary Navigation">'
        f'<a href="{FEED}" class="logo" aria-label="LinkedIn">{_LOGO}</a>'
        '<input class="search" type="search" placeholder="Search" aria-label="Search">'
        f'<ul class="nav-items">{links}{me_menu}</ul></nav></header>'
    )
    return _document(title, f"{nav}{main}", script)


def _error_page(status: int, heading: str, text: str) -> Response:
    card = f"<h1>{escape(heading)}</h1><p>{escape(text)}</p><a href=\"{FEED}\">Go to your feed</a>"
    return html_response(_guest_page(heading, card), status)


def _form_error(message: str | None) -> str:
    return f'<p class="form-error" role="alert">{escape(message)}</p>' if message else ""


def _login_page(next_path: str, username: str = "", error: str | None = None) -> str:
    card = (
        '<h1>Sign in</h1><p class="subtitle">Stay updated on your professional world.</p>'
        '<form method="post" action="/login" class="form">'
        f'<input type="hidden" name="session_redirect" value="{escape(next_path)}">'
        '<div class="field"><label for="username">Email or phone</label>'
        f'<input id="username" name="session_key" type="text" autocomplete="username" value="{escape(username)}" required></div>'
        '<div class="field"><label for="password">Password</label>'
        '<input id="password" name="session_password" type="password" autocomplete="current-password" required></div>'
        f"{_form_error(error)}"
        '<a class="link" href="/checkpoint/rp/request-password-reset">Forgot password?</a>'
        '<button type="submit" class="button-primary">Sign in</button></form>'
        '<p class="aside">New to LinkedIn? <a class="link" href="/signup">Join now</a></p>'
    )
    return _guest_page("LinkedIn Login, Sign in", card)


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
        return _guest_page("Security Verification", card)
    card = (
        "<h1>Enter the code</h1>"
        "<p>Enter the 6-digit verification code from your authenticator app.</p>"
        '<form method="post" class="form"><div class="field">'
        '<label for="verification-code">Verification code</label>'
        '<input id="verification-code" name="pin" type="text" inputmode="numeric" '
        'autocomplete="one-time-code" maxlength="6" required></div>'
        f'{_form_error(error)}<button type="submit" class="button-primary">Submit</button></form>'
    )
    return _guest_page("Two-step verification", card)


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


def _settings_frame(title: str, current: Category, content: str, script: str = "") -> str:
    rail = "".join(_rail_link(category, category is current) for category in CATEGORIES.values())
    main = (
        '<div class="settings-layout"><nav class="card settings-rail" aria-label="Settings">'
        f'<h2>Settings</h2><ul>{rail}</ul></nav><main class="card settings-content">{content}</main></div>'
    )
    return _member_page(title, main, script)


def _rail_link(category: Category, is_current: bool) -> str:
    current = ' aria-current="page"' if is_current else ""
    return f'<li><a href="{SETTINGS_PREFIX}categories/{category.key}"{current}>{category.title}</a></li>'


def _category_page(category: Category, settings: dict[str, bool], variant: str) -> str:
    sections = "".join(
        f'<section aria-labelledby="section-{number}"><h2 id="section-{number}">{escape(heading)}</h2>'
        f'<ul class="item-list">{"".join(_category_item(item, settings, variant) for item in items)}</ul></section>'
        for number, (heading, items) in enumerate(category.sections)
    )
    return _settings_frame(category.title, category, f"<h1>{escape(category.title)}</h1>{sections}")


def _category_item(item: Item, settings: dict[str, bool], variant: str) -> str:
    # The value sits outside the link, so the link's name is exactly the item's title.
    show_value = isinstance(item, Setting) and variant != "not-offered"
    value = f'<span class="item-value">{_on_off(settings[item.key])}</span>' if show_value else ""
    return (
        f'<li class="item"><a href="{SETTINGS_PREFIX}settings/{item.slug}">'
        f"{escape(item.words(variant).title)}</a>{value}"
        '<span class="chevron" aria-hidden="true">&rsaquo;</span></li>'
    )


def _setting_page(item: Item, category: Category, settings: dict[str, bool], variant: str) -> str:
    back = f'<a class="back" href="{SETTINGS_PREFIX}categories/{category.key}">Back</a>'
    if isinstance(item, InfoPage):
        content = f"{back}<h1>{escape(item.title)}</h1><p>{escape(item.description)}</p>"
        return _settings_frame(item.title, category, content)
    decoy = PROFILE_RECOMMENDATIONS
    before = _setting_section(decoy, settings[decoy.key], "default", "h2") if variant == "decoy" else ""
    if variant == "late-render":
        main = _late_section(item, variant)
    else:
        main = _setting_section(item, settings[item.key], variant, "h1")
    return _settings_frame(item.words(variant).title, category, back + before + main, _SETTINGS_SCRIPT)


def _setting_section(setting: Setting, on: bool, variant: str, heading: str) -> str:
    words = setting.words(variant)
    if variant == "not-offered":
        body = f'<p class="notice">{NOT_OFFERED}</p>'
    elif variant == "untied-label":
        body = _question(words) + _toggle(setting.key, words.label, on, label_id=None)
    elif variant == "duplicate":  # one label element each, same words: a rendering bug
        body = _question(words) + "".join(
            _toggle(setting.key, words.label, on, label_id=f"{setting.key}-label-{n}") for n in (1, 2)
        )
    else:
        body = _question(words) + _toggle(setting.key, words.label, on, label_id=f"{setting.key}-label")
    return (
        f'<section class="setting" aria-labelledby="{setting.key}-title">'
        f'<{heading} id="{setting.key}-title">{escape(words.title)}</{heading}>{body}'
        f'<a class="link learn-more" href="{setting.help_path}">Learn more</a></section>'
    )


def _late_section(setting: Setting, variant: str) -> str:
    """A skeleton now; the script swaps in the section, with the state from the API, later."""
    return (
        f'<div class="skeleton" aria-busy="true" aria-label="Loading" data-late-setting="{setting.key}" '
        f'data-delay-ms="{LATE_RENDER_DELAY_MS}"><div></div><div></div><div></div></div>'
        f'<template id="late-setting">{_setting_section(setting, True, variant, "h1")}</template>'
    )


def _question(words: Wording) -> str:
    return f'<p class="setting-question">{escape(words.question)}</p>'


def _toggle(key: str, label: str, on: bool, *, label_id: str | None) -> str:
    """A switch row. With label_id the label names the switch; without, the switch is named by
    its state ("On"/"Off") and the label is merely nearby text."""
    state = _on_off(on)
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
