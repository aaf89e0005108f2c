"""The LinkedIn site for ReplicaServer: a base.CookieSite with LinkedIn's own ways.

The account, its sessions, variants, counters and the admin side are CookieSite's. What is
LinkedIn's: the sign-in form posts to /checkpoint/lg/login-submit and a refused password is
answered there; a right password can lead to a challenge page (/checkpoint/challenge/<id>: a
CAPTCHA or a one-time code); a session is two cookies, li_at and JSESSIONID (whose value page
scripts send as the csrf-token header); the settings API speaks {"enabled": ...} and can be read
as well as written. Interruptions (the eu-cookies dialog, the overlay promotion) are added to
finished pages in one place, `_interrupted`, so the page renderers stay functions of their data.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from optout.replica.base import DEMO_TOTP_SECRET, DEMO_USERNAME, CookieSite, SignInPage
from optout.replica.linkedin import pages
from optout.replica.linkedin.catalogue import (
    CAPTCHA_FAILED,
    CATEGORIES,
    CHALLENGE,
    CONSENT_CHOICES,
    CONSENT_COOKIE,
    COOKIE_CONSENT,
    FEED,
    FOREIGN_SIGN_IN_HOST,
    HOSTS,
    LOGIN,
    LOGIN_SUBMIT,
    PAGES,
    SETTINGS,
    SETTINGS_API,
    SETTINGS_PREFIX,
    VARIANTS,
    WRONG_CODE,
    WRONG_CREDENTIALS,
    WRONG_PASSWORD_CURLY,
)
from optout.replica.server import Request, Response, html_response, json_response, redirect, totp_matches

SLOW_PAGE_SECONDS = 2.0
COOKIE_DIALOG_DELAY_MS = 0  # saved copies of the live pages carry it in the HTML: there on arrival
PROMOTION_DELAY_MS = 0  # over the switch before anything can be clicked
CHALLENGES = {"checkpoint": "captcha", "two-step": "code"}  # variant -> what follows a right password
SESSION_COOKIE, CSRF_COOKIE = "li_at", "JSESSIONID"

SIGN_IN = SignInPage(path=LOGIN, return_param="session_redirect", form_action=LOGIN_SUBMIT, heading="Sign in",
                     username_label="Email or phone", password_label="Password", submit_label="Sign in",
                     wrong_password=WRONG_CREDENTIALS, username_field="session_key",
                     password_field="session_password", next_field="session_redirect")


@dataclass(frozen=True)
class Challenge:
    kind: str  # "captcha" (never passable) or "code" (TOTP)
    next_path: str


class LinkedInReplica(CookieSite):
    """Thread-safe; one instance per server."""

    hosts = HOSTS
    sign_in = SIGN_IN
    session_cookie = SESSION_COOKIE
    home = FEED
    api_prefix = SETTINGS_API
    defaults = dict.fromkeys(SETTINGS, True)
    own_variants = VARIANTS[1:]

    def pages(self):
        return {r"/feed/?": self._feed, r"/mypreferences/d/categories/([\w-]+)": self._category,
                r"/mypreferences/d/settings/([\w-]+)": self._setting_page}

    def public_routes(self):
        return {("GET", "/"): self._home, ("GET", LOGIN): self._sign_in_page,
                ("GET", LOGIN_SUBMIT): lambda request: redirect(LOGIN), ("POST", LOGIN_SUBMIT): self._sign_in_submit,
                ("POST", COOKIE_CONSENT): self._cookie_consent, ("GET", r"/m/logout/?"): self._logout,
                ("GET", CHALLENGE + r"([\w-]+)"): self._challenge_page,
                ("POST", CHALLENGE + r"([\w-]+)"): self._challenge_submit}

    # -- admin (server.Site) --

    def reset(self, variant: str | None = None, settings: dict | None = None) -> None:
        super().reset(variant, settings)
        with self._lock:
            self.cookie_choices: list[str] = []  # every Accept/Reject, in order

    def state(self) -> dict[str, Any]:
        state = super().state()
        with self._lock:
            return {**state, "cookie_choice": self.cookie_choices[-1] if self.cookie_choices else None,
                    "cookie_choices": list(self.cookie_choices),
                    "accounts": [{"username": DEMO_USERNAME, "settings": state["settings"]}]}

    # -- routing --

    def handle(self, request: Request) -> Response:
        response = super().handle(request)
        if self.variant == "slow" and response.is_html:
            time.sleep(SLOW_PAGE_SECONDS)
        return self._interrupted(request, response)

    def _interrupted(self, request: Request, response: Response) -> Response:
        """The page with the variant's script-rendered interruption, if it has one."""
        if not (response.is_html and response.status == 200):
            return response
        if self.variant == "eu-cookies" and CONSENT_COOKIE not in request.cookies:
            return pages.with_interruption(response, pages.cookie_dialog(), COOKIE_DIALOG_DELAY_MS)
        if self.variant == "overlay" and request.path.startswith(SETTINGS_PREFIX):
            return pages.with_interruption(response, pages.premium_promotion(), PROMOTION_DELAY_MS)
        return response

    def not_found(self, request: Request) -> Response:
        return pages.error_page(404, "Page not found", "Uh oh, we can't seem to find the page you're looking for.")

    # -- signing in --

    def _home(self, request: Request) -> Response:
        return redirect(FEED if self.csrf(request) else LOGIN)

    def _sign_in_page(self, request: Request, error: str = "", username: str = "") -> Response:
        if request.method == "POST":  # a refused password, answered at the form's URL as the live site does
            return html_response(pages.login_page(request.form().get(SIGN_IN.next_field, ""), username, error))
        next_path = request.query.get(SIGN_IN.return_param, "")
        if self.csrf(request) is not None:
            return redirect(self._next_path(next_path))
        if self.variant == "redirect-foreign":
            return redirect(f"https://{FOREIGN_SIGN_IN_HOST}{request.path_with_query}")
        if self.variant == "account-picker":
            return html_response(pages.account_picker_page(next_path, request.query.get(pages.PICKER_CHOICE, "")))
        return html_response(pages.login_page(next_path))

    def wrong_password(self) -> str:
        return WRONG_PASSWORD_CURLY if self.variant == "wrong-password-curly" else WRONG_CREDENTIALS

    def password_accepted(self, next_path: str) -> Response:
        kind = CHALLENGES.get(self.variant)
        if kind is None:
            return self._signed_in(next_path)
        with self._lock:
            self.sign_ins += 1  # counted at the password: the challenge is part of this sign-in
        challenge_id = "AQ" + secrets.token_urlsafe(24)
        self.pending[challenge_id] = Challenge(kind, self._next_path(next_path))
        return redirect(f"{CHALLENGE}{challenge_id}")

    def _challenge_page(self, request: Request, challenge_id: str) -> Response:
        challenge = self.pending.get(challenge_id)
        if challenge is None:
            return redirect(LOGIN)
        return html_response(pages.challenge_page(challenge.kind))

    def _challenge_submit(self, request: Request, challenge_id: str) -> Response:
        challenge = self.pending.get(challenge_id)
        if challenge is None:
            return redirect(LOGIN)
        if challenge.kind == "captcha":
            return html_response(pages.challenge_page("captcha", CAPTCHA_FAILED))
        if not totp_matches(DEMO_TOTP_SECRET, request.form().get("pin", "").replace(" ", "")):
            return html_response(pages.challenge_page("code", WRONG_CODE))
        if self.pending.pop(challenge_id, None) is None:  # a parallel submit used it already
            return redirect(LOGIN)
        return self._with_new_session(redirect(challenge.next_path))

    def new_csrf_token(self) -> str:
        return f"ajax:{secrets.randbelow(10**19):019d}"

    def session_cookie_values(self, token: str, csrf: str) -> dict[str, str]:
        return {SESSION_COOKIE: token, CSRF_COOKIE: f'"{csrf}"'}  # page scripts read JSESSIONID

    def _logout(self, request: Request) -> Response:
        with self._lock:
            self.sessions.pop(request.cookies.get(SESSION_COOKIE, ""), None)
        return redirect(LOGIN).delete_cookie(SESSION_COOKIE).delete_cookie(CSRF_COOKIE)

    def _cookie_consent(self, request: Request) -> Response:
        try:
            choice = request.json().get("choice")
        except (ValueError, AttributeError):
            choice = None
        if choice not in CONSENT_CHOICES:
            return _api_error(400, 'Send {"choice": "accepted" | "rejected"}.')
        with self._lock:
            self.cookie_choices.append(choice)
        return json_response({"choice": choice}).set_cookie(CONSENT_COOKIE, choice)

    # -- member pages --

    def _feed(self, request: Request) -> Response:
        return html_response(pages.feed_page())

    def _category(self, request: Request, key: str) -> Response:
        if self.variant == "server-error":
            return pages.error_page(500, "Something went wrong", "Please try again later.")
        category = CATEGORIES.get(key)
        if category is None:
            return pages.error_page(404, "Page not found", "This settings page doesn't exist.")
        return html_response(pages.category_page(category, self.settings, self.variant))

    def _setting_page(self, request: Request, slug: str) -> Response:
        if self.variant == "server-error":
            return pages.error_page(500, "Something went wrong", "Please try again later.")
        if slug not in PAGES:
            return pages.error_page(404, "Page not found", "This settings page doesn't exist.")
        item, category = PAGES[slug]
        return html_response(pages.setting_page(item, category, self.settings, self.variant))

    # -- the settings API the switches call: {"enabled": true|false} --

    def _read(self, request: Request, key: str) -> Response:
        if self.csrf(request) is None:
            return _api_error(401, "Sign in to continue.")
        if key not in SETTINGS:
            return _api_error(404, "Unknown setting.")
        return json_response({"key": key, "enabled": self.settings[key]})

    def _save(self, request: Request, key: str) -> Response:
        csrf = self.csrf(request)
        if csrf is None:
            return _api_error(401, "Sign in to continue.")
        if key not in SETTINGS:
            return _api_error(404, "Unknown setting.")
        if request.headers.get("csrf-token") != csrf:
            return _api_error(403, "CSRF check failed.")
        try:
            enabled = request.json()["enabled"]
        except (ValueError, TypeError, KeyError):
            enabled = None
        if not isinstance(enabled, bool):
            return _api_error(400, 'Send {"enabled": true|false}.')
        if not self._store(key, enabled):
            return _api_error(500, "Internal server error.")
        return json_response({"key": key, "enabled": enabled})


def _api_error(status: int, message: str) -> Response:
    return json_response({"status": status, "message": message}, status)
