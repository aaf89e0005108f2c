"""The engine against an in-memory driver: every state, sign-in paths, and that apply only
counts a change the re-read confirms."""

from __future__ import annotations

import asyncio

import pytest

from optout.engine import Engine, Job, RunOptions
from optout.exitcodes import ExitCode
from optout.flow import Flow
from optout.results import Result, State, exit_code_for
from tests.fakes import (
    FLOW,
    LABEL,
    SECRETS,
    SWITCH,
    TOTP_SECRET,
    El,
    FakeDriver,
    FakeSite,
    MemoryAccount,
    Secrets,
    make_flow,
    site_with,
)


def run(site: FakeSite, *, apply=False, dry_run=False, account=None, flow=None) -> tuple[Result, FakeDriver]:
    driver = FakeDriver(site)
    engine = Engine(driver, RunOptions(apply=apply, dry_run=dry_run))
    account = account or MemoryAccount(SECRETS)
    results = asyncio.run(engine.run([Job(flow or make_flow(), (flow or make_flow()).settings, account)]))
    assert len(results) == 1
    return results[0], driver


def test_check_reads_without_changing():
    site = site_with(SWITCH)
    result, driver = run(site)
    assert (result.state, result.changed) == (State.OPTED_IN, False)
    assert result.detail == "Opted in: the switch is on (off means opted out)."
    assert site.settings == {"ai": True}
    assert driver.pages[0].clicks == ['button "Sign in"']


def test_apply_turns_off_and_verifies_after_reload():
    site = site_with(SWITCH)
    result, _ = run(site, apply=True)
    assert (result.state, result.changed) == (State.OPTED_OUT, True)
    assert result.detail == "Changed to off and verified after reloading the page."
    assert site.settings == {"ai": False}


def test_apply_leaves_an_opted_out_setting_alone():
    site = site_with(SWITCH, settings={"ai": False})
    result, driver = run(site, apply=True)
    assert (result.state, result.changed) == (State.OPTED_OUT, False)
    assert f'switch "{LABEL}"' not in driver.pages[0].clicks


def test_dry_run_changes_nothing():
    site = site_with(SWITCH)
    result, _ = run(site, apply=True, dry_run=True)
    assert result.state is State.OPTED_IN
    assert result.detail.endswith("(dry run: would change it).")
    assert site.settings == {"ai": True}


def test_a_save_that_does_not_stick_is_never_counted_as_done():
    site = site_with(SWITCH, save_fails=True)
    result, _ = run(site, apply=True)
    assert (result.state, result.changed) == (State.OPTED_IN, False)
    assert "did not keep the change" in result.detail


def test_switch_named_only_on_is_found_by_its_section_wording():
    site = site_with(El(role="switch", name="On", region=f"Data for AI. {LABEL}", setting="ai"))
    result, _ = run(site, apply=True)
    assert (result.state, result.changed) == (State.OPTED_OUT, True)


def test_decoy_in_another_section_is_not_touched():
    decoy = El(role="switch", name="Use my data for ads", region="Ads", setting="ads")
    site = site_with(decoy, SWITCH, settings={"ai": True, "ads": True})
    result, _ = run(site, apply=True)
    assert result.state is State.OPTED_OUT
    assert site.settings == {"ai": False, "ads": True}


def test_two_matching_controls_are_flow_outdated_never_a_guess():
    site = site_with(SWITCH, El(role="switch", name=LABEL, region=LABEL, setting="ai"))
    result, driver = run(site, apply=True)
    assert result.state is State.FLOW_OUTDATED
    assert result.detail == (f'2 elements match switch "{LABEL}" on https://www.example.com/settings/ai; '
                             "refusing to guess which one is the setting.")
    assert site.settings == {"ai": True}


def test_missing_control_is_flow_outdated():
    site = site_with(El(role="switch", name="Improve generative features", region="Other", setting="ai"))
    result, _ = run(site, apply=True)
    assert result.state is State.FLOW_OUTDATED
    assert result.detail.startswith(f'Nothing on https://www.example.com/settings/ai matched switch "{LABEL}"; '
                                    f'switch in the section saying "{LABEL}" within 1s.')


