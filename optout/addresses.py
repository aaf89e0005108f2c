"""The hosts and URLs a flow may use: on the platform's own domains, https, nothing odd."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

ITEM_PLACEHOLDER = "{item}"
DOMAIN_RE = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def host_allowed(host: str, domains: list[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in (d.lower() for d in domains))


def url_problem(url: str, domains: list[str]) -> str | None:
    """Why a flow may not navigate to url, or None when it may."""
    if re.search(r"[\\\s\x00-\x1f\x7f]", url):
        return f"{url!r} has a backslash, space or control character (browsers and Python read those differently)"
    parts = urlsplit(url.replace(ITEM_PLACEHOLDER, "item"))
    if parts.scheme != "https":
        return f"{url} is not an https URL"
    try:
        has_port = parts.port is not None
    except ValueError:  # a port that is not a number in range
        has_port = True
    if parts.username or parts.password or has_port:
        return f"{url} carries credentials or a port"
    if not host_allowed(parts.hostname or "", domains):
        return f"{url} is outside the platform's domains ({', '.join(domains)})"
    return None
