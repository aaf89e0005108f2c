"""What every replica with an account is built from (all but the look-alike site).

Each site is one demo account whose settings the server keeps, a cookie session, a signed-out
redirect to the sign-in page (naming the page to return to), a sign-in form a person can
complete in `optout login` (a password, and a one-time code where the platform asks for one),
and a settings API that the page's controls save through. `CookieSite` does all of that and the
admin side of server.Site; a platform module adds its pages, wording and variants.

Pages share one shell (`html_document`, with an <html lang>). The smaller sites also share one
stylesheet coloured per platform (`Look`) and one widget script (assets/widgets.js) that gives
switches, checkboxes, dropdowns, menu buttons, dialogs, tabs, late rendering, overlays that
appear by themselves and changes committed by a "Done" button their behaviour through data
attributes. LinkedIn (linkedin/) draws its own pages and scripts on the same accounts, sessions,
variants and admin side, through the hooks marked "hook" below.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from html import escape
from importlib import resources
from typing import Any, Callable
from urllib.parse import urlencode, urlsplit

from optout.replica.server import Request, Response, html_response, json_response, redirect, storage_state, totp_matches

DEMO_USERNAME = "demo@example.com"
DEMO_PASSWORD = "correct horse battery staple"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

SAVE_FAILS = "save-fails"  # every site has it: the settings API answers 500 and the page reverts
SAVE_LATENCY_SECONDS = 0.3  # long enough that reading a control right after a click is wrong
LATE_RENDER_MS = 2000
PENDING_COOKIE = "pending_sign_in"  # a password accepted, the one-time code still to come

_ASSETS = resources.files(__package__) / "assets"
_STYLE = (_ASSETS / "style.css").read_text(encoding="utf-8")
_WIDGETS = (_ASSETS / "widgets.js").read_text(encoding="utf-8")

Value = bool | str
PageHandler = Callable[..., Response]


def checked_variant(variant: str, variants: tuple[str, ...]) -> str:
    if variant not in variants:
        raise ValueError(f"unknown variant {variant!r}; choose one of: {', '.join(variants)}")
    return variant


def html_document(title: str, style: str, body: str, *, lang: str = "en", head: str = "", script: str = "") -> str:
    """The one page shell of every replica: language, title, one stylesheet, the body and a script."""
    script_tag = f"<script>{script}</script>" if script else ""
    return (f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">{head}'
            f"<title>{escape(title)}</title><style>{style}</style></head>"
            f"<body>{body}{script_tag}</body></html>")


def field(field_id: str, name: str, label: str, kind: str, autocomplete: str, value: str | None = None) -> str:
    """A labelled text input of a sign-in form (value None: no value attribute)."""
    shown = "" if value is None else f'value="{escape(value)}" '
    return (f'<div class="field"><label for="{field_id}">{escape(label)}</label>'
            f'<input id="{field_id}" name="{name}" type="{kind}" autocomplete="{autocomplete}" {shown}required></div>')


def form_error(message: str | None, element_id: str = "") -> str:
    """A form's error line, announced as an alert; "" without a message."""
    if not message:
        return ""
    id_attribute = f' id="{element_id}"' if element_id else ""
    return f'<p class="form-error"{id_attribute} role="alert">{escape(message)}</p>'


def guest_card(content: str) -> str:
    """A signed-out page's main: one card."""
    return f'<main class="guest"><div class="card">{content}</div></main>'


@dataclass(frozen=True)
class Look:
    """A platform's name and colours; the stylesheet is the same for all."""

    brand: str
    accent: str
    background: str = "#ffffff"
    panel: str = "#f6f7f9"
    text: str = "#1f2328"
    muted: str = "#59636e"

    def css(self) -> str:
        return (f":root {{ --accent: {self.accent}; --bg: {self.background}; --panel: {self.panel}; "
                f"--text: {self.text}; --muted: {self.muted}; }}")


@dataclass(frozen=True)
class SignInPage:
    """The platform's sign-in form. With continue_label set it asks for the username first and shows
    the password field only after that button (WordPress.com, Google, OpenAI). With code_path set,
    the account also has a TOTP second step."""

    path: str  # where signed-out visits are sent
    return_param: str  # the query parameter naming the page to return to
    heading: str
    username_label: str
    password_label: str
    submit_label: str
    wrong_password: str
    unknown_user: str = ""  # default: wrong_password
    continue_label: str = ""  # the first step's button; "" for one step
    form_action: str = ""  # default: path
    code_path: str = ""
    code_label: str = "Authentication code"
    code_submit: str = "Verify"
    wrong_code: str = "Two-factor authentication failed."
    username_field: str = "login"  # the form's field names
    password_field: str = "password"
    next_field: str = "next"


