"""Meta's objection forms end to end: a form is sent at most once, even when no confirmation
shows, and is not offered outside the EU/EEA and UK. The first apply and the repeat without a
resend are in e2e/test_shapes.py."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_form_without_confirmation_needs_a_person_and_is_never_resent(cli, replicas):
    facebook = replicas["facebook"]
    facebook.reset("no-confirmation")
    cli.seed_session("facebook", facebook.admin("session"))
    code, first = cli.json("apply", "facebook")
    assert code == 3
    assert [(r["state"], r["detail"]) for r in first["results"]] == [(
        "needs_human", "The form was sent but Facebook showed no confirmation. Check your email before "
        "sending it again; optout will not resend it.")]

    code, second = cli.json("apply", "facebook")
    assert code == 3
    result = second["results"][0]
    assert result["state"] == "needs_human"
    assert result["detail"].startswith("The form was sent on ")
    assert result["detail"].endswith(" but no confirmation appeared. Check your email from Facebook; optout will "
                                     "not send it again.")
    assert facebook.state()["submissions"] == 1


def test_outside_the_eu_and_uk_the_form_is_not_offered_and_nothing_is_sent(cli, replicas):
    instagram = replicas["instagram"]
    instagram.reset("not-in-region")
    cli.seed_session("instagram", instagram.admin("session"))
    code, document = cli.json("apply", "instagram")
    assert code == 0
    assert [(r["state"], r["detail"]) for r in document["results"]] == [(
        "not_offered", "Instagram does not offer this setting here: Meta offers the objection form only in the "
        "EU/EEA and UK (the GDPR right to object).")]
    assert instagram.state()["submissions"] == 0
