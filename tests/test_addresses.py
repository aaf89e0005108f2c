"""The URLs a flow may open."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("url", ["https://www.linkedin.com\\@evil.example/", "https://www.linkedin.com /x",
                                 "https://www.linkedin.com/\tx"])
def test_urls_with_backslashes_or_whitespace_are_refused(url):
    from optout.addresses import url_problem

    assert "has a backslash, space or control character" in url_problem(url, ["www.linkedin.com"])
