"""Origin maps: send a real host name (www.linkedin.com) to a replica or recorded copy
(127.0.0.1:8443) while the browser keeps the real URL, cookies and flow file."""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass

HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class OriginMapError(ValueError):
    pass


@dataclass(frozen=True)
class Mapping:
    host: str
    address: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}={self.address}:{self.port}"


def parse_mapping(text: str) -> Mapping:
    host, sep, target = text.strip().partition("=")
    address, colon, port = target.rpartition(":")
    if not sep or not colon:
        raise OriginMapError(f"origin map {text!r} is not HOST=ADDRESS:PORT")
    host = host.strip().lower()
    if not HOST_RE.match(host):
        raise OriginMapError(f"origin map {text!r}: {host!r} is not a host name")
    try:
        ipaddress.ip_address(address)
    except ValueError:
        raise OriginMapError(f"origin map {text!r}: {address!r} is not an IP address") from None
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise OriginMapError(f"origin map {text!r}: {port!r} is not a port")
    return Mapping(host, address, int(port))


def parse_origin_map(flags: list[str] | None = None, environ: dict | None = None) -> list[Mapping]:
    """--origin-map flags (repeatable) plus OPTOUT_ORIGIN_MAP (comma separated); flags win per host."""
    environ = os.environ if environ is None else environ
    entries = [e for e in environ.get("OPTOUT_ORIGIN_MAP", "").split(",") if e.strip()]
    by_host = {m.host: m for m in map(parse_mapping, entries + list(flags or []))}
    return list(by_host.values())


def resolver_rules(mappings: list[Mapping]) -> str:
    """Chromium --host-resolver-rules: HTTPS on the real host name goes to the mapped address."""
    return ", ".join(f"MAP {m.host}:443 {m.address}:{m.port}" for m in mappings)