class CookieSite:
    """A server.Site for one demo account. Subclasses set the class attributes and `pages()`."""

    hosts: tuple[str, ...]  # the first is the main host; the others redirect to it
    look: Look
    sign_in: SignInPage
    session_cookie: str
    other_cookies: dict[str, str] = {}  # set beside the session cookie (e.g. logged_in=yes)
    home: str  # where a sign-in without a page to return to leads
    api_prefix: str  # the settings API: POST {api_prefix}{key} with {"value": ...}
    defaults: dict[str, Value]  # a fresh account's settings
    choices: dict[str, tuple[str, ...]] = {}  # the options of dropdown settings
    own_variants: tuple[str, ...] = ()  # SAVE_FAILS is added at the end unless listed here
    served_hosts: tuple[str, ...] = ()  # of hosts[1:], those answered as they are, not redirected (per-item hosts)

    def __init__(self, variant: str = "default"):
        self._lock = threading.Lock()
        self.variants = tuple(dict.fromkeys(("default", *self.own_variants, SAVE_FAILS)))
        self._initial_variant = self._checked_variant(variant)
        self._pages = [(re.compile(path), handler) for path, handler in self.pages().items()]
        self._public = [(method, re.compile(path), handler) for (method, path), handler in self.public_routes().items()]
        self.reset()

    def pages(self) -> dict[str, PageHandler]:
        """Signed-in pages: path regex -> handler(request, *groups)."""
        raise NotImplementedError

    def public_routes(self) -> dict[tuple[str, str], PageHandler]:
        """(method, path regex) -> handler(request, *groups) answered signed in or out: the sign-in
        form and its one-time code step."""
        sign_in = self.sign_in
        routes = {("GET", sign_in.path): self._sign_in_page,
                  ("POST", sign_in.form_action or sign_in.path): self._sign_in_submit}
        if sign_in.code_path:
            routes |= {("GET", sign_in.code_path): self._code_page, ("POST", sign_in.code_path): self._code_submit}
        return routes

    # -- admin (server.Site) --

    def reset(self, variant: str | None = None, settings: dict[str, Value] | None = None) -> None:
        variant = self._checked_variant(variant or self._initial_variant)
        with self._lock:
            self.variant = variant
            self.settings = {**self.defaults, **self._checked_settings(settings or {})}
            self.sessions: dict[str, str] = {}  # session token -> csrf token
            self.pending: dict[str, Any] = {}  # sign-ins waiting for their second step -> what they carry
            self.sign_ins = self.sign_in_attempts = self.saves = 0

    def set_variant(self, variant: str) -> None:
        self.variant = self._checked_variant(variant)

    def set_settings(self, settings: dict[str, Value]) -> None:
        with self._lock:
            self.settings.update(self._checked_settings(settings))

    def expire_sessions(self) -> None:
        with self._lock:
            self.sessions.clear()
            self.pending.clear()

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {"variant": self.variant, "settings": dict(self.settings), "sign_ins": self.sign_ins,
                    "sign_in_attempts": self.sign_in_attempts, "saves": self.saves, "sessions": list(self.sessions)}

    def mint_session(self) -> dict[str, Any]:
        return storage_state(self.hosts[0], self._new_session(), http_only=[self.session_cookie])

    def _checked_variant(self, variant: str) -> str:
        return checked_variant(variant, self.variants)

    def _checked_settings(self, settings: Any) -> dict[str, Value]:
        if not isinstance(settings, dict):
            raise ValueError("settings must be a JSON object")
        for key, value in settings.items():
            if not self._valid(key, value):
                raise ValueError(f"no setting {key!r} takes {value!r}; settings: {self._described_settings()}")
        return settings

    def _valid(self, key: str, value: Any) -> bool:
        if key in self.choices:
            return value in self.choices[key]
        return key in self.defaults and isinstance(value, bool)

    def _described_settings(self) -> str:
        return ", ".join(f"{key} ({' | '.join(self.choices.get(key, ('true', 'false')))})" for key in self.defaults)

    # -- routing --

    def handle(self, request: Request) -> Response:
        if request.host != self.hosts[0] and request.host in self.hosts and request.host not in self.served_hosts:
            return redirect(f"https://{self.hosts[0]}{request.path_with_query}", 301)
        if request.path.startswith(self.api_prefix) and request.method in ("GET", "POST"):
            key = request.path.removeprefix(self.api_prefix)
            return self._save(request, key) if request.method == "POST" else self._read(request, key)
        public = self._public_route(request)
        if public is not None:
            return public()
        for pattern, page in self._pages:
            match = pattern.fullmatch(request.path)
            if match and request.method == "GET":
                if self.csrf(request) is None:
                    return self.signed_out(request)
                return page(request, *match.groups())
        return self.not_found(request)

    def _public_route(self, request: Request) -> Callable[[], Response] | None:
        """The public route that answers request, bound to it; None if none does."""
        for method, pattern, handler in self._public:
            match = pattern.fullmatch(request.path)
            if match and method == request.method:
                return lambda: handler(request, *match.groups())
        return None

    def signed_out(self, request: Request) -> Response:
        """hook: a signed-out visit to a page: the sign-in page, naming the page to return to."""
        query = urlencode({self.sign_in.return_param: request.path_with_query})
        return redirect(f"{self.sign_in.path}?{query}")

    def not_found(self, request: Request) -> Response:
        """hook: the answer where no route matched."""
        return self.page("Page not found", guest_card("<h1>Page not found</h1><p>This page doesn't exist.</p>"),
                         status=404)

    def csrf(self, request: Request) -> str | None:
        """The signed-in session's CSRF token; None when signed out."""
        return self.sessions.get(request.cookies.get(self.session_cookie, ""))

    # -- signing in --

    def _sign_in_page(self, request: Request, error: str = "", username: str = "") -> Response:
        """The form; in a two-step sign-in, without a username yet, only its first step (the
        password field is not in the page)."""
        if self.csrf(request) is not None:
            return redirect(self._next_path(request.query.get(self.sign_in.return_param, "")))
        sign_in = self.sign_in
        fields = field("username", sign_in.username_field, sign_in.username_label, "text", "username", username)
        submit = sign_in.submit_label
        if sign_in.continue_label and not username:
            submit = sign_in.continue_label
        else:
            fields += field("password", sign_in.password_field, sign_in.password_label, "password",
                            "current-password", "")
        back = request.query.get(sign_in.return_param, "") or request.form().get(sign_in.next_field, "")
        return self._guest_page(sign_in.heading, sign_in.form_action or sign_in.path, back, fields, submit, error)

    def _sign_in_submit(self, request: Request) -> Response:
        form, sign_in = request.form(), self.sign_in
        username = form.get(sign_in.username_field, "").strip().lower()
        if sign_in.continue_label and sign_in.password_field not in form:  # the first step: ask for the password
            return self._sign_in_page(request, username=username)
        with self._lock:
            self.sign_in_attempts += 1
        if username != DEMO_USERNAME:
            return self._sign_in_page(request, sign_in.unknown_user or self.wrong_password(), username)
        if not secrets.compare_digest(form.get(sign_in.password_field, "").encode(), DEMO_PASSWORD.encode()):
            return self._sign_in_page(request, self.wrong_password(), username)
        return self.password_accepted(form.get(sign_in.next_field, ""))

    def wrong_password(self) -> str:
        """hook: what a refused password is told."""
        return self.sign_in.wrong_password

    def password_accepted(self, next_path: str) -> Response:
        """hook: after the right password: the one-time code step where there is one, else signed in."""
        if not self.sign_in.code_path:
            return self._signed_in(next_path)
        pending = secrets.token_urlsafe(24)
        self.pending[pending] = next_path
        query = urlencode({"next": next_path})
        return redirect(f"{self.sign_in.code_path}?{query}").set_cookie(PENDING_COOKIE, pending)

    def _code_page(self, request: Request, error: str = "") -> Response:
        if request.cookies.get(PENDING_COOKIE) not in self.pending:
            return redirect(self.sign_in.path)
        sign_in = self.sign_in
        code = field("code", "otp", sign_in.code_label, "text", "one-time-code", "")
        back = request.query.get("next", "") or request.form().get("next", "")
        return self._guest_page("Two-factor authentication", sign_in.code_path, back, code, sign_in.code_submit, error)

    def _code_submit(self, request: Request) -> Response:
        pending = request.cookies.get(PENDING_COOKIE, "")
        if pending not in self.pending:
            return redirect(self.sign_in.path)
        form = request.form()
        if not totp_matches(DEMO_TOTP_SECRET, form.get("otp", "").replace(" ", "")):
            return self._code_page(request, self.sign_in.wrong_code)
        self.pending.pop(pending, None)
        return self._signed_in(form.get("next", "")).delete_cookie(PENDING_COOKIE)

    def _signed_in(self, next_path: str) -> Response:
        with self._lock:
            self.sign_ins += 1
        return self._with_new_session(redirect(self._next_path(next_path)))

    def _with_new_session(self, response: Response, domain: str | None = None) -> Response:
        """response, setting the cookies of a new session (scripts may read all but the session cookie)."""
        for name, value in self._new_session().items():
            response.set_cookie(name, value, http_only=name == self.session_cookie, domain=domain)
        return response

    def _new_session(self) -> dict[str, str]:
        """Start a session; the cookies that carry it."""
        token, csrf = secrets.token_urlsafe(32), self.new_csrf_token()
        with self._lock:
            self.sessions[token] = csrf
        return self.session_cookie_values(token, csrf)

    def new_csrf_token(self) -> str:
        """hook: the token a session's page scripts send with each save."""
        return secrets.token_urlsafe(16)

    def session_cookie_values(self, token: str, csrf: str) -> dict[str, str]:
        """hook: the cookies of a session, the session cookie first (the CSRF token is in the page)."""
        return {self.session_cookie: token, **self.other_cookies}

    def _next_path(self, value: str) -> str:
        """A page on this site to return to (full URLs to its hosts allowed), else home."""
        url = urlsplit(value)
        if url.netloc not in ("", *self.hosts) or not url.path.startswith("/") or url.path.startswith("//"):
            return self.home
        return url.path + (f"?{url.query}" if url.query else "")

    # -- the settings API --

    def _read(self, request: Request, key: str) -> Response:
        """hook: GET {api_prefix}{key}; only LinkedIn's pages read a setting through the API."""
        return self.not_found(request)

    def _save(self, request: Request, key: str) -> Response:
        csrf = self.csrf(request)
        if csrf is None:
            return json_response({"message": "Sign in to continue."}, 401)
        if not secrets.compare_digest(request.headers.get("X-CSRF-Token", "").encode(), csrf.encode()):
            return json_response({"message": "CSRF check failed."}, 403)
        try:
            value = request.json()["value"]
        except (ValueError, TypeError, KeyError):
            value = None
        if not self._valid(key, value):
            return json_response({"message": f"Send {{\"value\": ...}} for one of: {self._described_settings()}."}, 400)
        if not self._store(key, value):
            return json_response({"message": "Internal server error."}, 500)
        return json_response({"key": key, "value": value})

    def _store(self, key: str, value: Value) -> bool:
        """Keep a saved value, as slowly as a real server; False (nothing kept) in `save-fails`."""
        time.sleep(SAVE_LATENCY_SECONDS)
        if self.variant == SAVE_FAILS:
            return False
        with self._lock:
            self.settings[key] = value
            self.saves += 1
        return True

    # -- pages --

    def page(self, title: str, body: str, request: Request | None = None, status: int = 200,
             lang: str = "en") -> Response:
        """A page in the shared look: the platform's colours and the widget script, and for a
        signed-in request the settings API and CSRF token the page's controls save with."""
        csrf = self.csrf(request) if request is not None else None
        meta = (f'<meta name="csrf-token" content="{escape(csrf)}">'
                f'<meta name="settings-api" content="{escape(self.api_prefix)}">') if csrf else ""
        return html_response(html_document(f"{title} / {self.look.brand}", f"{self.look.css()}{_STYLE}", body,
                                           lang=lang, head=meta, script=_WIDGETS), status)

    def _guest_page(self, heading: str, action: str, back: str, fields: str, submit: str, error: str) -> Response:
        card = (f'<p class="brand">{escape(self.look.brand)}</p>'
                f'<h1>{escape(heading)}</h1><form method="post" action="{escape(action)}" class="form">'
                f'<input type="hidden" name="{self.sign_in.next_field}" value="{escape(back)}">{fields}'
                f'{form_error(error)}<button type="submit" class="primary">{escape(submit)}</button></form>')
        return self.page(heading, guest_card(card))


