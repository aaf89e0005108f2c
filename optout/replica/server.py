"""A small HTTPS server that serves one replica site, plus the pieces sites are built from.

A replica mimics a platform's pages so the browser-driving code can be tested offline. The
browser reaches it through Chromium's --host-resolver-rules, so the address bar shows the real
https://www.example.com/... URL while this server answers with a throwaway self-signed
certificate made at start-up.

Nothing here knows about a particular platform: a site object (see `Site`) does the routing and
keeps the state. This module adds TLS, request parsing, quiet logging and the admin API under
/__replica__/, which is only answered when the request was addressed to 127.0.0.1 or localhost,
never through a mapped platform host name.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import socket
import ssl
import struct
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from email.message import Message
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol, Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit

from optout.crypto import self_signed_certificate

ADMIN_PREFIX = "/__replica__/"
ADMIN_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
LOG_ENV_VAR = "OPTOUT_REPLICA_LOG"
HANDSHAKE_TIMEOUT_SECONDS = 10
IDLE_CONNECTION_TIMEOUT_SECONDS = 30
SHUTDOWN_POLL_SECONDS = 0.05  # how quickly stop() returns


# --- Requests and responses -------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: Message
    body: bytes = b""

    @property
    def host(self) -> str:
        """The Host header without its port, lower-cased ("" if absent)."""
        return _strip_port(self.headers.get("Host", "")).lower()

    @property
    def path_with_query(self) -> str:
        """The path and its query string, as a redirect back to this page needs them."""
        return self.path + (f"?{urlencode(self.query)}" if self.query else "")

    @cached_property
    def cookies(self) -> dict[str, str]:
        """Cookie values exactly as sent (quotes kept), parsed leniently like browsers do."""
        cookies: dict[str, str] = {}
        for pair in self.headers.get("Cookie", "").split(";"):
            name, sep, value = pair.strip().partition("=")
            if sep:
                cookies.setdefault(name, value)
        return cookies

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    def json(self) -> Any:
        """The body as JSON; an empty body is an empty object. Raises ValueError if malformed."""
        return json.loads(self.body) if self.body.strip() else {}


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")

    def set_cookie(self, name: str, value: str, *, http_only: bool = True, domain: str | None = None) -> Response:
        """domain (e.g. ".google.com") shares the cookie with every host under it; else host-only."""
        flags = ("; HttpOnly" if http_only else "") + (f"; Domain={domain}" if domain else "")
        self.headers.append(("Set-Cookie", f"{name}={value}; Path=/; Secure; SameSite=None{flags}"))
        return self

    def delete_cookie(self, name: str) -> Response:
        self.headers.append(("Set-Cookie", f"{name}=; Path=/; Secure; SameSite=None; Max-Age=0"))
        return self


def html_response(text: str, status: int = 200) -> Response:
    return Response(status, text.encode("utf-8"))


def json_response(data: Any, status: int = 200) -> Response:
    return Response(status, json.dumps(data).encode("utf-8"), "application/json")


def redirect(location: str, status: int = 302) -> Response:
    return Response(status, content_type="text/plain; charset=utf-8", headers=[("Location", location)])


# --- One-time codes ---------------------------------------------------------------------------


def totp(secret: str, at: float | None = None, *, step: int = 30, digits: int = 6) -> str:
    """The RFC 6238 code (HMAC-SHA1) for a base32 secret at a given time (default: now)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def totp_matches(
    secret: str, code: str, at: float | None = None, *, step: int = 30, window: int = 1
) -> bool:
    """True if code is the TOTP for now or for up to `window` steps either side (clock drift)."""
    if not (code.isascii() and code.isdigit()):
        return False
    now = time.time() if at is None else at
    candidates = (totp(secret, now + drift * step, step=step) for drift in range(-window, window + 1))
    return any(hmac.compare_digest(code, candidate) for candidate in candidates)


# --- The site interface -----------------------------------------------------------------------


class Site(Protocol):
    """What a platform module provides. State-changing methods raise ValueError on bad input."""

    hosts: Sequence[str]  # the real host names the replica stands in for; the first is the main one

    def handle(self, request: Request) -> Response: ...
    def state(self) -> dict[str, Any]: ...
    def reset(self, variant: str | None = None, settings: dict[str, bool] | None = None) -> None: ...
    def set_variant(self, variant: str) -> None: ...
    def set_settings(self, settings: dict[str, bool]) -> None: ...
    def expire_sessions(self) -> None: ...
    def mint_session(self) -> dict[str, Any]:
        """Sign the demo account in as a person would in `optout login`, and return the session
        as a Playwright storage state ({"cookies": [...], "origins": []}) to seed a test with."""


def storage_state(host: str, cookies: dict[str, str], *, http_only: Sequence[str] = ()) -> dict[str, Any]:
    """A Playwright storage state holding these cookies for host (secure, path /)."""
    return {"cookies": [{"name": name, "value": value, "domain": host, "path": "/", "expires": -1,
                         "httpOnly": name in http_only, "secure": True, "sameSite": "Lax"}
                        for name, value in cookies.items()], "origins": []}