def test_late_rendered_control_is_waited_for():
    site = site_with(El(role="switch", name=LABEL, region=LABEL, setting="ai", appears_after=3))
    result, _ = run(site)
    assert result.state is State.OPTED_IN


def test_not_offered():
    site = site_with(El(text="This setting is not available for your account."))
    result, _ = run(site)
    assert result.state is State.NOT_OFFERED
    assert result.detail == "Example says this setting is not offered to this account."


def test_server_error_is_error():
    site = site_with(SWITCH, status=500)
    result, _ = run(site)
    assert result.state is State.ERROR
    assert result.detail == "Example answered HTTP 500 for https://www.example.com/settings/ai; try again later."


def test_no_credentials_and_no_session_is_login_required():
    result, _ = run(site_with(SWITCH), account=MemoryAccount(None))
    assert result.state is State.LOGIN_REQUIRED
    assert result.detail == "Not signed in to Example. Run `optout login example`."


def test_wrong_password_is_tried_once_for_all_settings():
    site = site_with(SWITCH)
    second = dict(FLOW["settings"][0], id="ai-2")
    flow = make_flow(settings=[FLOW["settings"][0], second])
    driver = FakeDriver(site)
    results = asyncio.run(Engine(driver, RunOptions()).run([Job(flow, flow.settings, MemoryAccount(Secrets("person@example.com", "wrong")))]))
    assert [r.state for r in results] == [State.LOGIN_REQUIRED, State.LOGIN_REQUIRED]
    assert results[0].detail == ("Example rejected the stored username or password. "
                                 "Update them with `optout credentials set example`.")
    assert site.sign_in_attempts == 1


def test_security_check_needs_a_human_at_once():
    site = site_with(SWITCH, login_challenge="checkpoint")
    result, _ = run(site)
    assert result.state is State.NEEDS_HUMAN
    assert result.detail == ("Example is showing a security check. It is yours to complete: "
                             "run `optout login example` and finish it in the browser window.")
    assert site.sign_in_attempts == 1


def test_one_time_code_is_entered_from_the_totp_secret():
    site = site_with(SWITCH, login_challenge="code")
    account = MemoryAccount(Secrets("person@example.com", "s3cret-pass", TOTP_SECRET))
    result, _ = run(site, account=account)
    assert result.state is State.OPTED_IN
    assert site.codes_entered == 1


def test_one_time_code_without_a_secret_needs_a_human():
    site = site_with(SWITCH, login_challenge="code")
    result, _ = run(site)
    assert result.state is State.NEEDS_HUMAN
    assert site.codes_entered == 0


def test_session_is_saved_after_signing_in_and_reused():
    site = site_with(SWITCH)
    account = MemoryAccount(SECRETS)
    run(site, account=account)
    assert account.saved == [{"session": "session-cookie-value"}]
    run(site, account=account)
    assert site.sign_in_attempts == 1


def test_setting_without_control_gives_advice_and_opens_no_page():
    flow = make_flow(login=None, settings=[{"id": "none", "title": "AI training", "advice": "Delete your posts."}])
    result, driver = run(site_with(), flow=flow)
    assert (result.state, result.detail) == (State.NOT_OFFERED, "Delete your posts.")
    assert driver.pages == []


def test_evidence_screenshots_are_taken(tmp_path):
    site = site_with(SWITCH)
    driver = FakeDriver(site)
    engine = Engine(driver, RunOptions(apply=True, evidence_dir=tmp_path))
    [result] = asyncio.run(engine.run([Job(make_flow(), make_flow().settings, MemoryAccount(SECRETS))]))
    assert result.evidence == str(tmp_path / "example-ai-final.png")
    assert driver.pages[0].screenshots == [tmp_path / "example-ai-before.png", tmp_path / "example-ai-final.png"]


@pytest.mark.parametrize("states, code", [
    ([State.OPTED_OUT, State.NOT_OFFERED], ExitCode.OK),
    ([State.OPTED_OUT, State.OPTED_IN, State.ERROR], ExitCode.OPTED_IN),
    ([State.OPTED_OUT, State.NEEDS_HUMAN], ExitCode.UNDETERMINED),
    ([State.FLOW_OUTDATED], ExitCode.UNDETERMINED),
])
def test_exit_codes(states, code):
    assert exit_code_for([Result("p", "s", "t", state, "") for state in states]) is code


