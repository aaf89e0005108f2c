"""The wording that makes a control look like an AI-training setting (ai_terms.yaml), and the
matcher `optout scan` flags controls with. Whole words only: "maintain", "email" and "said" never
match "ai"; acronyms match only in their own case."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from optout.flow.loader import load_data

TERMS_FILE = Path(__file__).with_name("ai_terms.yaml")


@dataclass(frozen=True)
class Vocabulary:
    patterns: tuple[re.Pattern[str], ...]

    def match(self, text: str) -> str | None:
        """The first AI wording in text, as written there; None when there is none."""
        found = [m for p in self.patterns if (m := p.search(text))]
        return min(found, key=lambda m: m.start()).group(0) if found else None


def whole_words(terms: list[str], flags: int) -> list[re.Pattern[str]]:
    """One pattern for a list of terms: each term whole (no letter or digit just before or after),
    longest first, any run of spaces between its words."""
    if not terms:
        return []
    alternatives = "|".join(r"\s+".join(map(re.escape, term.split())) for term in sorted(terms, key=len, reverse=True))
    return [re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", flags)]


def from_data(data: dict) -> Vocabulary:
    patterns: list[re.Pattern[str]] = []
    for language in data.values():
        patterns += whole_words(language.get("words", []), re.IGNORECASE)
        patterns += whole_words(language.get("acronyms", []), 0)
        patterns += [re.compile(p, re.IGNORECASE) for p in language.get("patterns", [])]
    return Vocabulary(tuple(patterns))


@functools.cache
def vocabulary() -> Vocabulary:
    data = load_data(TERMS_FILE)
    assert isinstance(data, dict)  # the packaged file: a mapping of languages
    return from_data(data)


def ai_wording(text: str) -> str | None:
    """The AI wording in text (a control's name and its section), or None."""
    return vocabulary().match(text)
