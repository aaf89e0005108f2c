"""The CLI's edges a person meets first: usage errors, credentials commands, origin maps, a
missing browser, and `optout login` waiting for a person."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

import pytest
import typer

from optout.cli import app
from optout.engine import sign_in_by_person
from optout.originmap import Mapping, OriginMapError, parse_origin_map, resolver_rules
from tests.fakes import FakeDriver, FakeSite, MemoryAccount, make_flow


def test_origin_map_from_flags_and_environment():
    mappings = parse_origin_map(["www.linkedin.com=127.0.0.1:9443"],
                                {"OPTOUT_ORIGIN_MAP": "www.linkedin.com=127.0.0.1:1, x.com=::1:8443"})
    assert mappings == [Mapping("www.linkedin.com", "127.0.0.1", 9443), Mapping("x.com", "::1", 8443)]
    assert resolver_rules(mappings) == "MAP www.linkedin.com:443 127.0.0.1:9443, MAP x.com:443 [::1]:8443"


@pytest.mark.parametrize("text, message", [
    ("www.linkedin.com", "origin map 'www.linkedin.com' is not HOST=ADDRESS:PORT"),
    ("www.linkedin.com=localhost:8443", "origin map 'www.linkedin.com=localhost:8443': 'localhost' is not an IP address"),
    ("www.linkedin.com=127.0.0.1:99999", "origin map 'www.linkedin.com=127.0.0.1:99999': '99999' is not a port"),
    ("not a host=127.0.0.1:8443", "origin map 'not a host=127.0.0.1:8443': 'not a host' is not a host name"),
])
def test_origin_map_errors(text, message):
    with pytest.raises(OriginMapError) as raised:
        parse_origin_map([text], {})
    assert str(raised.value) == message


def test_bad_origin_map_is_a_usage_error(cli):
    completed = cli("check", "linkedin", "--origin-map", "nonsense")
    assert completed.returncode == 2
    assert completed.stderr.strip() == "error: origin map 'nonsense' is not HOST=ADDRESS:PORT"


def test_unknown_platform_and_setting(cli):
    unknown = cli("check", "myspace")
    assert unknown.returncode == 2
    [line] = [line for line in unknown.stderr.splitlines() if line.startswith("error:")]
    assert line.startswith("error: Unknown platform 'myspace'. Known: ") and "linkedin" in line
    setting = cli("check", "linkedin/nope")
    assert setting.returncode == 2
    assert "error: Unknown setting 'linkedin/nope'. LinkedIn has: generative-ai, research." in setting.stderr


def test_platform_names_ignore_case_and_a_typo_gets_a_suggestion(cli):
    typo = cli("check", "linkdin")
    assert typo.returncode == 2
    assert typo.stderr.splitlines()[-1] == "error: Unknown platform 'linkdin'. Did you mean linkedin?"
    capitalised = cli("check", "Reddit", "--non-interactive")  # advice only: no browser
    assert capitalised.returncode == 0, capitalised.stderr
    assert "reddit/ai-training" in capitalised.stdout


def test_nothing_stored_and_no_target_is_a_usage_error(cli):
    completed = cli("check")
    assert completed.returncode == 2
    assert "error: Nothing to do: no platform has credentials or a saved session yet." in completed.stderr


def test_login_needs_a_person(cli):
    completed = cli("login", "linkedin")
    assert completed.returncode == 2
    assert "error: optout login needs a person at a screen; this session is not interactive." in completed.stderr


def test_credentials_set_list_remove(cli):
    refused = cli("credentials", "set", "linkedin", "--username", "ada@example.com")
    assert refused.returncode == 2
    assert "error: No terminal to ask for the password: use --password-stdin." in refused.stderr

    cli.store_credentials("linkedin", "ada@example.com", "pa55-word-x")
    code, listed = cli.json("credentials", "list")
    assert (code, listed) == (0, {"version": 1, "accounts": [
        {"platform": "linkedin", "username": "ada@example.com", "session": False}]})

    removed = cli("credentials", "remove", "linkedin")
    assert removed.stdout.strip() == "Removed credentials for linkedin."
    assert cli("credentials", "remove", "linkedin").stdout.strip() == "Nothing stored for linkedin."
    assert all("pa55-word-x" not in text for text in cli.printed)


def test_missing_browser_is_explained(cli):
    completed = cli("check", "linkedin/generative-ai", env={
        "OPTOUT_BROWSER": "/nonexistent/chrome", "OPTOUT_LINKEDIN_USERNAME": "a@example.com",
        "OPTOUT_LINKEDIN_PASSWORD": "x"})
    assert completed.returncode == 3
    assert "error: OPTOUT_BROWSER points to /nonexistent/chrome, which does not exist." in completed.stderr


def test_help_lists_the_commands(cli):
    completed = cli("--help")
    for command in ("check", "apply", "login", "demo", "flows", "credentials"):
        assert f"  {command} " in completed.stdout
    assert "scheduled" not in completed.stdout  # what the OS scheduler runs: hidden, though it works


def every_command(group, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], typer.core.TyperCommand]]:
    for name, command in getattr(group, "commands", {}).items():  # a group's commands, and theirs
        yield (*path, name), command
        yield from every_command(command, (*path, name))


def test_every_help_names_its_values_and_explains_every_option_and_argument(optout_cli):
    for path, command in every_command(typer.main.get_command(app)):
        undocumented = [param.name for param in command.params if not getattr(param, "help", None)]
        assert undocumented == [], path
        code, stdout, _ = optout_cli(*path, "--help", columns=80, COLUMNS="80")
        assert code == 0
        assert not re.search(r"<[a-z]+(\[[a-z]+\])?>|`", stdout), stdout  # no <list[str]>, no Markdown
        assert max(len(line) for line in stdout.splitlines()) <= 80, stdout


class SignsInAfterAWhile(FakeDriver):
    """The person signs in during the third poll."""

    async def open_page(self, platform, domains, session):
        page = await super().open_page(platform, domains, session)
        original_wait = page.wait

        async def wait(seconds):
            await original_wait(seconds)
            if page.ticks == 3:
                page._signed_in()

        page.wait = wait
        return page


def test_login_waits_for_the_person_then_saves_the_session():
    account = MemoryAccount(None)
    signed_in = asyncio.run(sign_in_by_person(SignsInAfterAWhile(FakeSite()), make_flow(), account, print, 60))
    assert signed_in is True
    assert account.saved == [{"session": "session-cookie-value"}]


def test_login_gives_up_after_the_timeout_and_saves_nothing():
    account = MemoryAccount(None)
    assert asyncio.run(sign_in_by_person(FakeDriver(FakeSite()), make_flow(), account, print, 0.01)) is False
    assert account.saved == []


def test_no_typer_app_would_show_local_variables_in_a_traceback():
    """Older Typer printed each frame's locals (passwords, passphrases, webhook tokens) by default."""
    from optout import cli

    apps = [cli.app, *(group.typer_instance for group in cli.app.registered_groups)]
    assert len(apps) == 5
    assert [app.pretty_exceptions_show_locals for app in apps] == [False] * 5
