"""The regular expressions a flow may use."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("pattern_text", "accepted"), [
    ("(a+)+$", False), ("^(x|y)*z", True), ("((ab)*)+", False), ("^Allow your public data", True),
])
def test_patterns_that_could_backtrack_for_ever_are_refused(pattern_text, accepted):
    from optout.flow import Locator

    if accepted:
        Locator(text_pattern=pattern_text)
    else:
        with pytest.raises(ValueError, match=r"such as \(a\+\)\+, can take for ever"):
            Locator(text_pattern=pattern_text)