# --- Controls: each carries data-key (what it saves) and data-saved (the server's value) -------


def _saved(value: Value) -> str:
    return escape(json.dumps(value))


def switch(key: str, label_id: str, on: bool, *, native: bool = False, disabled: bool = False) -> str:
    """A switch named by the element label_id. native: an <input type=checkbox role=switch> as
    some sites use; else a <button role=switch>. disabled: greyed out, it takes no clicks."""
    attributes = f'aria-labelledby="{label_id}" data-key="{key}" data-saved="{_saved(on)}"'
    attributes += " disabled" if disabled else ""
    if native:
        return f'<input type="checkbox" role="switch" class="switch" {attributes}{" checked" if on else ""}>'
    return (f'<button type="button" role="switch" class="switch" aria-checked="{str(on).lower()}" {attributes}>'
            '<span class="knob"></span></button>')


def checkbox(key: str, label: str, on: bool) -> str:
    """A checkbox inside its label, which names it."""
    return (f'<label class="check"><span>{escape(label)}</span><input type="checkbox" data-key="{key}" '
            f'data-saved="{_saved(on)}"{" checked" if on else ""}></label>')


def dropdown(key: str, label_id: str | None, value: str, options: tuple[str, ...]) -> str:
    """A native <select> labelled by label_id, or (None) only by nearby text."""
    name = f'aria-labelledby="{label_id}"' if label_id else ""
    listed = "".join(f'<option{" selected" if option == value else ""}>{escape(option)}</option>' for option in options)
    return f'<select class="select" {name} data-key="{key}" data-saved="{_saved(value)}">{listed}</select>'


