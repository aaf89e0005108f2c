"""Requests (an opt-out that is an e-mail the person sends, as Slack's): no page is opened, the
e-mail is written once under apply and recorded, and only the person's confirmation makes it
opted out."""

from __future__ import annotations

import asyncio

from optout.engine import Engine, Job, RunOptions, compose
from optout.flow import Flow
from optout.results import State
from tests.fakes import FLOW, FakeDriver, FakeSite, MemoryAccount

REQUEST = {
    "to": "feedback@example.com", "subject": "Example opt-out request",
    "body": "Please leave {workspace} out of your models & thank you.",
    "ask": {"name": "workspace", "what": "your Example workspace URL",
            "answer_pattern": "^https://[a-z0-9-]+\\.example\\.com/?$", "example": "https://acme.example.com"},
}
FLOW_WITH_REQUEST = Flow.model_validate({**{k: v for k, v in FLOW.items() if k != "login"}, "domains": ["example.com"],
                                         "settings": [{"id": "opt-out", "title": "Opt-out e-mail", "request": REQUEST}]})


def run(account: MemoryAccount, *, apply: bool = False, dry_run: bool = False):
    driver = FakeDriver(FakeSite())
    flow = FLOW_WITH_REQUEST
    results = asyncio.run(Engine(driver, RunOptions(apply=apply, dry_run=dry_run)).run(
        [Job(flow, flow.settings, account)]))
    assert driver.pages == []  # a request never opens a page
    return results[0]


def test_check_and_dry_run_write_nothing():
    account = MemoryAccount(answers={"workspace": "https://acme.example.com"})
    assert (run(account).state, run(account).detail) == (
        State.OPTED_IN, "No opt-out e-mail has been written from optout yet.")
    assert run(account, apply=True, dry_run=True).detail == (
        "No opt-out e-mail has been written from optout yet (dry run: would write it to feedback@example.com).")
    assert account.submissions == {}


def test_apply_writes_it_once_and_it_waits_for_the_person_to_confirm():
    account = MemoryAccount(answers={"workspace": "https://acme.example.com"})
    written = run(account, apply=True)
    assert (written.state, written.changed) == (State.NEEDS_HUMAN, True)
    assert written.detail == (
        'Wrote the opt-out e-mail for https://acme.example.com to feedback@example.com (subject "Example opt-out '
        "request\"): send it from an owner's address. When Example replies that it is done, run `optout confirm "
        "example/opt-out`.")
    record = account.submissions["opt-out"]
    assert (record["confirmed"], record["answer"]) == (False, "https://acme.example.com")

    again = run(account, apply=True)
    assert (again.state, again.changed) == (State.NEEDS_HUMAN, False)
    assert again.detail == (f"The opt-out e-mail to feedback@example.com for https://acme.example.com was written on "
                            f"{record['at']}; waiting for Example's reply. When it comes, run `optout confirm "
                            "example/opt-out`.")

    account.submissions["opt-out"] = {**record, "confirmed": True, "confirmed_at": "2026-12-01T09:00:00+00:00"}
    done = run(account)
    assert (done.state, done.detail) == (State.OPTED_OUT, (
        f"E-mailed feedback@example.com for https://acme.example.com on {record['at']}; you confirmed Example's "
        "reply on 2026-12-01T09:00:00+00:00."))


def test_an_answer_not_given_or_not_valid_writes_nothing():
    missing = run(MemoryAccount(), apply=True)
    assert (missing.state, missing.detail) == (State.NEEDS_HUMAN, (
        "The opt-out is an e-mail that needs your Example workspace URL: set OPTOUT_EXAMPLE_WORKSPACE (e.g. "
        "https://acme.example.com) or run `optout apply example` in a terminal to type it. Nothing was written."))
    account = MemoryAccount(answers={"workspace": "https://acme.example.com.evil.io"})
    refused = run(account, apply=True)
    assert (refused.state, refused.detail) == (State.NEEDS_HUMAN, (
        "'https://acme.example.com.evil.io' is not your Example workspace URL such as https://acme.example.com; "
        "nothing was written."))
    assert account.submissions == {}


def test_the_e_mail_for_a_mail_client_and_for_the_screen():
    email = compose(FLOW_WITH_REQUEST.settings[0].request, "https://acme.example.com")
    assert email.text() == ("To: feedback@example.com\nSubject: Example opt-out request\n\n"
                            "Please leave https://acme.example.com out of your models & thank you.")
    assert email.mailto() == ("mailto:feedback@example.com?subject=Example%20opt-out%20request&body=Please%20leave%20"
                              "https%3A%2F%2Facme.example.com%20out%20of%20your%20models%20%26%20thank%20you.")
