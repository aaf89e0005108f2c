"""The regular expressions a flow may use: checked once, when the flow is validated.

Patterns run in Python (URL paths) and in the browser (JavaScript), always ignoring case.
"""

from __future__ import annotations

import importlib
import re
import sys
from typing import Any

# The standard library's own regular-expression parser (Python 3.11 renamed sre_parse re._parser).
_MODERN_RE = sys.version_info >= (3, 11)
regex_parser: Any = importlib.import_module("re._parser" if _MODERN_RE else "sre_parse")
regex_constants: Any = importlib.import_module("re._constants" if _MODERN_RE else "sre_constants")

MAX_PATTERN_LENGTH = 300
REPEATS = tuple(getattr(regex_constants, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
                if hasattr(regex_constants, name))


def valid_regex(value: str | None) -> str | None:
    """Patterns run in Python (URLs) and in the browser (JavaScript), always ignoring case, so
    they must not carry Python-only inline flags, nor a repeat inside a repeat such as (a+)+,
    which backtracks for ever on a hostile page and freezes the tab."""
    if value is not None:
        if len(value) > MAX_PATTERN_LENGTH:
            raise ValueError(f"a pattern may be at most {MAX_PATTERN_LENGTH} characters long")
        if re.search(r"\(\?[aiLmsux]+[):]", value):
            raise ValueError("inline flags such as (?i) are not supported; patterns always ignore case")
        try:
            parsed = regex_parser.parse(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        if _nested_repeat(parsed):
            raise ValueError("a repeated group that itself repeats, such as (a+)+, can take for ever to match; "
                             "simplify the pattern")
    return value


def _nested_repeat(parsed, inside_repeat: bool = False) -> bool:
    """Whether a repeat (*, +, {2,}) sits inside another: the shape of catastrophic backtracking."""
    for op, argument in parsed:
        if op in REPEATS:
            low, high, body = argument
            repeats = high is regex_constants.MAXREPEAT or high > 1
            if repeats and inside_repeat:
                return True
            if _nested_repeat(body, inside_repeat or repeats):
                return True
        elif op == regex_constants.SUBPATTERN:
            if _nested_repeat(argument[-1], inside_repeat):
                return True
        elif op == regex_constants.BRANCH:
            if any(_nested_repeat(branch, inside_repeat) for branch in argument[1]):
                return True
        elif op in (regex_constants.ASSERT, regex_constants.ASSERT_NOT):
            if _nested_repeat(argument[1], inside_repeat):
                return True
    return False


def pattern(value: str) -> re.Pattern:
    return re.compile(value, re.IGNORECASE)