def _admin(site: Site, request: Request) -> Response:
    if request.host not in ADMIN_HOSTS:
        return json_response({"error": "the admin API is only served on 127.0.0.1/localhost"}, 403)
    action = (request.method, request.path.removeprefix(ADMIN_PREFIX))
    try:
        body = request.json() if request.method == "POST" else {}
        if not isinstance(body, dict):
            raise ValueError("the request body must be a JSON object")
        if action == ("POST", "reset"):
            site.reset(variant=body.get("variant"), settings=body.get("settings"))
        elif action == ("POST", "variant"):
            site.set_variant(body.get("variant", ""))
        elif action == ("POST", "settings"):
            site.set_settings(body)
        elif action == ("POST", "expire-sessions"):
            site.expire_sessions()
        elif action == ("POST", "session"):
            return json_response(site.mint_session())
        elif action != ("GET", "state"):
            return json_response({"error": f"no admin action {action[0]} {action[1]}"}, 404)
    except ValueError as error:
        return json_response({"error": str(error)}, 400)
    return json_response(site.state())


# --- HTTP over TLS ----------------------------------------------------------------------------


def _strip_port(host: str) -> str:
    if host.startswith("["):  # [::1]:8443
        return host[1 : host.find("]")]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _logging_enabled() -> bool:
    return os.environ.get(LOG_ENV_VAR) == "1"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as browsers expect
    timeout = IDLE_CONNECTION_TIMEOUT_SECONDS
    server: _TLSServer

    def do_GET(self) -> None:
        self._respond(self._dispatch())

    do_POST = do_GET

    def _dispatch(self) -> Response:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(
            method=self.command,
            path=url.path,
            query=dict(parse_qsl(url.query, keep_blank_values=True)),
            headers=self.headers,
            body=self.rfile.read(length) if length else b"",
        )
        site = self.server.site
        try:
            if request.path.startswith(ADMIN_PREFIX):
                return _admin(site, request)
            return site.handle(request)
        except Exception:  # a bug in the site: answer 500 and show it, rather than hang the browser
            traceback.print_exc()
            return Response(500, b"replica error\n", "text/plain; charset=utf-8")

    def _respond(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")  # every page reflects the current state
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:
        if _logging_enabled():
            super().log_message(format, *args)


class _TLSServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # browsers hold idle keep-alive connections; don't wait for them

    def __init__(self, address: tuple[str, int], tls: ssl.SSLContext, site: Site):
        super().__init__(address, _Handler)
        self.tls = tls
        self.site = site

    def finish_request(self, request, client_address) -> None:
        # The handshake runs here, in the connection's own thread, so a slow client can't stall
        # the accept loop.
        request.settimeout(HANDSHAKE_TIMEOUT_SECONDS)
        # Headers and body go out as separate writes; without this, Nagle's algorithm and
        # delayed ACKs add ~40 ms to every response.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            connection = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # probes and abandoned connections are routine, not errors
        with connection:
            self.RequestHandlerClass(connection, client_address, self)

    def handle_error(self, request, client_address) -> None:
        # Only connection-level failures (resets, broken pipes) reach here; site bugs are
        # reported by the handler.
        if _logging_enabled():
            super().handle_error(request, client_address)


def _write_self_signed_certificate(directory: Path, hosts: Sequence[str]) -> tuple[Path, Path]:
    """Write cert.pem/key.pem valid for a day for hosts, localhost and 127.0.0.1."""
    certificate, key = self_signed_certificate([*hosts, "localhost"], ["127.0.0.1"])
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate)
    key_file.write_bytes(key)
    return cert_file, key_file


class ReplicaServer:
    """Serves `site` over HTTPS on a background thread.

    with ReplicaServer(site) as server:   # or server.start() ... server.stop()
        launch Chromium with server.host_resolver_rules
    """

    def __init__(self, site: Site, host: str = "127.0.0.1", port: int = 0):
        self.site = site
        self.host = host
        self._requested_port = port
        self._server: _TLSServer | None = None
        self._thread: threading.Thread | None = None
        self._cert_dir: tempfile.TemporaryDirectory[str] | None = None

    def start(self) -> ReplicaServer:
        if self._server is not None:
            raise RuntimeError("the replica server is already running")
        self._cert_dir = tempfile.TemporaryDirectory(prefix="optout-replica-")
        cert_file, key_file = _write_self_signed_certificate(Path(self._cert_dir.name), self.site.hosts)
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert_file, key_file)
        tls.set_alpn_protocols(["http/1.1"])  # no HTTP/2: http.server speaks 1.1 only
        self._server = _TLSServer((self.host, self._requested_port), tls, self.site)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
            name="optout-replica",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._cert_dir.cleanup()
        self._server = self._thread = self._cert_dir = None

    def __enter__(self) -> ReplicaServer:
        return self if self._server is not None else self.start()  # `with start_replica(...)` works

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the replica server is not running")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """Base URL for direct access, e.g. the admin API: https://127.0.0.1:PORT"""
        return f"https://{self.host}:{self.port}"

    @property
    def cert_file(self) -> Path:
        """The self-signed certificate (PEM), for clients that want to verify TLS."""
        if self._cert_dir is None:
            raise RuntimeError("the replica server is not running")
        return Path(self._cert_dir.name) / "cert.pem"

    @property
    def origin_map(self) -> dict[str, str]:
        """Each real host name mapped to the address that serves it: {"www.x.com": "127.0.0.1:PORT"}."""
        return {name: f"{self.host}:{self.port}" for name in self.site.hosts}

    @property
    def host_resolver_rules(self) -> str:
        """The value for Chromium's --host-resolver-rules that sends the real hosts here."""
        return ", ".join(f"MAP {name}:443 {address}" for name, address in self.origin_map.items())
