"""The HTML report: timelines folded into periods, the screenshots that prove something embedded
as data: URIs, and nothing from the history interpreted as markup. (Rendering in Chromium is in
tests/e2e/test_monitoring.py, on a report made from real runs.)"""

from __future__ import annotations

import base64
import re
import struct
import zlib

from optout import htmlreport
from optout.history import Row
from optout.results import State


def png(path, shade: int) -> str:
    """A real 2x2 grey PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    pixels = b"".join(b"\x00" + bytes([shade]) * 2 for _ in range(2))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b""))
    return str(path)


def row(run: int, state: State, *, changed=False, evidence=None, before=None, detail="") -> Row:
    return Row(run, "linkedin", "generative-ai", None, "Data for Generative AI Improvement", state, changed,
               detail or f"{state.value}.", f"2025-01-{run:02d}T08:00:00+00:00", 1, "f" * 64, evidence, before)


def test_timeline_and_proof(tmp_path):
    found_on, before, after, on_again = (png(tmp_path / f"{n}.png", 40 * i) for i, n in
                                         enumerate(["found-on", "before", "after", "on-again"], 1))
    rows = [row(1, State.OPTED_IN, evidence=found_on), row(2, State.OPTED_IN, evidence=found_on),
            row(3, State.OPTED_OUT, changed=True, evidence=after, before=before), row(4, State.OPTED_OUT),
            row(5, State.ERROR), row(6, State.OPTED_IN, evidence=on_again),
            row(7, State.OPTED_IN, evidence=str(tmp_path / "deleted.png"), detail="<script>alert(1)</script>")]
    assert [(p.state, p.count, p.first.run_id) for p in htmlreport.periods(rows)] == [
        (State.OPTED_IN, 2, 1), (State.OPTED_OUT, 2, 3), (State.ERROR, 1, 5),
        (State.OPTED_IN, 2, 6)]
    assert [(m.caption, m.path) for m in htmlreport.moments(rows)] == [
        ("Found on", found_on), ("Found on, before optout changed it", before),
        ("Turned off by optout, re-read after reloading the page", after), ("Found on", on_again)]

    html = htmlreport.render(rows, generated_at="2025-02-01T00:00:00+00:00")
    embedded = re.findall(r'<img src="data:image/png;base64,([^"]+)"', html)
    assert [base64.b64decode(data) for data in embedded] == [
        (tmp_path / f"{n}.png").read_bytes() for n in ["found-on", "before", "after", "on-again"]]
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'class="replica"' not in html  # read from the real sites: no replica notice
    assert "1 settings, 7 runs, from 2025-01-01 08:00:00 UTC to 2025-01-07 08:00:00 UTC" in html
    assert "2025-01-01 08:00:00 UTC to 2025-01-02 08:00:00 UTC" in html


def test_a_missing_screenshot_is_named_not_broken(tmp_path):
    html = htmlreport.render([row(1, State.OPTED_IN, evidence=str(tmp_path / "gone.png"))])
    assert f"Found on: 2025-01-01 08:00:00 UTC (screenshot not on disk: {tmp_path / 'gone.png'})" in html
    assert "<img" not in html


def test_an_empty_history_says_so():
    html = htmlreport.render([])
    assert "No checks recorded yet: run <code>optout check</code> first." in html
    assert "`" not in html
