"""Flow files: the shipped flow loads, every shape the catalogue needs validates, and each
mistake is rejected with the exact message, pointing at the right line of the YAML."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from optout.cli import app, output
from optout.loader import FlowFileError, Problem, load_flow, load_flows

SHIPPED_LINKEDIN = Path(__file__).resolve().parents[1] / "flows" / "linkedin.yaml"
GENAI_LABEL = "Use my data for training content creation AI models"


def write_flow(tmp_path: Path, flow: str | dict, name: str = "flow.yaml") -> Path:
    """A flow file in tmp_path, from YAML text (dedented) or from a dict (dumped in key order)."""
    text = yaml.safe_dump(flow, sort_keys=False) if isinstance(flow, dict) else textwrap.dedent(flow)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(FlowFileError) as raised:
        load_flow(path)
    return raised.value.problems


def line_containing(text: str, fragment: str) -> int:
    """The 1-based number of the one line of text that contains fragment."""
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    assert len(lines) == 1, f"{fragment!r} is on lines {lines}, not on exactly one"
    return lines[0]


# -- 1. the shipped LinkedIn flow ------------------------------------------------------------


def test_shipped_linkedin_flow_loads():
    flow = load_flow(SHIPPED_LINKEDIN).flow

    assert flow.platform == "linkedin"
    assert [s.id for s in flow.settings] == ["generative-ai", "research"]
    assert [s.control.opted_out for s in flow.settings] == [False, False]
    assert flow.setting("generative-ai").url == "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement"


def test_shipped_linkedin_switch_is_found_by_its_label_with_a_within_fallback():
    find = load_flow(SHIPPED_LINKEDIN).flow.setting("generative-ai").control.find

    assert [locator.describe() for locator in find] == [
        f'switch "{GENAI_LABEL}"',
        f'label "{GENAI_LABEL}"',
        f'switch in the section saying "{GENAI_LABEL}"',
        'switch "Utiliser mes données pour entraîner les modèles d’IA de création de contenu"',
    ]
    assert find[2].within == GENAI_LABEL


# -- 2. every shape the platforms need, as the shipped flows use them -------------------------

FLOWS_DIR = SHIPPED_LINKEDIN.parent


def shipped(platform: str):
    return load_flow(FLOWS_DIR / f"{platform}.yaml").flow


@pytest.mark.parametrize("path", sorted(FLOWS_DIR.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_shipped_flow_validates(path):
    assert load_flow(path).flow.platform == path.stem


def test_inverted_control_repeated_per_site():
    setting = shipped("wordpress").setting("third-party-sharing")

    assert setting.control.opted_out is True
    assert setting.for_each.url == "https://wordpress.com/settings/general"
    assert setting.control.find[0].with_item("myblog.wordpress.com").describe() == (
        'checkbox "Prevent third-party sharing for myblog.wordpress.com"')


def test_long_labels_are_matched_from_their_start_in_ranked_wordings():
    control = shipped("x").setting("grok-training").control

    assert (control.kind, control.opted_out) == ("checkbox", False)
    assert [locator.name_pattern for locator in control.find] == [
        "^Allow your public data as well as your interactions, inputs, and results with Grok",
        "^Allow your posts as well as your interactions, inputs, and results with Grok",
    ]


@pytest.mark.parametrize(("platform", "setting_id", "kind", "opted_out"), [
    ("medium", "third-party-ai", "choice", "Minimize third-party training"),
    ("github", "copilot-model-training", "select", "Disabled"),
    ("gemini", "keep-activity", "menu", "Turn off"),
])
def test_controls_whose_opted_out_value_is_an_option(platform, setting_id, kind, opted_out):
    control = shipped(platform).setting(setting_id).control

    assert (control.kind, control.opted_out) == (kind, opted_out)


def test_menu_says_what_the_page_shows_once_opted_out():
    control = shipped("gemini").setting("keep-activity").control

    assert [locator.describe() for locator in control.opted_out_when] == ['button "Turn on"']


def test_form_with_fields_submit_and_confirmation():
    control = shipped("facebook").setting("ai-objection").control

    assert control.kind == "form" and not hasattr(control, "opted_out")  # a form has no value to read
    assert [f.find[0].describe() for f in control.fields] == [
        "textbox /how this processing affects you|reason|explain/"]
    assert [locator.describe() for locator in control.find] == ['button "Send"', 'button "Submit"']
    assert control.confirmation[0].describe() == 'text pattern "applied going forward"'


def test_switch_in_a_dialog_reached_by_steps_and_closed_after_the_change():
    setting = shipped("chatgpt").setting("improve-the-model")

    assert [step.describe() for step in setting.steps] == [
        'click tab "Data controls"', "click button /^Improve the model for everyone/"]
    assert [step.describe() for step in setting.control.after_change] == ['click button "Done" (if shown)']


def test_setting_without_a_control_gives_advice_and_needs_no_login():
    flow = shipped("reddit")

    assert flow.login is None
    assert (flow.settings[0].control, flow.settings[0].url) == (None, None)
    assert flow.settings[0].advice


def test_browser_login_needs_no_password_fields():
    login = shipped("x").login

    assert login.method == "browser"
    assert (login.username, login.password, login.submit, login.one_time_code) == (None, None, None, None)


def test_sign_in_domains_are_for_signing_in_and_take_no_password_unless_listed():
    flow = shipped("chatgpt")

    assert flow.sign_in_domains() == ["auth.openai.com", "accounts.google.com"]
    assert flow.password_domains() == ["chatgpt.com", "chat.openai.com"]


def test_a_two_step_sign_in_and_a_declined_cookie_dialog():
    wordpress, linkedin = shipped("wordpress"), shipped("linkedin")

    assert [step.describe() for step in wordpress.login.after_username] == ['click button "Continue"']
    cookies = linkedin.interruptions[0]
    assert (cookies.name, [loc.describe() for loc in cookies.dismiss]) == (
        "cookie consent (declined)", ['button "Reject"'])


# -- 3. rejections: the exact message, at the right line ---------------------------------------

BASE = """\
schema: 1
platform: pinterest
name: Pinterest
domains: [www.pinterest.com, pinterest.com]
sources:
  - url: https://help.pinterest.com/en/article/manage-genai-settings
    title: Pinterest Help, "Manage GenAI settings"