def action_menu(key: str, label_id: str | None, value: str, options: tuple[str, ...]) -> str:
    """A dropdown as Primer's ActionMenu draws it: a button showing the value, labelled by label_id
    (None: named only by that value), that opens a menu of role=menuitemradio options; choosing
    one saves it."""
    menu_id = f"menu-{key}"
    name = f'aria-labelledby="{label_id}"' if label_id else ""
    items = "".join(f'<li role="none"><button type="button" role="menuitemradio" data-value="{escape(option)}" '
                    f'aria-checked="{str(option == value).lower()}">{escape(option)}</button></li>'
                    for option in options)
    return (f'<div class="menu-anchor"><button type="button" class="select" id="button-{key}" {name} '
            f'aria-haspopup="true" aria-expanded="false" aria-controls="{menu_id}" data-opens="{menu_id}" '
            f'data-key="{key}" data-value="{escape(value)}" data-saved="{_saved(value)}">'
            f'<span data-value-label>{escape(value)}</span> <span aria-hidden="true">▾</span></button>'
            f'<ul class="menu below" role="menu" id="{menu_id}" {name} data-closable hidden>{items}</ul></div>')


def modal(dialog_id: str, heading: str, content: str, *, layer: str = "", close_button: bool = False,
          backdrop: str = "") -> str:
    """A small dialog named by its heading, hidden until opened, on a backdrop that covers the page
    and so takes its clicks. layer: "top" over another dialog, "front" over everything, "clear"
    for a see-through backdrop; backdrop: more attributes for it (data-appears-ms=...)."""
    close = '<button class="plain" aria-label="Close" data-closes>×</button>' if close_button else ""
    return (f'<div class="overlay {layer}" id="{dialog_id}" data-closable {backdrop} hidden>'
            f'<div class="dialog small" role="dialog" aria-modal="true" aria-labelledby="{dialog_id}-title">'
            f'<div class="dialog-head"><h2 id="{dialog_id}-title">{escape(heading)}</h2>{close}</div>'
            f"{content}</div></div>")


def late(html: str, delay_ms: int = LATE_RENDER_MS) -> str:
    """A loading skeleton now, html once the delay has passed (as client-rendered pages do)."""
    return (f'<div class="late" aria-busy="true" data-late-ms="{delay_ms}"><div class="skeleton"></div>'
            f'<div class="skeleton short"></div><template>{html}</template></div>')


def tabs(panels: tuple[tuple[str, str], ...], selected: int = 0) -> str:
    """Tabs (name, panel html), one selected; clicking one shows its panel."""
    names = "".join(f'<button role="tab" id="tab-{i}" aria-controls="panel-{i}" '
                    f'aria-selected="{str(i == selected).lower()}">{escape(name)}</button>'
                    for i, (name, _) in enumerate(panels))
    shown = "".join(f'<section role="tabpanel" id="panel-{i}" aria-labelledby="tab-{i}"'
                    f'{"" if i == selected else " hidden"}>{content}</section>' for i, (_, content) in enumerate(panels))
    return f'<div role="tablist">{names}</div>{shown}'
