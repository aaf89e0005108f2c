"""The one output helper at 80 columns: nothing a person types or reads whole is cut."""

from __future__ import annotations

from optout.cli import output

URL = "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement-" + "x" * 40


def test_a_detail_wraps_under_its_row_between_words_and_a_url_stays_whole(capsys, monkeypatch):
    monkeypatch.setattr(output.stdout, "_width", 80)
    output.table(["setting", "state", "changed", "detail"],
                 [["linkedin/generative-ai", "error", "", f"Could not load {URL} (net::ERR_TIMED_OUT); run "
                   "`optout check linkedin` again later, or look at the screenshot."],
                  ["x/grok-training", "opted_out", "yes", ""]])
    assert capsys.readouterr().out.splitlines() == [
        "setting                 state      changed",
        "linkedin/generative-ai  error",
        "    Could not load",
        f"    {URL}",
        "    (net::ERR_TIMED_OUT); run optout check linkedin again later, or look at the",
        "    screenshot.",
        "x/grok-training         opted_out  yes",
    ]
