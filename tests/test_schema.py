"""Flow files: the shipped flow loads, every shape the catalogue needs validates, and each
mistake is rejected with the exact message, pointing at the right line of the YAML."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from optout.flow import FlowFileError, load_flow
from tests.fakes import (
    FLOW_YAML,
    SHIPPED_FLOWS,
    SHIPPED_LINKEDIN,
    edit_flow_yaml,
    line_containing,
    problems_of,
    write_flow,
)

GENAI_LABEL = "Use my data for training content creation AI models"


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

FLOWS_DIR = SHIPPED_FLOWS


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


@pytest.mark.parametrize("platform, setting_id", [("figma", "content-training"), ("hubspot", "ai-model-training")])
def test_admin_settings_say_what_an_account_that_is_not_an_admin_sees(platform, setting_id):
    setting = shipped(platform).setting(setting_id)

    assert setting.admin is True
    assert setting.not_offered and setting.not_offered_reason.startswith("Only ")
    assert shipped("tumblr").setting("third-party-sharing").admin is False  # the default


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


def test_an_e_mail_request_and_a_switch_not_offered_while_greyed_out():
    request = shipped("slack").setting("model-opt-out").request
    assert (request.to, request.subject, request.ask.name) == (
        "feedback@slack.com", "Slack Global model opt-out request", "workspace_url")
    window = shipped("udemy").setting("genai-program").not_offered[0]
    assert window.describe() == "switch /^Participate in the Instructor GenAI Program/ (checked) (disabled)"


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

DOMAINS = "(www.pinterest.com, pinterest.com)"
SWITCH = "{role: switch, name: Use your data to train Pinterest Canvas}"
CONTROL = FLOW_YAML[FLOW_YAML.index("    control:"):]  # the flow's whole control section
REQUEST = """\
    request:
      to: feedback@pinterest.com
      subject: Opt-out request
      body: For {account}
      ask: {name: account, what: your profile URL, answer_pattern: '^https://www[.]pinterest[.]com/[a-z0-9_]+$', example: https://www.pinterest.com/me}
"""


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
    Bad("unknown top-level key", edit_flow_yaml("name: Pinterest\n", "name: Pinterest\ncolour: red\n"),
        "colour: red", "colour: unknown key"),
    Bad("unknown key in a locator", edit_flow_yaml(SWITCH, "{role: switch, name: Use your data to train Pinterest Canvas, exact: true}"),
        "exact: true", "settings[0].control.find[0].exact: unknown key"),
    Bad("missing top-level key", edit_flow_yaml("name: Pinterest\n", ""), "schema: 1", "name: required key is missing"),
    Bad("missing key in a setting", edit_flow_yaml("    title: Use your data to train Pinterest Canvas\n", ""),
        "- id: canvas-training", "settings[0].title: required key is missing"),
    Bad("a group optout setup does not have", edit_flow_yaml("name: Pinterest\n", "name: Pinterest\ngroup: photos\n"),
        "group: photos", "group: Input should be 'social', 'ai-assistants', 'creative' or 'work'"),
    Bad("wrong schema version", edit_flow_yaml("schema: 1", "schema: 2"), "schema: 2", "schema: Input should be 1"),
    Bad("setting id in capitals", edit_flow_yaml("id: canvas-training", "id: Canvas-Training"), "id: Canvas-Training",
        "settings[0].id: String should match pattern '^[a-z0-9][a-z0-9-]*$'"),
    Bad("duplicate setting ids", FLOW_YAML + "  - {id: canvas-training, title: Again, advice: Nothing to switch.}\n",
        "- {id: canvas-training", "settings[1].id: setting id 'canvas-training' is used twice"),
    # URLs: https, inside the platform's domains, no port or credentials
    Bad("setting url outside the domains",
        edit_flow_yaml("url: https://www.pinterest.com/settings/privacy", "url: https://www.pinterest.co.uk/settings/privacy"),
        "url: https://www.pinterest.co.uk/",
        f"settings[0].url: https://www.pinterest.co.uk/settings/privacy is outside the platform's domains {DOMAINS}"),
    Bad("login url outside the domains",
        edit_flow_yaml("url: https://www.pinterest.com/login/", "url: https://accounts.google.com/o/oauth2/auth"),
        "url: https://accounts.google.com/",
        f"login.url: https://accounts.google.com/o/oauth2/auth is outside the platform's domains {DOMAINS}"),
    Bad("goto step outside the domains",
        edit_flow_yaml("- wait_for: {role: heading, name: Privacy and data}", "- goto: https://www.pinterest.de/settings/privacy"),
        "goto: https://www.pinterest.de/",
        f"settings[0].steps[0].goto: https://www.pinterest.de/settings/privacy is outside the platform's domains {DOMAINS}"),
    Bad("for_each url outside the domains",
        edit_flow_yaml("    steps:\n", "    for_each:\n      url: https://www.pinterest.co.uk/me/boards\n"
                             "      items: {role: link, name_pattern: board}\n    steps:\n"),
        "url: https://www.pinterest.co.uk/me/boards",
        f"settings[0].for_each.url: https://www.pinterest.co.uk/me/boards is outside the platform's domains {DOMAINS}"),
    Bad("http url", edit_flow_yaml("url: https://www.pinterest.com/settings", "url: http://www.pinterest.com/settings"),
        "url: http://", "settings[0].url: http://www.pinterest.com/settings/privacy is not an https URL"),
    Bad("url with a port", edit_flow_yaml("https://www.pinterest.com/settings", "https://www.pinterest.com:8443/settings"),
        ":8443/", "settings[0].url: https://www.pinterest.com:8443/settings/privacy carries credentials or a port"),
    Bad("url with credentials", edit_flow_yaml("https://www.pinterest.com/settings", "https://me:s3cret@www.pinterest.com/settings"),
        "me:s3cret@", "settings[0].url: https://me:s3cret@www.pinterest.com/settings/privacy carries credentials or a port"),
    Bad("url with port 0", edit_flow_yaml("https://www.pinterest.com/settings", "https://www.pinterest.com:0/settings"),
        ":0/", "settings[0].url: https://www.pinterest.com:0/settings/privacy carries credentials or a port"),
    Bad("url with an impossible port", edit_flow_yaml("https://www.pinterest.com/settings", "https://www.pinterest.com:99999/settings"),
        ":99999/", "settings[0].url: https://www.pinterest.com:99999/settings/privacy carries credentials or a port"),
    # locators
    Bad("locator with two strategies", edit_flow_yaml(SWITCH, "{label: Use your data to train Pinterest Canvas, css: '#canvas'}"),
        "css: '#canvas'", "settings[0].control.find[0]: give exactly one of role, label, text, text_pattern or css"),
    Bad("name without a role", edit_flow_yaml(SWITCH, "{name: Use your data to train Pinterest Canvas}"),
        "- {name: Use", "settings[0].control.find[0]: name, name_pattern and within need a role"),
    Bad("role and label", edit_flow_yaml(SWITCH, "{role: switch, label: Use your data to train Pinterest Canvas}"),
        "label: Use your", "settings[0].control.find[0]: a role locator cannot also use label, text, text_pattern or css"),
    Bad("invalid regex in name_pattern",
        edit_flow_yaml("{role: switch, within: Use your data to train Pinterest Canvas}", "{role: switch, name_pattern: 'train (Pinterest Canvas'}"),
        "name_pattern: 'train (", "settings[0].control.find[1].name_pattern: not a valid regular expression: "
                                  "missing ), unterminated subpattern at position 6"),
    Bad("inline flag in a pattern",
        edit_flow_yaml("{role: switch, within: Use your data to train Pinterest Canvas}", "{role: switch, name_pattern: '(?i)train pinterest canvas'}"),
        "name_pattern: '(?i)", "settings[0].control.find[1].name_pattern: "
                               "inline flags such as (?i) are not supported; patterns always ignore case"),
    # steps
    Bad("step with two keys",
        edit_flow_yaml("- wait_for: {role: heading, name: Privacy and data}", "- {wait_for: {role: heading, name: Privacy and data}, click: Privacy}"),
        "click: Privacy}", "settings[0].steps[0]: a step has exactly one of click, wait_for, goto, press"),
    Bad("step with no key", edit_flow_yaml("- wait_for: {role: heading, name: Privacy and data}", "- {}"),
        "- {}", "settings[0].steps[0]: a step has exactly one of click, wait_for, goto, press"),
    # controls
    Bad("switch without opted_out", edit_flow_yaml("      opted_out: off\n", ""),
        "    control:", "settings[0].control: a switch needs opted_out: on or off"),
    Bad("choice without opted_out", edit_flow_yaml("kind: switch", "kind: choice", "      opted_out: off\n", ""),
        "    control:", "settings[0].control: a choice needs opted_out: the option that means opted out"),
    Bad("select with opted_out off", edit_flow_yaml("kind: switch", "kind: select"),
        "    control:", "settings[0].control: a select needs opted_out: the option that means opted out"),
    Bad("menu with opted_out off", edit_flow_yaml("kind: switch", "kind: menu"),
        "    control:", "settings[0].control: a menu needs opted_out: the option that means opted out"),
    Bad("menu without opted_out_when", edit_flow_yaml("kind: switch", "kind: menu", "opted_out: off", "opted_out: Turn off"),
        "    control:", "settings[0].control: a menu needs opted_out_when: what the page shows once opted out"),
    Bad("form with opted_out",
        edit_flow_yaml("kind: switch", "kind: form", "      opted_out: off\n",
             "      opted_out: off\n      fields: [{find: {label: Email}, value: '{username}'}]\n      confirmation: Thank you\n"),
        "    control:", "settings[0].control: a form needs fields and confirmation, and no opted_out"),
    Bad("form without fields", edit_flow_yaml("kind: switch", "kind: form", "      opted_out: off\n", "      confirmation: Thank you\n"),
        "    control:", "settings[0].control: a form needs fields and confirmation, and no opted_out"),
    Bad("form without confirmation",
        edit_flow_yaml("kind: switch", "kind: form", "      opted_out: off\n", "      fields: [{find: {label: Email}, value: '{username}'}]\n"),
        "    control:", "settings[0].control: a form needs fields and confirmation, and no opted_out"),
    Bad("fields on a switch",
        edit_flow_yaml("      opted_out: off\n", "      opted_out: off\n      fields: [{find: {label: Email}, value: '{username}'}]\n"),
        "    control:", "settings[0].control: fields and confirmation belong to a form"),
    # settings and sign-in
    Bad("control without a url", edit_flow_yaml("    url: https://www.pinterest.com/settings/privacy\n", ""),
        "- id: canvas-training", "settings[0]: a setting with a control needs its url"),
    Bad("no control and no advice", edit_flow_yaml(CONTROL, ""),
        "- id: canvas-training", "settings[0]: a setting without a control needs advice for the person"),
    Bad("admin setting without what a non-admin sees", edit_flow_yaml("    control:\n", "    admin: true\n    control:\n"),
        "- id: canvas-training", "settings[0]: an admin setting needs a control, and not_offered with "
                                 "not_offered_reason: what an account that is not an admin sees, and why"),
    Bad("admin setting without a reason",
        edit_flow_yaml("    control:\n", "    admin: true\n    not_offered: [{text: Only admins can change this}]\n    control:\n"),
        "- id: canvas-training", "settings[0]: an admin setting needs a control, and not_offered with "
                                 "not_offered_reason: what an account that is not an admin sees, and why"),
    Bad("controls without a login section", re.sub(r"login:\n(  .*\n)+", "", FLOW_YAML),
        "control:", "settings[0].control: a setting with a control needs a login section"),
    *[Bad(f"password login without {part}", edit_flow_yaml(line, ""), "login:",
          "login: password sign-in needs username, password and submit")
      for part, line in [("username", "  username: {label: Email}\n"), ("password", "  password: {label: Password}\n"),
                         ("submit", "  submit: {role: button, name: Log in}\n")]],
    # requests (an e-mail the person sends) and greyed-out controls
    Bad("request to an address outside the domains",
        edit_flow_yaml(CONTROL, REQUEST.replace("feedback@pinterest.com", "optout@example.com")),
        "to: optout@example.com", "settings[0].request.to: 'optout@example.com' is not an e-mail address at the "
                                  "platform's domains (www.pinterest.com, pinterest.com)"),
    Bad("request whose body leaves out the answer", edit_flow_yaml(CONTROL, REQUEST.replace("For {account}", "Hi")),
        "    request:", "settings[0].request: the body must use {account}, the answer it asks for"),
    Bad("request whose example is not a valid answer",
        edit_flow_yaml(CONTROL, REQUEST.replace("example: https://www.pinterest.com/me", "example: me")),
        "    request:", "settings[0].request: the example 'me' does not match answer_pattern"),
    Bad("request and control", edit_flow_yaml(CONTROL, CONTROL + REQUEST),
        "- id: canvas-training", "settings[0]: a setting has a control or a request, not both"),
    Bad("unknown key in a request", edit_flow_yaml(CONTROL, REQUEST + "      cc: privacy@pinterest.com\n"),
        "cc: privacy@", "settings[0].request.cc: unknown key"),
    Bad("disabled without a role", edit_flow_yaml(SWITCH, "{label: Use your data to train Pinterest Canvas, disabled: true}"),
        "disabled: true", "settings[0].control.find[0]: disabled needs a role"),
    # the file itself
    Bad("YAML syntax error", edit_flow_yaml("name: Pinterest", "name: Pinterest: Canvas"),
        "name: Pinterest: Canvas", "not valid YAML: mapping values are not allowed in this context"),
    Bad("key twice in a mapping",
        edit_flow_yaml("    title: Use your data to train Pinterest Canvas\n",
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
    text = edit_flow_yaml("  method: password\n", "  method: password\n  remember_me: true\n",
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
    assert load_flow(write_flow(tmp_path, FLOW_YAML)).flow.platform == "pinterest"


