"""Transient failures (network, timeouts, 5xx) are retried with backoff within the run; the
backoff waits through the page, so these fake-driver tests take no time."""

from __future__ import annotations

import asyncio

from optout.driver import NavigationError, NavigationRefused
from optout.engine import Engine, Job, RunOptions
from optout.results import Result, State
from tests.fakes import SECRETS, SWITCH, FakeDriver, FakePage, MemoryAccount, make_flow, site_with

SETTINGS_URL = "https://www.example.com/settings/ai"


class FlakyPage(FakePage):
    """Answers the settings page with the queued failures first (a status or an exception)."""

    def __init__(self, site, session, failures: list, log: list):
        super().__init__(site, session)
        self.failures = failures
        self.log = log

    async def goto(self, url: str) -> int:
        if url == SETTINGS_URL:
            self.log.append("goto")
            if self.failures:
                failure = self.failures.pop(0)
                if isinstance(failure, Exception):
                    raise failure
                self._show(url)  # an error page is still a page at that address
                return failure
        return await super().goto(url)

    async def wait(self, seconds: float) -> None:
        if seconds >= 1:  # the engine's polls are shorter than any backoff
            self.log.append(f"wait {seconds:g}")
        await super().wait(seconds)


class FlakyDriver(FakeDriver):
    def __init__(self, site, failures: list):
        super().__init__(site)
        self.failures = failures
        self.log: list[str] = []

    async def open_page(self, platform, domains, session):
        page = FlakyPage(self.site, session, self.failures, self.log)
        self.pages.append(page)
        return page


def run_with(failures: list, retry_delays=(1.0, 4.0)) -> tuple[Result, list[str]]:
    site = site_with(SWITCH)
    driver = FlakyDriver(site, failures)
    flow = make_flow()
    engine = Engine(driver, RunOptions(retry_delays=retry_delays))
    [result] = asyncio.run(engine.run([Job(flow, flow.settings, MemoryAccount(SECRETS, {"session": "s"}))]))
    return result, driver.log


def test_a_server_error_then_a_timeout_are_retried_with_backoff():
    result, log = run_with([503, NavigationError(f"{SETTINGS_URL} did not load within 30s.")])
    assert result.state is State.OPTED_IN
    assert log == ["goto", "wait 1", "goto", "wait 4", "goto"]


def test_the_last_failure_stands_when_every_attempt_fails():
    result, log = run_with([500, 502, 500])
    assert (result.state, result.detail) == (
        State.ERROR, f"Example answered HTTP 500 for {SETTINGS_URL}; try again later.")
    assert log == ["goto", "wait 1", "goto", "wait 4", "goto"]

    result, log = run_with([NavigationError("Could not load it (net::ERR_CONNECTION_RESET).")] * 3)
    assert (result.state, result.detail) == (State.ERROR, "Could not load it (net::ERR_CONNECTION_RESET).")
    assert log.count("goto") == 3


def test_a_refused_url_and_a_missing_page_are_not_retried():
    result, log = run_with([NavigationRefused("Refused to open it: it is outside www.example.com.")])
    assert (result.state, log) == (State.ERROR, ["goto"])
    result, log = run_with([404])
    assert (result.state, log) == (State.FLOW_OUTDATED, ["goto"])


def test_no_retries_when_none_are_configured():
    result, log = run_with([503], retry_delays=())
    assert (result.state, log) == (State.ERROR, ["goto"])