def test_an_invalid_totp_secret_is_reported_not_a_crash():
    site = site_with(SWITCH, login_challenge="code")
    result, _ = run(site, account=MemoryAccount(Secrets("person@example.com", "s3cret-pass", "SHORT")))
    assert result.state is State.LOGIN_REQUIRED
    assert result.detail.startswith("The stored TOTP secret for Example is not a valid base32 secret")


def flow_with_control(control: dict, **setting) -> Flow:
    return make_flow(settings=[{**FLOW["settings"][0], "control": control, **setting}])


def test_select_is_set_to_the_opted_out_option():
    dropdown = El(role="combobox", label="Allow training", setting="ai", options=["Enabled", "Disabled"])
    site = site_with(dropdown, settings={"ai": "Enabled"})
    flow = flow_with_control({"kind": "select", "opted_out": "Disabled", "find": {"label": "Allow training"}})
    result, _ = run(site, apply=True, flow=flow)
    assert (result.state, result.changed, site.settings["ai"]) == (State.OPTED_OUT, True, "Disabled")


def test_choice_already_on_the_opted_out_option_is_left_alone():
    group = El(role="radiogroup", name="Third-party AI", setting="ai", options=["Prioritize maximum reach",
                                                                            "Minimize third-party training"])
    site = site_with(group, settings={"ai": "Minimize third-party training"})
    flow = flow_with_control({"kind": "choice", "opted_out": "Minimize third-party training",
                              "find": {"role": "radiogroup", "name": "Third-party AI"}})
    result, _ = run(site, apply=True, flow=flow)
    assert (result.state, result.changed) == (State.OPTED_OUT, False)


MENU = {"kind": "menu", "opted_out": "Turn off", "find": {"role": "button", "name": "Turn off"},
        "opted_out_when": {"role": "button", "name": "Turn on"}}


def menu_page() -> list[El]:
    return [El(role="button", name="Turn off", action="ui:menu=true", shown_when=("ai", True)),
            El(role="menuitem", name="Turn off", action="set:ai=false", shown_when=("menu", True)),
            El(role="menuitem", name="Turn off and delete activity", action="set:ai=false", shown_when=("menu", True)),
            El(role="button", name="Turn on", shown_when=("ai", False))]


def test_menu_item_is_chosen_and_verified():
    site = site_with(*menu_page())
    result, driver = run(site, apply=True, flow=flow_with_control(MENU))
    assert (result.state, result.changed, site.settings["ai"]) == (State.OPTED_OUT, True, False)
    assert 'menuitem "Turn off"' in driver.pages[0].clicks


def test_menu_already_off_is_read_from_what_shows_instead_of_the_button():
    site = site_with(*menu_page(), settings={"ai": False})
    result, _ = run(site, flow=flow_with_control(MENU))
    assert result.state is State.OPTED_OUT


FORM = {"kind": "form", "find": {"role": "button", "name": "Send"},
        "fields": [{"find": {"label": "Email"}, "value": "{username}"}],
        "confirmation": {"text_pattern": "we'll honor your objection"}}


def form_page(confirms: bool = True) -> list[El]:
    thanks = [El(text="Thanks, we'll honor your objection.", shown_when=("sent", True))] if confirms else []
    return [El(role="textbox", label="Email"), El(role="button", name="Send", action="set:sent=true"), *thanks]


def test_form_is_submitted_once_and_recorded():
    site = site_with(*form_page(), settings={"sent": False})
    account = MemoryAccount(SECRETS)
    result, driver = run(site, apply=True, flow=flow_with_control(FORM), account=account)
    assert (result.state, result.changed) == (State.OPTED_OUT, True)
    assert driver.pages[0].fields["Email"] == "person@example.com"
    assert account.submissions["ai"]["confirmed"] is True
    again, driver = run(site, apply=True, flow=flow_with_control(FORM), account=account)
    assert (again.state, again.changed) == (State.OPTED_OUT, False)
    assert driver.pages == []  # a recorded submission needs no browser at all


