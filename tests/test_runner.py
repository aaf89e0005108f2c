"""Choosing what to run: targets, unknown names, and platforms with accounts."""

from __future__ import annotations

import pytest

from optout.errors import UsageError
from optout.flow import load_flows
from optout.runner import select

FLOWS = load_flows()


def test_a_platform_and_one_of_its_settings_are_merged_without_repeats():
    [selection] = select(FLOWS, ["linkedin/research", "linkedin"], known=set())
    assert [s.id for s in selection.settings] == ["research", "generative-ai"]


def test_names_are_not_case_sensitive():
    [selection] = select(FLOWS, ["LinkedIn/Research"], known=set())
    assert (selection.flow.platform, [s.id for s in selection.settings]) == ("linkedin", ["research"])


def test_no_target_means_every_platform_with_an_account():
    assert [s.flow.platform for s in select(FLOWS, [], known={"x", "linkedin"})] == ["linkedin", "x"]


@pytest.mark.parametrize("targets, known, message", [
    ([], set(), "Nothing to do: no platform has credentials or a saved session yet."),
    (["linkdin"], set(), "Unknown platform 'linkdin'. Did you mean linkedin?"),
    (["myspace"], set(), "Unknown platform 'myspace'. Known: "),
    (["linkedin/reserch"], set(), "Unknown setting 'linkedin/reserch'. Did you mean linkedin/research?"),
    (["linkedin/genai"], set(), "Unknown setting 'linkedin/genai'. LinkedIn has: generative-ai, research."),
])
def test_what_cannot_be_run_is_one_clear_usage_error(targets, known, message):
    with pytest.raises(UsageError) as raised:
        select(FLOWS, targets, known=known)
    assert str(raised.value).startswith(message)
    assert raised.value.exit_code == 2
