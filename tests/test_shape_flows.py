"""The flow-format pieces the WordPress.com, Meta, Gemini and Medium flows added: a locator that
matches only while checked or not, and a setting that says why it is not offered."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from optout.flow import Locator, load_flow
from optout.flow.loader import flows_dir

NOT_PUBLIC = {"role": "radio", "name": "Public", "checked": False}


def test_a_checked_locator_keeps_its_state_through_item_substitution():
    locator = Locator(role="checkbox", name="Prevent third-party sharing for {item}", checked=True)
    assert locator.with_item("a.wordpress.com") == Locator(
        role="checkbox", name="Prevent third-party sharing for a.wordpress.com", checked=True)
    assert Locator(**NOT_PUBLIC).describe() == 'radio "Public" (not checked)'


def test_checked_needs_a_role():
    with pytest.raises(ValidationError, match="checked needs a role"):
        Locator(label="Public", checked=False)


def test_wordpress_says_why_a_site_that_is_not_public_has_no_setting():
    setting = load_flow(flows_dir() / "wordpress.yaml").flow.settings[0]
    assert setting.not_offered == [Locator(**NOT_PUBLIC)]
    assert "only while a site is Public" in setting.not_offered_reason