def test_form_without_confirmation_is_never_resent():
    site = site_with(*form_page(confirms=False), settings={"sent": False})
    account = MemoryAccount(SECRETS)
    first, _ = run(site, apply=True, flow=flow_with_control(FORM, timeout_seconds=0.5), account=account)
    assert first.state is State.NEEDS_HUMAN
    second, driver = run(site, apply=True, flow=flow_with_control(FORM), account=account)
    assert second.state is State.NEEDS_HUMAN and driver.pages == []
    assert second.detail.endswith("optout will not send it again.")


def test_check_does_not_submit_a_form():
    site = site_with(*form_page(), settings={"sent": False})
    result, _ = run(site, flow=flow_with_control(FORM))
    assert result.state is State.OPTED_IN
    assert site.settings["sent"] is False


def test_per_item_setting_reports_one_result_per_item():
    site = FakeSite(settings={"blog-a": False, "blog-b": True}, pages={
        "/sites": [El(role="link", name="blog-a", text="blog-a"), El(role="link", name="blog-b", text="blog-b")],
        "/settings/blog-a": [El(role="checkbox", name="Prevent third-party sharing for blog-a", setting="blog-a")],
        "/settings/blog-b": [El(role="checkbox", name="Prevent third-party sharing for blog-b", setting="blog-b")],
    })
    flow = make_flow(settings=[{
        "id": "sharing", "title": "Prevent third-party sharing", "url": "https://www.example.com/settings/{item}",
        "for_each": {"url": "https://www.example.com/sites", "items": {"role": "link", "name_pattern": "."}},
        "control": {"kind": "checkbox", "opted_out": True,
                    "find": {"role": "checkbox", "name": "Prevent third-party sharing for {item}"}}}])
    driver = FakeDriver(site)
    results = asyncio.run(Engine(driver, RunOptions(apply=True)).run([Job(flow, flow.settings, MemoryAccount(SECRETS))]))
    assert [(r.item, r.state, r.changed) for r in results] == [
        ("blog-a", State.OPTED_OUT, True), ("blog-b", State.OPTED_OUT, False)]
    assert site.settings == {"blog-a": True, "blog-b": True}


def test_platforms_run_concurrently_each_in_its_own_page():
    site = site_with(SWITCH)
    flows = [make_flow(platform=name, name=name.title()) for name in ("one", "two", "three")]
    driver = FakeDriver(site)
    engine = Engine(driver, RunOptions(concurrency=2))
    results = asyncio.run(engine.run([Job(flow, flow.settings, MemoryAccount(SECRETS)) for flow in flows]))
    assert [r.platform for r in results] == ["one", "two", "three"]
    assert len(driver.pages) == 3


def test_a_control_that_cannot_be_clicked_is_flow_outdated():
    site = site_with(El(role="switch", name=LABEL, region=LABEL, setting="ai", action="covered"))
    result, _ = run(site, apply=True)
    assert (result.state, result.detail) == (State.FLOW_OUTDATED, f'Could not click switch "{LABEL}": covered.')
    assert site.settings["ai"] is True


# -- what real pages do: interruptions, languages, candidates, sign-in steps and domains ------------

COOKIE_DIALOG = [El(text="We and 3rd parties use cookies", region="cookies", covers=True),
                 El(role="button", name="Accept", region="cookies", covers=True),
                 El(role="button", name="Reject", region="cookies", covers=True)]
COOKIES = {"name": "cookie consent", "appears": {"text": "We and 3rd parties use cookies"},
           "dismiss": {"role": "button", "name": "Reject"}}


def test_an_overlay_on_the_control_is_dismissed_as_the_flow_says():
    site = site_with(SWITCH, *COOKIE_DIALOG)
    result, driver = run(site, apply=True, flow=make_flow(interruptions=[COOKIES]))
    assert (result.state, result.changed) == (State.OPTED_OUT, True)
    clicks = driver.pages[0].clicks
    assert 'button "Reject"' in clicks and 'button "Accept"' not in clicks
    assert "dismiss cookie consent" in [step.step for step in result.steps]


