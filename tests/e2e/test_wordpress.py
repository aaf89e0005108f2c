"""WordPress.com's password sign-in end to end: a wrong password is recognised from the page and
tried once. Per-site results, the non-Public site and the newer dashboard are in e2e/test_shapes.py."""

from __future__ import annotations

import pytest

from optout.replica.base import DEMO_USERNAME

pytestmark = pytest.mark.browser


def test_wrong_password_is_login_required_after_one_attempt(cli, replicas):
    cli.store_credentials("wordpress", DEMO_USERNAME, "not the password")
    code, document = cli.json("check", "wordpress")
    assert code == 3
    assert [(r["state"], r["detail"]) for r in document["results"]] == [(
        "login_required", "WordPress.com rejected the stored username or password. Update them with "
        "`optout credentials set wordpress`.")]
    assert replicas["wordpress"].state()["sign_in_attempts"] == 1
