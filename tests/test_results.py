"""Results: the exit code a set of results gives, and details without URL secrets."""

from __future__ import annotations

import pytest

from optout.exitcodes import ExitCode
from optout.results import Result, State, exit_code_for, redact_urls


def result(state: State) -> Result:
    return Result("linkedin", "generative-ai", "Data for Generative AI Improvement", state, "")


@pytest.mark.parametrize("states, code", [
    ([State.OPTED_OUT, State.NOT_OFFERED], ExitCode.OK),
    ([State.OPTED_OUT, State.OPTED_IN, State.ERROR], ExitCode.OPTED_IN),
    ([State.OPTED_OUT, State.FLOW_OUTDATED], ExitCode.UNDETERMINED),
])
def test_opted_in_wins_then_undetermined(states, code):
    assert exit_code_for([result(state) for state in states]) is code


def test_query_strings_and_fragments_are_dropped_from_urls_in_details():
    text = ("Nothing on https://www.linkedin.com/checkpoint/lg/login-submit?session=abc&token=s3cr3t matched; "
            "see https://chatgpt.com/#settings/DataControls and http://127.0.0.1:8443/x?y=1")
    assert redact_urls(text) == ("Nothing on https://www.linkedin.com/checkpoint/lg/login-submit matched; "
                                 "see https://chatgpt.com/ and http://127.0.0.1:8443/x")