def test_an_overlay_the_flow_does_not_declare_is_never_clicked_away():
    site = site_with(SWITCH, *COOKIE_DIALOG)
    result, driver = run(site, apply=True)
    assert result.state is State.FLOW_OUTDATED
    assert site.settings == {"ai": True}
    assert not any("Accept" in c or "Reject" in c for c in driver.pages[0].clicks)


PICKER_LOGIN = [
    El(text="Welcome back"), El(role="button", name="Continue as Person"),
    El(role="button", name="Sign in using another account", action="ui:form=true"),
    El(role="textbox", label="Email", shown_when=("form", True)),
    El(role="textbox", label="Password", shown_when=("form", True)),
    El(role="button", name="Sign in", action="sign-in", shown_when=("form", True)),
]
PICKER = {"name": "remembered-account picker", "appears": {"text": "Welcome back"},
          "dismiss": {"role": "button", "name": "Sign in using another account"}}


def test_a_remembered_account_picker_is_dismissed_while_waiting_for_the_form():
    site = FakeSite(pages={"/settings/ai": [SWITCH], "/login": PICKER_LOGIN})
    result, driver = run(site, flow=make_flow(interruptions=[PICKER]))
    assert result.state is State.OPTED_IN
    assert 'button "Continue as Person"' not in driver.pages[0].clicks
    assert site.sign_in_attempts == 1


def test_a_missing_control_lists_the_similar_controls_the_page_has_and_clicks_none():
    renamed = El(role="switch", name="Use my data for AI training and research", region="", setting="ai")
    unrelated = El(role="switch", name="Dark mode", region="", setting="dark")
    site = site_with(unrelated, renamed, settings={"ai": True, "dark": True})
    result, driver = run(site, apply=True)
    assert result.state is State.FLOW_OUTDATED
    assert result.candidates == [{"role": "switch", "name": "Use my data for AI training and research"},
                                 {"role": "switch", "name": "Dark mode"}]
    assert 'Similar controls on the page: switch "Use my data for AI training and research"' in result.detail
    assert site.settings == {"ai": True, "dark": True}
    assert driver.pages[0].clicks == ['button "Sign in"']


def test_a_page_in_another_language_says_so_and_what_to_do():
    german = El(role="switch", name="Meine Daten für KI-Training verwenden", setting="ai")
    site = site_with(german, languages={"/settings/ai": "de-DE"})
    result, _ = run(site)
    assert result.state is State.FLOW_OUTDATED
    assert ("The page is in German (de-DE) and this flow's labels are in English: switch Example's language "
            "to English, or add labels for that language") in result.detail


def test_a_flow_with_labels_for_the_page_language_says_nothing_about_language():
    site = site_with(languages={"/settings/ai": "de"})
    result, _ = run(site, flow=make_flow(languages=["en", "de"]))
    assert result.state is State.FLOW_OUTDATED
    assert "The page is in" not in result.detail


def login_with(**changes) -> dict:
    return {**FLOW["login"], **changes}


def test_a_two_step_sign_in_clicks_continue_between_username_and_password():
    two_step = [El(role="textbox", label="Email"), El(role="button", name="Continue", action="ui:pw=true"),
                El(role="textbox", label="Password", shown_when=("pw", True)),
                El(role="button", name="Sign in", action="sign-in", shown_when=("pw", True))]
    site = FakeSite(pages={"/settings/ai": [SWITCH], "/login": two_step})
    flow = make_flow(login=login_with(after_username=[{"click": {"role": "button", "name": "Continue"}}]))
    result, _ = run(site, flow=flow)
    assert result.state is State.OPTED_IN
    assert site.sign_in_attempts == 1


def test_a_wrong_password_on_a_checkpoint_like_url_is_login_required_after_one_attempt():
    site = site_with(SWITCH, wrong_password_url="https://www.example.com/checkpoint/lg/login-submit")
    result, _ = run(site, account=MemoryAccount(Secrets("person@example.com", "wrong")))
    assert result.state is State.LOGIN_REQUIRED
    assert "rejected the stored username or password" in result.detail
    assert site.sign_in_attempts == 1


