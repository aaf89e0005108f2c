"""Extensions of base.CookieSite for the replicas whose pages post forms or sign in elsewhere.

`FormPostSite`: pages that also send plain HTML forms (a menu choice, an objection form, a
dialog's Save), each with the session's CSRF token in a hidden field; in the `save-fails`
variant every such form is refused with an error page, as an overloaded site does.

`SharedSignInSite`: the sign-in page lives on another host (accounts.google.com,
www.instagram.com) and the session cookie covers every host under one domain, so signed-out
visits are sent there with the full URL to come back to.

`HandBackSignInSite`: the sign-in form lives on another site (auth.openai.com, login.live.com)
that cannot set the main host's cookies, so it hands a one-time code back to the main host's
callback, which swaps it for the session.
"""

from __future__ import annotations

import secrets
import time
from html import escape
from typing import Any, Callable
from urllib.parse import urlencode, urlsplit

from optout.replica.base import SAVE_FAILS, SAVE_LATENCY_SECONDS, CookieSite, guest_card
from optout.replica.server import Request, Response, redirect

CSRF_FIELD = "fb_dtsg"  # the name hardly matters; Meta's forms carry theirs under this one
PostHandler = Callable[[Request, dict[str, str]], Response]


class FormPostSite(CookieSite):
    def posts(self) -> dict[str, PostHandler]:
        """Form targets: path -> handler(request, form), called only for a signed-in session."""
        return {}

    def handle(self, request: Request) -> Response:
        handler = self.posts().get(request.path) if request.method == "POST" else None
        return self._post(request, handler) if handler else super().handle(request)

    def csrf_field(self, request: Request) -> str:
        return f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(self.csrf(request) or "")}">'

    def _post(self, request: Request, handler: PostHandler) -> Response:
        csrf = self.csrf(request)
        form = request.form()
        if csrf is None or not secrets.compare_digest(form.get(CSRF_FIELD, "").encode(), csrf.encode()):
            return self.error_page("Your session has ended. Sign in again to continue.", 403)
        time.sleep(SAVE_LATENCY_SECONDS)
        if self.variant == SAVE_FAILS:
            return self.error_page("Something went wrong. We're working on getting this fixed as soon as we can.", 500)
        return handler(request, form)

    def error_page(self, message: str, status: int) -> Response:
        return self.page("Error", guest_card(f"<h1>Sorry, something went wrong</h1>"
                                             f'<p role="alert">{escape(message)}</p><a href="{self.home}">Go back</a>'),
                         status=status)


class SharedSignInSite(FormPostSite):
    """hosts[0] serves the pages; sign_in_host the sign-in pages (public_routes) and nothing else."""

    sign_in_host: str
    cookie_domain: str  # ".google.com"

    def handle(self, request: Request) -> Response:
        if request.host == self.sign_in_host:
            route = self._public_route(request)
            return route() if route else redirect(f"https://{self.hosts[0]}{self.home}")
        return super().handle(request)

    def signed_out(self, request: Request) -> Response:
        """To the sign-in host, with the full URL to come back to."""
        if request.host != self.hosts[0]:
            return super().signed_out(request)
        back = f"https://{request.host}{request.path_with_query}"
        query = urlencode({self.sign_in.return_param: back})
        return redirect(f"https://{self.sign_in_host}{self.sign_in.path}?{query}")

    def _signed_in(self, next_url: str) -> Response:
        with self._lock:
            self.sign_ins += 1
        return self._with_new_session(redirect(self._return_url(next_url)), domain=self.cookie_domain)

    def _return_url(self, value: str) -> str:
        """The page to come back to: a full URL on one of this site's hosts, else the home page."""
        url = urlsplit(value)
        if url.scheme != "https" or url.hostname not in self.hosts:
            return f"https://{self.hosts[0]}{self.home}"
        return value

    def mint_session(self) -> dict[str, Any]:
        state = super().mint_session()
        for cookie in state["cookies"]:
            cookie["domain"] = self.cookie_domain
        return state


class HandBackSignInSite(CookieSite):
    """hosts[0] swaps a code from its sign-in site at callback_path for the session."""

    callback_path: str

    def reset(self, variant: str | None = None, settings: dict | None = None) -> None:
        super().reset(variant, settings)
        self.auth_codes: dict[str, str] = {}  # one-time code -> the page to return to

    def public_routes(self) -> dict[tuple[str, str], Callable[..., Response]]:
        return {("GET", self.callback_path): self._callback}

    def _signed_in(self, next_path: str) -> Response:
        """The sign-in site can't set hosts[0]'s cookie: it hands over a code for hosts[0] to swap."""
        code = secrets.token_urlsafe(24)
        with self._lock:
            self.auth_codes[code] = next_path
        return redirect(f"https://{self.hosts[0]}{self.callback_path}?{urlencode({'code': code})}")

    def _callback(self, request: Request) -> Response:
        with self._lock:
            next_path = self.auth_codes.pop(request.query.get("code", ""), None)
        if next_path is None:
            return redirect(self.home)
        return super()._signed_in(next_path)
