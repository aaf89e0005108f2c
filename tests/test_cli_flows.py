"""`optout flows validate` and `flows list`: exact output, one JSON document, local flows, and no
Playwright import for commands that need no browser."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.fakes import FLOW_YAML, SHIPPED_FLOWS, SHIPPED_LINKEDIN, edit_flow_yaml, line_containing, write_flow

FLOWS_DIR = SHIPPED_FLOWS


def test_cli_validate_good_files(optout_cli):
    shapes = [FLOWS_DIR / f"{name}.yaml" for name in ("gemini", "reddit")]

    code, stdout, stderr = optout_cli("flows", "validate", SHIPPED_LINKEDIN, *shapes)

    assert (code, stderr) == (0, "")
    assert stdout.splitlines() == [
        f"{SHIPPED_LINKEDIN}: ok (linkedin, 2 settings)",
        f"{shapes[0]}: ok (gemini, 2 settings)",
        f"{shapes[1]}: ok (reddit, 1 settings)",
    ]


def test_cli_validate_bad_file(tmp_path, optout_cli):
    text = edit_flow_yaml("name: Pinterest\n", "name: Pinterest\ncolour: red\n", "kind: switch", "kind: toggle")
    bad = write_flow(tmp_path, text)
    good = write_flow(tmp_path, FLOW_YAML, "good.yaml")

    code, stdout, stderr = optout_cli("flows", "validate", bad, good)

    assert code == 2
    assert stderr.splitlines() == [  # pydantic's order: declared fields first, unknown keys last
        f"error: {bad}:{line_containing(text, 'kind: toggle')}: settings[0].control.kind: "
        "Input should be 'switch', 'checkbox', 'choice', 'select', 'menu' or 'form'",
        f"error: {bad}:{line_containing(text, 'colour: red')}: colour: unknown key",
    ]
    assert stdout.splitlines() == [f"{good}: ok (pinterest, 1 settings)"]


def test_cli_validate_keeps_each_problem_on_one_line_at_80_columns(tmp_path, optout_cli):
    text = edit_flow_yaml("kind: switch", "kind: toggle")
    path = write_flow(tmp_path, text)

    code, _, stderr = optout_cli("flows", "validate", path, columns=80)

    assert (code, stderr.splitlines()) == (2, [
        f"error: {path}:{line_containing(text, 'kind: toggle')}: settings[0].control.kind: "
        "Input should be 'switch', 'checkbox', 'choice', 'select', 'menu' or 'form'"])


def test_cli_validate_prints_paths_with_brackets_as_they_are(tmp_path, optout_cli):
    path = write_flow(tmp_path, FLOW_YAML, "[draft].yaml")

    assert optout_cli("flows", "validate", path) == (0, f"{path}: ok (pinterest, 1 settings)\n", "")


def test_cli_flows_list_json_is_one_document(tmp_path, optout_cli):
    for name in ("gemini", "reddit"):
        (tmp_path / f"{name}.yaml").write_bytes((FLOWS_DIR / f"{name}.yaml").read_bytes())

    code, stdout, stderr = optout_cli("flows", "list", "--json", OPTOUT_FLOWS=str(tmp_path))

    assert (code, stderr) == (0, "")
    document = json.loads(stdout)
    assert (document["version"], [flow["platform"] for flow in document["flows"]]) == (1, ["gemini", "reddit"])
    gemini, reddit = document["flows"]
    assert {key: gemini[key] for key in ("name", "sign_in", "local", "languages")} == {
        "name": "Google Gemini", "sign_in": "`optout login` only", "local": None, "languages": ["en"]}
    assert gemini["settings"][0] == {
        "id": "keep-activity", "title": "Keep Activity (formerly Gemini Apps Activity)",
        "url": "https://myactivity.google.com/product/gemini", "confidence": "high", "admin": False, "advice": None,
        "regions": "Personal Google Accounts, on by default from age 18; Workspace accounts are set by their admin."}
    assert gemini["sources"][0] == "https://support.google.com/gemini/answer/13278892"
    assert (reddit["sign_in"], reddit["settings"][0]["url"], bool(reddit["settings"][0]["advice"])) == (
        "none needed", None, True)


def test_cli_flows_list_shows_confidence_low_plainly_and_who_may_change_a_setting(tmp_path, optout_cli):
    for name in ("figma", "grok"):
        (tmp_path / f"{name}.yaml").write_bytes((FLOWS_DIR / f"{name}.yaml").read_bytes())
    low = tmp_path / "grok.yaml"
    low.write_text(low.read_text().replace("confidence: med", "confidence: low"))

    code, stdout, stderr = optout_cli("flows", "list", OPTOUT_FLOWS=str(tmp_path))

    assert (code, stderr) == (0, "")
    lines = stdout.splitlines()
    assert [re.split(r"\s{2,}", line) for line in lines if line.startswith(("figma/", "grok/"))] == [
        ["figma/content-training", "password or optout login", "high"],
        ["grok/improve-the-model", "optout login only", "LOW (unconfirmed)"],
    ]
    assert "    Content training (admins only)" in lines  # the title, on its own line under the row
    code, stdout, _ = optout_cli("flows", "list", "--json", OPTOUT_FLOWS=str(tmp_path))
    figma, grok = json.loads(stdout)["flows"]
    assert [(s["confidence"], s["admin"]) for s in figma["settings"] + grok["settings"]] == [("high", True), ("low", False)]


def test_cli_flows_list_json_includes_the_shipped_linkedin_flow(optout_cli):
    code, stdout, _ = optout_cli("flows", "list", "--json", OPTOUT_FLOWS=None)

    flows = {flow["platform"]: flow for flow in json.loads(stdout)["flows"]}
    assert code == 0
    assert flows["linkedin"]["sign_in"] == "password or `optout login`"
    assert [s["id"] for s in flows["linkedin"]["settings"]] == ["generative-ai", "research"]


# -- 5. commands that need no browser never import Playwright -----------------------------------


@pytest.mark.parametrize("argv", [["--help"], ["flows", "list"], ["flows", "validate", str(SHIPPED_LINKEDIN)]],
                         ids=" ".join)
def test_command_does_not_import_playwright(argv):
    code = (f"import sys; sys.argv=['optout', *{argv!r}]; from optout.cli import main\n"
            "try:\n    main()\nexcept SystemExit: pass\nprint('playwright' in sys.modules)")

    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)

    assert completed.stdout.splitlines()[-1] == "False", completed.stderr


def test_cli_flows_list_marks_a_local_flow_and_a_broken_one_names_its_file(tmp_path, optout_cli):
    local = tmp_path / "home" / "flows"
    local.mkdir(parents=True)
    mine = local / "linkedin.yaml"
    mine.write_text(SHIPPED_LINKEDIN.read_text().replace("name: LinkedIn", "name: LinkedIn (mine)"))

    code, stdout, stderr = optout_cli("flows", "list", OPTOUT_HOME=str(tmp_path / "home"))

    assert code == 0
    assert "linkedin/generative-ai (local)" in stdout
    assert stderr == f"warning: linkedin: your local flow {mine} replaces the bundled one.\n"
    code, stdout, _ = optout_cli("flows", "list", "--json", OPTOUT_HOME=str(tmp_path / "home"))
    listed = {flow["platform"]: flow for flow in json.loads(stdout)["flows"]}
    assert (listed["linkedin"]["local"], listed["x"]["local"]) == (str(mine), None)

    mine.write_text(SHIPPED_LINKEDIN.read_text().replace("schema: 1", "schema: 7"))
    code, stdout, stderr = optout_cli("flows", "list", OPTOUT_HOME=str(tmp_path / "home"))
    assert (code, stdout) == (2, "")
    assert f"{mine}:" in stderr and "Traceback" not in stderr