def test_a_sign_in_redirected_off_the_platform_types_nothing():
    site = site_with(SWITCH, redirects={"/login": "https://login.example-auth.net/login?next=%2F"})
    result, driver = run(site)
    assert result.state is State.ERROR
    assert result.detail == ("Example sent the browser to login.example-auth.net, outside www.example.com. "
                             "optout stopped there and typed nothing.")
    assert driver.pages[0].typed == []


def test_a_sign_in_domain_takes_the_password_only_when_the_flow_says_so():
    redirect = {"/login": "https://auth.example-id.com/login"}
    only_passing = make_flow(login=login_with(sign_in_domains=["auth.example-id.com"]))
    result, driver = run(site_with(SWITCH, redirects=redirect), flow=only_passing)
    assert result.state is State.ERROR
    assert result.detail.startswith("The sign-in form is on auth.example-id.com, which this flow does not allow")
    assert driver.pages[0].typed == []

    takes_it = make_flow(login=login_with(sign_in_domains=["auth.example-id.com"],
                                          password_domains=["auth.example-id.com"]))
    result, driver = run(site_with(SWITCH, redirects=redirect), flow=takes_it)
    assert result.state is State.OPTED_IN
    assert {host for host, _, _ in driver.pages[0].typed} == {"auth.example-id.com"}


def test_a_browser_the_site_refuses_is_its_own_outcome():
    site = site_with(SWITCH, redirects={"/login": "https://www.example.com/v3/signin/rejected"})
    flow = make_flow(login=login_with(refused_urls=["^/v3/signin/rejected"]))
    result, driver = run(site, flow=flow)
    assert result.state is State.LOGIN_REQUIRED
    assert result.detail.startswith("Example refused to sign in in this browser")
    assert "`optout login example`" in result.detail
    assert driver.pages[0].typed == []


def test_optional_steps_are_skipped_when_not_shown_and_keys_are_pressed():
    site = site_with(SWITCH)
    setting = {**FLOW["settings"][0], "steps": [
        {"click": {"role": "button", "name": "Not now"}, "optional": True}, {"press": "Escape"}]}
    result, driver = run(site, flow=make_flow(settings=[setting]))
    assert result.state is State.OPTED_IN
    assert [(s.step, s.status) for s in result.steps] == [
        ('click button "Not now" (if shown)', "skipped"), ("press Escape", "ok")]
    assert driver.pages[0].keys == ["Escape"]


def test_an_optional_step_ends_as_soon_as_what_follows_it_shows():
    site = site_with(SWITCH)
    setting = {**FLOW["settings"][0], "steps": [{"click": {"role": "button", "name": "Not now"}, "optional": True}]}
    result, driver = run(site, flow=make_flow(settings=[setting]))
    assert result.state is State.OPTED_IN
    assert (result.steps[0].step, result.steps[0].status) == ('click button "Not now" (if shown)', "skipped")
    assert driver.pages[0].ticks == 0  # not one wait: the switch it leads to was there already


def test_a_page_that_stops_answering_ends_the_platform_with_error():
    site = site_with(SWITCH, hang=True)
    second = {**FLOW["settings"][0], "id": "other"}
    flow = make_flow(settings=[FLOW["settings"][0], second])
    engine = Engine(FakeDriver(site), RunOptions(setting_seconds=0.3))
    results = asyncio.run(engine.run([Job(flow, flow.settings, MemoryAccount(SECRETS))]))
    assert [r.state for r in results] == [State.ERROR, State.ERROR]
    assert "stopped answering" in results[0].detail


def test_the_run_watchdog_ends_what_is_still_running():
    site = site_with(SWITCH, hang=True)
    engine = Engine(FakeDriver(site), RunOptions(run_seconds=0.3))
    results = asyncio.run(engine.run([Job(make_flow(), make_flow().settings, MemoryAccount(SECRETS))]))
    assert [r.state for r in results] == [State.ERROR]
    assert results[0].detail.startswith("The run's watchdog stopped Example after 0.3s")


