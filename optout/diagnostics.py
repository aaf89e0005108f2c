"""Scrubbing for diagnostics bundles: a Playwright trace records what was typed (the password,
one-time codes), every request's cookies and the results of calls such as storageState, and a
page's accessibility snapshot shows field values. Everything here is plain data handling; the
adapter (optout.browser) records the bundle and calls it.

Two layers: every known secret is replaced wherever it appears, in the encodings a page or a
trace uses for it (URL-encoded form posts, JSON, HTML); and whatever is a cookie or an
authorization header is replaced whatever its value, so a cookie optout never heard of (an
expired session, a tracking id) cannot slip through either.
"""

from __future__ import annotations

import html
import json
import zipfile
from pathlib import Path
from urllib.parse import quote, quote_plus

REDACTED = "***"
SECRET_HEADERS = {"cookie", "set-cookie", "authorization", "proxy-authorization"}
JSON_LINES_SUFFIXES = (".trace", ".network")  # trace.trace, trace.network: one JSON event a line
MIN_STORED_VALUE_LENGTH = 8  # shorter cookie/storage values are preferences, not credentials


def stored_values(state: dict | None) -> list[str]:
    """Cookie and localStorage values of a storage state (long enough to be credentials)."""
    if not state:
        return []
    values = [cookie.get("value", "") for cookie in state.get("cookies", [])]
    values += [entry.get("value", "") for origin in state.get("origins", [])
               for entry in origin.get("localStorage", [])]
    found = {value.strip('"') for value in values if len(value.strip('"')) >= MIN_STORED_VALUE_LENGTH}
    return sorted(found)


def secret_forms(secrets: list[str]) -> list[str]:
    """Each secret as it may be written: raw, URL-encoded (form posts), JSON- and HTML-escaped;
    longest first, so a secret that contains another is replaced whole."""
    forms = set()
    for secret in filter(None, secrets):
        forms |= {secret, quote_plus(secret), quote(secret, safe=""), json.dumps(secret)[1:-1], html.escape(secret)}
    return sorted(forms, key=len, reverse=True)


def scrub_text(text: str, forms: list[str]) -> str:
    for form in forms:
        text = text.replace(form, REDACTED)
    return text


def scrub_json(value, forms: list[str]):
    """A JSON value with secrets replaced in its strings, cookie values and secret headers."""
    if isinstance(value, str):
        return scrub_text(value, forms)
    if isinstance(value, list):
        return [scrub_json(item, forms) for item in value]
    if not isinstance(value, dict):
        return value
    scrubbed = {key: scrub_json(item, forms) for key, item in value.items()}
    if isinstance(scrubbed.get("cookies"), list):  # HAR entries and storageState results
        scrubbed["cookies"] = [{**cookie, "value": REDACTED} if isinstance(cookie, dict) else cookie
                               for cookie in scrubbed["cookies"]]
    if str(scrubbed.get("name", "")).lower() in SECRET_HEADERS and "value" in scrubbed:
        scrubbed["value"] = REDACTED
    return scrubbed


def scrub_json_lines(data: bytes, forms: list[str]) -> bytes:
    lines = []
    for line in data.decode("utf-8", errors="replace").splitlines():
        try:
            event = json.loads(line)
        except ValueError:  # not an event: scrub it as text
            lines.append(scrub_text(line, forms))
            continue
        lines.append(json.dumps(scrub_json(event, forms), ensure_ascii=False, separators=(",", ":")))
    return ("\n".join(lines) + "\n").encode("utf-8")


def scrub_bytes(data: bytes, forms: list[str]) -> bytes:
    """Resources (pages, posted forms, responses): text or not, every secret form goes."""
    for form in forms:
        data = data.replace(form.encode("utf-8"), REDACTED.encode())
    return data


def scrub_trace(raw: Path, destination: Path, secrets: list[str]) -> None:
    """Write a scrubbed copy of the Playwright trace zip `raw` to `destination`. The raw trace
    belongs in a private temporary place: only the scrubbed copy may reach a bundle."""
    forms = secret_forms(secrets)
    with zipfile.ZipFile(raw) as trace:
        entries = [(info, trace.read(info)) for info in trace.infolist()]
    partial = destination.with_name(f".{destination.name}.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as scrubbed:
        for info, data in entries:
            scrub = scrub_json_lines if info.filename.endswith(JSON_LINES_SUFFIXES) else scrub_bytes
            scrubbed.writestr(info.filename, scrub(data, forms))
    partial.replace(destination)