login:
  method: password
  url: https://www.pinterest.com/login/
  signed_out_urls: ['^/login']
  username: {label: Email}
  password: {label: Password}
  submit: {role: button, name: Log in}
settings:
  - id: canvas-training
    title: Use your data to train Pinterest Canvas
    url: https://www.pinterest.com/settings/privacy
    steps:
      - wait_for: {role: heading, name: Privacy and data}
    control:
      kind: switch
      opted_out: off
      find:
        - {role: switch, name: Use your data to train Pinterest Canvas}
        - {role: switch, within: Use your data to train Pinterest Canvas}
"""
DOMAINS = "(www.pinterest.com, pinterest.com)"
SWITCH = "{role: switch, name: Use your data to train Pinterest Canvas}"
CONTROL = """\
    control:
      kind: switch
      opted_out: off
      find:
        - {role: switch, name: Use your data to train Pinterest Canvas}
        - {role: switch, within: Use your data to train Pinterest Canvas}
"""


def edit(*replacements: str) -> str:
    """BASE with each (old, new) pair replaced; each old text must occur exactly once."""
    text = BASE
    for old, new in zip(replacements[::2], replacements[1::2], strict=True):
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


@dataclass
class Bad:
    id: str
    yaml: str
    at: str  # text on the line the problem must point at
    says: str  # what is printed after PATH:LINE:
    message_bug: str | None = None  # strict xfail reasons: what is wrong today
    line_bug: str | None = None


BAD = [
    # keys
    Bad("unknown top-level key", edit("name: Pinterest\n", "name: Pinterest\ncolour: red\n"),
        "colour: red", "colour: unknown key"),
    Bad("unknown key in a locator", edit(SWITCH, "{role: switch, name: Use your data to train Pinterest Canvas, exact: true}"),
        "exact: true", "settings[0].control.find[0].exact: unknown key"),
    Bad("missing top-level key", edit("name: Pinterest\n", ""), "schema: 1", "name: required key is missing"),
    Bad("missing key in a setting", edit("    title: Use your data to train Pinterest Canvas\n", ""),
        "- id: canvas-training", "settings[0].title: required key is missing"),
    Bad("wrong schema version", edit("schema: 1", "schema: 2"), "schema: 2", "schema: Input should be 1"),
    Bad("setting id in capitals", edit("id: canvas-training", "id: Canvas-Training"), "id: Canvas-Training",
        "settings[0].id: String should match pattern '^[a-z0-9][a-z0-9-]*$'"),
    Bad("duplicate setting ids", BASE + "  - {id: canvas-training, title: Again, advice: Nothing to switch.}\n",
        "- {id: canvas-training", "settings[1].id: setting id 'canvas-training' is used twice"),
    # URLs: https, inside the platform's domains, no port or credentials
    Bad("setting url outside the domains",
        edit("url: https://www.pinterest.com/settings/privacy", "url: https://www.pinterest.co.uk/settings/privacy"),
        "url: https://www.pinterest.co.uk/",
        f"settings[0].url: https://www.pinterest.co.uk/settings/privacy is outside the platform's domains {DOMAINS}"),
    Bad("login url outside the domains",
        edit("url: https://www.pinterest.com/login/", "url: https://accounts.google.com/o/oauth2/auth"),
        "url: https://accounts.google.com/",
        f"login.url: https://accounts.google.com/o/oauth2/auth is outside the platform's domains {DOMAINS}"),
    Bad("goto step outside the domains",
        edit("- wait_for: {role: heading, name: Privacy and data}", "- goto: https://www.pinterest.de/settings/privacy"),
        "goto: https://www.pinterest.de/",
        f"settings[0].steps[0].goto: https://www.pinterest.de/settings/privacy is outside the platform's domains {DOMAINS}"),
    Bad("for_each url outside the domains",
        edit("    steps:\n", "    for_each:\n      url: https://www.pinterest.co.uk/me/boards\n"
                             "      items: {role: link, name_pattern: board}\n    steps:\n"),
        "url: https://www.pinterest.co.uk/me/boards",
        f"settings[0].for_each.url: https://www.pinterest.co.uk/me/boards is outside the platform's domains {DOMAINS}"),
    Bad("http url", edit("url: https://www.pinterest.com/settings", "url: http://www.pinterest.com/settings"),
        "url: http://", "settings[0].url: http://www.pinterest.com/settings/privacy is not an https URL"),
    Bad("url with a port", edit("https://www.pinterest.com/settings", "https://www.pinterest.com:8443/settings"),
        ":8443/", "settings[0].url: https://www.pinterest.com:8443/settings/privacy carries credentials or a port"),
    Bad("url with credentials", edit("https://www.pinterest.com/settings", "https://me:s3cret@www.pinterest.com/settings"),
        "me:s3cret@", "settings[0].url: https://me:s3cret@www.pinterest.com/settings/privacy carries credentials or a port"),
    Bad("url with port 0", edit("https://www.pinterest.com/settings", "https://www.pinterest.com:0/settings"),
        ":0/", "settings[0].url: https://www.pinterest.com:0/settings/privacy carries credentials or a port"),
    Bad("url with an impossible port", edit("https://www.pinterest.com/settings", "https://www.pinterest.com:99999/settings"),
        ":99999/", "settings[0].url: https://www.pinterest.com:99999/settings/privacy carries credentials or a port"),
    # locators
    Bad("locator with two strategies", edit(SWITCH, "{label: Use your data to train Pinterest Canvas, css: '#canvas'}"),
        "css: '#canvas'", "settings[0].control.find[0]: give exactly one of role, label, text, text_pattern or css"),
    Bad("name without a role", edit(SWITCH, "{name: Use your data to train Pinterest Canvas}"),
        "- {name: Use", "settings[0].control.find[0]: name, name_pattern and within need a role"),
    Bad("role and label", edit(SWITCH, "{role: switch, label: Use your data to train Pinterest Canvas}"),
        "label: Use your", "settings[0].control.find[0]: a role locator cannot also use label, text, text_pattern or css"),
    Bad("invalid regex in name_pattern",
        edit("{role: switch, within: Use your data to train Pinterest Canvas}", "{role: switch, name_pattern: 'train (Pinterest Canvas'}"),
        "name_pattern: 'train (", "settings[0].control.find[1].name_pattern: not a valid regular expression: "
                                  "missing ), unterminated subpattern at position 6"),
    Bad("inline flag in a pattern",
        edit("{role: switch, within: Use your data to train Pinterest Canvas}", "{role: switch, name_pattern: '(?i)train pinterest canvas'}"),
        "name_pattern: '(?i)", "settings[0].control.find[1].name_pattern: "
                               "inline flags such as (?i) are not supported; patterns always ignore case"),
    # steps
    Bad("step with two keys",
        edit("- wait_for: {role: heading, name: Privacy and data}", "- {wait_for: {role: heading, name: Privacy and data}, click: Privacy}"),
        "click: Privacy}", "settings[0].steps[0]: a step has exactly one of click, wait_for, goto, press"),
    Bad("step with no key", edit("- wait_for: {role: heading, name: Privacy and data}", "- {}"),
        "- {}", "settings[0].steps[0]: a step has exactly one of click, wait_for, goto, press"),
    # controls
    Bad("switch without opted_out", edit("      opted_out: off\n", ""),
        "    control:", "settings[0].control: a switch needs opted_out: on or off"),
    Bad("choice without opted_out", edit("kind: switch", "kind: choice", "      opted_out: off\n", ""),
        "    control:", "settings[0].control: a choice needs opted_out: the option that means opted out"),
    Bad("select with opted_out off", edit("kind: switch", "kind: select"),
        "    control:", "settings[0].control: a select needs opted_out: the option that means opted out"),
    Bad("menu with opted_out off", edit("kind: switch", "kind: menu"),
        "    control:", "settings[0].control: a menu needs opted_out: the option that means opted out"),
    Bad("menu without opted_out_when", edit("kind: switch", "kind: menu", "opted_out: off", "opted_out: Turn off"),
        "    control:", "settings[0].control: a menu needs opted_out_when: what the page shows once opted out"),
    Bad("form with opted_out",
        edit("kind: switch", "kind: form", "      opted_out: off\n",
             "      opted_out: off\n      fields: [{find: {label: Email}, value: '{username}'}]\n      confirmation: Thank you\n"),
        "    control:", "settings[0].control: a form needs fields and confirmation, and no opted_out"),
    Bad("form without fields", edit("kind: switch", "kind: form", "      opted_out: off\n", "      confirmation: Thank you\n"),
        "    control:", "settings[0].control: a form needs fields and confirmation, and no opted_out"),
    Bad("form without confirmation",
        edit("kind: switch", "kind: form", "      opted_out: off\n", "      fields: [{find: {label: Email}, value: '{username}'}]\n"),
        "    control:", "settings[0].control: a form needs fields and confirmation, and no opted_out"),
    Bad("fields on a switch",
        edit("      opted_out: off\n", "      opted_out: off\n      fields: [{find: {label: Email}, value: '{username}'}]\n"),
        "    control:", "settings[0].control: fields and confirmation belong to a form"),
    # settings and sign-in
    Bad("control without a url", edit("    url: https://www.pinterest.com/settings/privacy\n", ""),
        "- id: canvas-training", "settings[0]: a setting with a control needs its url"),
    Bad("no control and no advice", edit(CONTROL, ""),
        "- id: canvas-training", "settings[0]: a setting without a control needs advice for the person"),
    Bad("controls without a login section", re.sub(r"login:\n(  .*\n)+", "", BASE),
        "control:", "settings[0].control: a setting with a control needs a login section"),
    *[Bad(f"password login without {part}", edit(line, ""), "login:",
          "login: password sign-in needs username, password and submit")
      for part, line in [("username", "  username: {label: Email}\n"), ("password", "  password: {label: Password}\n"),
                         ("submit", "  submit: {role: button, name: Log in}\n")]],
    # the file itself
    Bad("YAML syntax error", edit("name: Pinterest", "name: Pinterest: Canvas"),
        "name: Pinterest: Canvas", "not valid YAML: mapping values are not allowed in this context"),
    Bad("key twice in a mapping",
        edit("    title: Use your data to train Pinterest Canvas\n",
             "    title: Use your data to train Pinterest Canvas\n    title: Pinterest Canvas\n"),
        "title: Pinterest Canvas", "title: key appears twice"),
    Bad("a list, not a mapping", "- platform: pinterest\n", "- platform", "a flow file is a mapping (platform:, settings: ...)"),
    Bad("a bare string", "Pinterest\n", "Pinterest", "a flow file is a mapping (platform:, settings: ...)"),
]


def cases(bug: str) -> list:
    """BAD as parameters; a case whose `bug` (message_bug or line_bug) is set is a strict xfail."""
    params = []
    for case in BAD:
        reason = getattr(case, bug)
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


@pytest.mark.parametrize("case", cases("message_bug"))
def test_rejection_message(tmp_path, case):
    path = write_flow(tmp_path, case.yaml)

    problems = problems_of(path)

    assert [str(problem) for problem in problems] == [f"{path}:{problems[0].line}: {case.says}"]


@pytest.mark.parametrize("case", cases("line_bug"))
def test_rejection_points_at_the_line(tmp_path, case):
    path = write_flow(tmp_path, case.yaml)

    assert [problem.line for problem in problems_of(path)] == [line_containing(case.yaml, case.at)]


def test_every_problem_in_a_file_is_reported_in_order(tmp_path):
    text = edit("  method: password\n", "  method: password\n  remember_me: true\n",
                "    title: Use your data", "    titel: Use your data")
    path = write_flow(tmp_path, text)

    with pytest.raises(FlowFileError) as raised:
        load_flow(path)

    assert str(raised.value) == "\n".join([
        f"{path}:{line_containing(text, 'remember_me')}: login.remember_me: unknown key",
        f"{path}:{line_containing(text, '- id: canvas-training')}: settings[0].title: required key is missing",
        f"{path}:{line_containing(text, 'titel:')}: settings[0].titel: unknown key",
    ])


def test_base_of_the_rejections_is_itself_valid(tmp_path):
    assert load_flow(write_flow(tmp_path, BASE)).flow.platform == "pinterest"


@pytest.mark.parametrize(("make", "reason"), [
    (lambda tmp_path: tmp_path / "missing.yaml", "No such file or directory"),
    (lambda tmp_path: tmp_path, "Is a directory"),
], ids=["missing", "directory"])
def test_unreadable_path(tmp_path, make, reason):
    path = make(tmp_path)

    assert [str(problem) for problem in problems_of(path)] == [f"{path}: cannot read: {reason}"]


def test_recursive_alias_is_a_flow_error_not_a_crash(tmp_path):
    problems_of(write_flow(tmp_path, "schema: 1\nsettings: &settings [*settings]\n"))


def test_anchors_and_aliases_are_refused_before_they_can_expand(tmp_path):
    # 2.3 KB of nested aliases used to take 43 s and 2.4 GB to load.
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = write_flow(tmp_path, "\n".join(levels) + "\n")

    started = time.monotonic()
    problems = problems_of(path)

    assert time.monotonic() - started < 1
    assert [str(problem) for problem in problems] == [
        f"{path}:1: anchors and aliases (& and *) are not allowed in flows"]


def test_deep_nesting_is_a_flow_error_not_a_recursion_error(tmp_path):
    path = write_flow(tmp_path, "settings: " + "[" * 5000 + "]" * 5000 + "\n")

    # libyaml stops at its own depth limit first; the pure-Python parser reaches optout's.
    assert [str(problem) for problem in problems_of(path)] in (
        [f"{path}:1: nested more than 40 levels deep"], [f"{path}:1: not valid YAML: exceeded maximum nesting depth"])


def test_a_huge_file_is_refused_unread(tmp_path):
    path = write_flow(tmp_path, "# " + "x" * 300_000 + "\n")

    assert [str(problem) for problem in problems_of(path)] == [
        f"{path}: is larger than 256 KiB; a flow file is a few KB"]


@pytest.mark.parametrize(("pattern_text", "accepted"), [
    ("(a+)+$", False), ("^(x|y)*z", True), ("((ab)*)+", False), ("^Allow your public data", True),
])
def test_patterns_that_could_backtrack_for_ever_are_refused(pattern_text, accepted):
    from optout.schema import Locator

    if accepted:
        Locator(text_pattern=pattern_text)
    else:
        with pytest.raises(ValueError, match=r"such as \(a\+\)\+, can take for ever"):
            Locator(text_pattern=pattern_text)


@pytest.mark.parametrize("url", ["https://www.linkedin.com\\@evil.example/", "https://www.linkedin.com /x",
                                 "https://www.linkedin.com/\tx"])
def test_urls_with_backslashes_or_whitespace_are_refused(url):
    from optout.schema import url_problem

    assert "has a backslash, space or control character" in url_problem(url, ["www.linkedin.com"])


def test_a_local_flow_replaces_the_bundled_one_of_its_platform(tmp_path):
    bundled, local = tmp_path / "bundled", tmp_path / "local"
    bundled.mkdir(), local.mkdir()
    write_flow(bundled, BASE, "pinterest.yaml")
    write_flow(local, BASE.replace("name: Pinterest", "name: Pinterest (mine)"), "pinterest.yaml")

    flows = load_flows(bundled, local)

    assert (flows["pinterest"].local, flows["pinterest"].flow.name) == (True, "Pinterest (mine)")


def test_a_broken_local_flow_is_an_error_naming_it_never_a_fallback(tmp_path):
    bundled, local = tmp_path / "bundled", tmp_path / "local"
    bundled.mkdir(), local.mkdir()
    write_flow(bundled, BASE, "pinterest.yaml")
    broken = write_flow(local, BASE.replace("schema: 1", "schema: 9"), "pinterest.yaml")

    with pytest.raises(FlowFileError, match=str(broken)):
        load_flows(bundled, local)


def test_two_files_for_one_platform_are_an_error(tmp_path):
    write_flow(tmp_path, BASE, "pinterest.yaml")
    write_flow(tmp_path, BASE, "pinterest-copy.yaml")

    with pytest.raises(FlowFileError):
        load_flows(tmp_path)


# -- 4. the CLI -------------------------------------------------------------------------------
# typer (0.29) ships its own click; its CliRunner has no mix_stderr and always keeps
# result.stdout and result.stderr apart.

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def optout_cli(monkeypatch):
    """Run optout in-process: (exit code, stdout, stderr), without colour codes."""

    def run(*args: str | Path, columns: int = 10_000, **env: str | None) -> tuple[int, str, str]:
        # rich fixes the console width when optout.cli.output is imported (from COLUMNS or the
        # terminal), so set it here: wide, unless a test is about wrapping.
        for console in (output.stdout, output.stderr):
            monkeypatch.setattr(console, "_width", columns)
        result = CliRunner().invoke(app, [str(arg) for arg in args], env=env)
        return result.exit_code, ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)

    return run


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
    text = edit("name: Pinterest\n", "name: Pinterest\ncolour: red\n", "kind: switch", "kind: toggle")
    bad = write_flow(tmp_path, text)
    good = write_flow(tmp_path, BASE, "good.yaml")

    code, stdout, stderr = optout_cli("flows", "validate", bad, good)

    assert code == 2
    assert stderr.splitlines() == [  # pydantic's order: declared fields first, unknown keys last
        f"error: {bad}:{line_containing(text, 'kind: toggle')}: settings[0].control.kind: "
        "Input should be 'switch', 'checkbox', 'choice', 'select', 'menu' or 'form'",
        f"error: {bad}:{line_containing(text, 'colour: red')}: colour: unknown key",
    ]
    assert stdout.splitlines() == [f"{good}: ok (pinterest, 1 settings)"]


def test_cli_validate_keeps_each_problem_on_one_line_at_80_columns(tmp_path, optout_cli):
    text = edit("kind: switch", "kind: toggle")
    path = write_flow(tmp_path, text)

    code, _, stderr = optout_cli("flows", "validate", path, columns=80)

    assert (code, stderr.splitlines()) == (2, [
        f"error: {path}:{line_containing(text, 'kind: toggle')}: settings[0].control.kind: "
        "Input should be 'switch', 'checkbox', 'choice', 'select', 'menu' or 'form'"])


def test_cli_validate_prints_paths_with_brackets_as_they_are(tmp_path, optout_cli):
    path = write_flow(tmp_path, BASE, "[draft].yaml")

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
        "url": "https://myactivity.google.com/product/gemini", "confidence": "high", "advice": None,
        "regions": "Personal Google Accounts, on by default from age 18; Workspace accounts are set by their admin."}
    assert gemini["sources"][0] == "https://support.google.com/gemini/answer/13278892"
    assert (reddit["sign_in"], reddit["settings"][0]["url"], bool(reddit["settings"][0]["advice"])) == (
        "none needed", None, True)


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