def test_evidence_names_stay_apart_for_items_differing_in_punctuation():
    from optout.engine import file_name

    names = {file_name("wordpress", "sharing", item) for item in ("a.b", "a_b", "a/b", "a b")}
    assert len(names) == 4
    assert file_name("linkedin", "generative-ai") == "linkedin-generative-ai"


def test_details_never_carry_query_strings_or_fragments():
    site = site_with(redirects={"/settings/ai": "https://www.example.com/settings/ai?token=s3cr3t#frag"})
    result, _ = run(site)
    assert result.state is State.FLOW_OUTDATED
    assert "s3cr3t" not in result.detail and "#frag" not in result.detail
    assert "Nothing on https://www.example.com/settings/ai matched" in result.detail


def test_a_dropdown_button_is_found_by_its_name_within_its_section():
    from optout.flow import Locator

    button = El(role="button", name="Disabled", region="Allow Example to use my data for AI model training")
    decoy = El(role="button", name="Disabled", region="Allow Example to use my data for product improvements")
    locator = Locator(role="button", name="Disabled", within="for AI model training")
    assert button.matches(locator) and not decoy.matches(locator)
    assert locator.describe() == 'button "Disabled" in the section saying "for AI model training"'


def test_a_css_locator_finds_the_element_its_selector_names():
    pin = El(role="textbox", label="Code", css=('input[name="pin"]',))
    code_page = [pin, El(role="button", name="Submit", action="submit-code")]
    site = FakeSite(pages={"/settings/ai": [SWITCH], "/code": code_page}, login_challenge="code")
    login = {**FLOW["login"], "one_time_code": {"field": {"css": 'input[name="pin"]'},
                                                "submit": {"role": "button", "name": "Submit"}}}
    result, _ = run(site, account=MemoryAccount(Secrets("person@example.com", "s3cret-pass", TOTP_SECRET)),
                    flow=make_flow(login=login))
    assert result.state is State.OPTED_IN
    assert site.codes_entered == 1


def test_optout_login_refused_by_the_site_says_what_to_do_instead_of_waiting():
    from optout.engine import SignInRefused, sign_in_by_person

    site = site_with(SWITCH, redirects={"/login": "https://www.example.com/v3/signin/rejected"})
    flow = make_flow(login=login_with(method="browser", refused_urls=["^/v3/signin/rejected"]))
    with pytest.raises(SignInRefused) as raised:
        asyncio.run(sign_in_by_person(FakeDriver(site), flow, MemoryAccount(), lambda _: None, timeout=5))
    assert str(raised.value) == (
        "Example refused to sign in in this browser (it says the browser may not be secure). `optout login` uses "
        "your installed Google Chrome or Microsoft Edge when there is one: install one, or use `optout login "
        "example --browser PATH` with Chrome's executable, or `--cdp URL` to take the session from the browser "
        "you are signed in with.")



def test_a_greyed_out_control_the_flow_marks_as_not_offered_is_not_offered_with_the_reason():
    """Udemy's yearly window: outside it the switch is disabled; while it is on, the setting is
    not offered now (the reason names the window); a disabled switch already off is opted out."""
    window_closed = [{"role": "switch", "name": LABEL, "disabled": True, "checked": True}]
    flow = make_flow(settings=[{**FLOW["settings"][0], "not_offered": window_closed,
                                "not_offered_reason": "only in the yearly window (21 August to 12 September)."}])
    greyed_on = El(role="switch", name=LABEL, region=LABEL, setting="ai", disabled=True)
    result, driver = run(site_with(greyed_on), apply=True, flow=flow)
    assert (result.state, result.detail) == (
        State.NOT_OFFERED, "Example does not offer this setting here: only in the yearly window (21 August to 12 "
                           "September).")
    assert f'switch "{LABEL}"' not in driver.pages[0].clicks

    result, _ = run(site_with(greyed_on, settings={"ai": False}), apply=True, flow=flow)
    assert (result.state, result.changed) == (State.OPTED_OUT, False)
    result, _ = run(site_with(SWITCH), apply=True, flow=flow)  # inside the window: an ordinary switch
    assert (result.state, result.changed) == (State.OPTED_OUT, True)
