"""Origin maps: send a real host name (www.linkedin.com) to a replica or recorded copy
(127.0.0.1:8443) while the browser keeps the real URL, cookies and flow file.

Mapped addresses must be loopback unless the person says otherwise: a map is for a replica on
this machine, and a typo or a pasted map should not send a sign-in page somewhere else. The
browser accepts a mapped server's certificate by its public key alone (`certificate_pins`), so
every unmapped site's certificate is still checked in the same run (the pin is computed by
optout.crypto).
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import ssl
from collections.abc import Mapping as EnvMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from optout.errors import OptoutError, UsageError

HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
ANY_ADDRESS_VARIABLE = "OPTOUT_ORIGIN_MAP_ANY_ADDRESS"
PIN_TIMEOUT_SECONDS = 5


class OriginMapError(UsageError, ValueError):
    """An origin map that is malformed or not allowed (exit 2)."""


class OriginUnreachable(OptoutError):
    """A mapped address where no TLS server answers: the run cannot start (exit 3)."""


@dataclass(frozen=True)
class Mapping:
    host: str
    address: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}={self.endpoint}"

    @property
    def endpoint(self) -> str:
        """ADDRESS:PORT, with an IPv6 address in brackets as URLs and Chromium's rules write it."""
        address = f"[{self.address}]" if ":" in self.address else self.address
        return f"{address}:{self.port}"


def parse_mapping(text: str, *, any_address: bool = False) -> Mapping:
    host, sep, target = text.strip().partition("=")
    address, colon, port = target.rpartition(":")
    if not sep or not colon:
        raise OriginMapError(f"origin map {text!r} is not HOST=ADDRESS:PORT")
    host = host.strip().lower()
    if not HOST_RE.match(host):
        raise OriginMapError(f"origin map {text!r}: {host!r} is not a host name")
    address = address.removeprefix("[").removesuffix("]")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise OriginMapError(f"origin map {text!r}: {address!r} is not an IP address") from None
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise OriginMapError(f"origin map {text!r}: {port!r} is not a port")
    if not (ip.is_loopback or any_address):
        raise OriginMapError(f"origin map {text!r}: {address} is not a loopback address (127.0.0.0/8, ::1); "
                             f"pass --origin-map-any-address or set {ANY_ADDRESS_VARIABLE}=1 to allow it")
    return Mapping(host, str(ip), int(port))


def parse_origin_map(flags: list[str] | None = None, environ: EnvMapping[str, str] | None = None, *,
                     any_address: bool = False) -> list[Mapping]:
    """--origin-map flags (repeatable) plus OPTOUT_ORIGIN_MAP (comma separated); flags win per host.
    Addresses must be loopback unless any_address or OPTOUT_ORIGIN_MAP_ANY_ADDRESS=1."""
    variables = os.environ if environ is None else environ
    any_address = any_address or variables.get(ANY_ADDRESS_VARIABLE) == "1"
    entries = [e for e in variables.get("OPTOUT_ORIGIN_MAP", "").split(",") if e.strip()]
    mappings = [parse_mapping(entry, any_address=any_address) for entry in entries + list(flags or [])]
    return list({m.host: m for m in mappings}.values())


def resolver_rules(mappings: list[Mapping]) -> str:
    """Chromium --host-resolver-rules: HTTPS on the real host name goes to the mapped address."""
    return ", ".join(f"MAP {m.host}:443 {m.endpoint}" for m in mappings)


def certificate_pins(mappings: list[Mapping]) -> list[str]:
    """For Chromium's --ignore-certificate-errors-spki-list: the base64 SHA-256 of the public key
    (SubjectPublicKeyInfo) each mapped server presents now. Chromium then accepts those servers'
    throwaway certificates and checks every other certificate as usual."""
    # One handshake per server, all at once: a replica serves every host it stands in for with one
    # certificate. (A server choosing another certificate by host would fail loudly, not quietly.)
    servers = list({m.endpoint: m for m in mappings}.values())
    with ThreadPoolExecutor(max_workers=8) as pool:
        return sorted(set(pool.map(_public_key_pin, servers)))


def _public_key_pin(mapping: Mapping) -> str:
    from optout.crypto import public_key_pin  # cryptography loads only when a map is active

    return public_key_pin(_server_certificate(mapping))


def _server_certificate(mapping: Mapping) -> bytes:
    """The certificate the mapped server presents for the host (SNI), unverified: it is what
    gets pinned, so there is nothing to verify it against."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # no CA store loaded: 20 ms of CPU a server saved
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((mapping.address, mapping.port), timeout=PIN_TIMEOUT_SECONDS) as raw, \
                context.wrap_socket(raw, server_hostname=mapping.host) as tls:
            der = tls.getpeercert(binary_form=True)
    except OSError as error:  # refused, timed out, unreachable, or not TLS (ssl.SSLError)
        reason = getattr(error, "reason", None) or error.strerror or str(error) or type(error).__name__
        raise OriginUnreachable(f"origin map {mapping}: no TLS server answers at {mapping.endpoint} ({reason}). "
                                "Start the replica there, or fix the map.") from None
    if not der:
        raise OriginUnreachable(f"origin map {mapping}: the server at {mapping.endpoint} presented no certificate.")
    return der
