"""Signing in: with the account's stored login (once per platform run, one-time code included),
or by the person in a visible browser (sign_in_by_person). Security checks and refusals are
never worked around: they end with a message saying what the person can do."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from optout.addresses import host_allowed
from optout.driver import Driver, Page
from optout.engine.account import Account, AccountUnusable, Outcome, SignInSecrets
from optout.engine.wait import poll_until
from optout.errors import OptoutError
from optout.flow import Flow, Locator
from optout.flow.login import Login
from optout.patterns import pattern
from optout.progress import Progress
from optout.results import State

if TYPE_CHECKING:
    from optout.engine.run import PlatformRun

SIGN_IN_SECONDS = 30


class SignInRefused(OptoutError):
    """The sign-in page refused this browser outright; waiting longer cannot help."""


def path_matches(url: str, path_patterns: list[str]) -> bool:
    path = urlsplit(url).path
    return any(pattern(p).search(path) for p in path_patterns)


def on_sign_in_page(flow: Flow, url: str) -> bool:
    """A signed-out page of the flow's own, or any page of a sign-in domain (auth.openai.com)."""
    login = flow.login
    if login is None:
        return False
    host = urlsplit(url).hostname or ""
    on_sign_in_domain = host_allowed(host, login.sign_in_domains) and not host_allowed(host, flow.domains)
    return on_sign_in_domain or path_matches(url, login.signed_out_urls)


def refused_message(flow: Flow) -> str:
    return (f"{flow.name} refused to sign in in this browser (it says the browser may not be secure). "
            f"Sign in yourself with `optout login {flow.platform}`, which opens your installed Chrome when there "
            "is one; the saved session is used after that.")


def security_check(flow: Flow) -> Outcome:
    return Outcome(State.NEEDS_HUMAN, f"{flow.name} is showing a security check. It is yours to complete: "
                   f"run `optout login {flow.platform}` and finish it in the browser window.")


def check_page(flow: Flow, url: str) -> None:
    """Raise what a refusal or a security check page means; nothing for any other page."""
    if flow.login and path_matches(url, flow.login.refused_urls):
        raise Outcome(State.LOGIN_REQUIRED, refused_message(flow))
    if flow.login and path_matches(url, flow.login.checkpoint_urls):
        raise security_check(flow)


async def first_match(page: Page, target: list[Locator]) -> Locator | None:
    for locator in target:
        if await page.count(locator) == 1:
            return locator
    return None


class SignIn:
    """One platform run's sign-in with the stored login: tried at most once, and a failure ends
    every later setting of the run too."""

    def __init__(self, run: PlatformRun, login: Login):
        self.run = run
        self.flow = run.flow
        self.login = login
        self.failed: Outcome | None = None
        self.signed_in = False

    async def sign_in(self) -> None:
        if self.failed is not None:
            raise self.failed
        if self.signed_in:
            raise Outcome(State.LOGIN_REQUIRED, f"{self.flow.name} signed this run out again.")
        try:
            await self.sign_in_once()
        except Outcome as outcome:
            self.failed = outcome
            raise
        self.signed_in = True

    async def sign_in_once(self) -> None:
        login, run = self.login, self.run
        not_signed_in = f"Not signed in to {self.flow.name}. {run.account.sign_in_advice()}"
        if login.method == "browser":
            raise Outcome(State.LOGIN_REQUIRED, not_signed_in)
        try:
            secrets = run.account.credentials()
        except AccountUnusable as refusal:  # e.g. a login stored for other domains than this flow's
            raise Outcome(State.LOGIN_REQUIRED, str(refusal)) from None
        if secrets is None:
            raise Outcome(State.LOGIN_REQUIRED, not_signed_in)
        run.secrets += [s for s in (secrets.password, secrets.totp_secret) if s]
        run.say("signing in")
        if not path_matches(run.page.url, login.signed_out_urls):
            await run.page.goto(login.url)
            run.guard_host()
        assert login.username and login.password and login.submit  # the schema's rule for method password
        await self.type_secret(login.username, secrets.username)
        await run.run_steps(login.after_username, None, SIGN_IN_SECONDS, then=login.password)
        await self.type_secret(login.password, secrets.password)
        await run.click_unique(login.submit, SIGN_IN_SECONDS)
        await self.await_signed_in(secrets)
        run.say("signed in")
        run.save_session(await run.page.session_state())

    async def type_secret(self, target: list[Locator], value: str) -> None:
        locator = await self.run.find(target, SIGN_IN_SECONDS)
        self.guard_password_host()
        await self.run.page.fill(locator, value)

    def guard_password_host(self) -> None:
        """Immediately before typing a stored secret: only on the hosts the flow says take it."""
        host = urlsplit(self.run.page.url).hostname or ""
        if not host_allowed(host, self.flow.password_domains()):
            raise Outcome(State.ERROR, f"The sign-in form is on {host}, which this flow does not allow to "
                          f"receive your {self.flow.name} login ({', '.join(self.flow.password_domains())}); "
                          "optout typed nothing.")

    async def await_signed_in(self, secrets: SignInSecrets) -> None:
        """What the page says after the password, in order: a rejected password (even on a
        checkpoint-like URL), a one-time code, a refusal, a security check, or signed in."""
        login, page = self.login, self.run.page
        code_sent = False

        async def attempt() -> bool | None:
            nonlocal code_sent
            self.run.guard_host()
            if any([await page.count(loc) for loc in login.failure]):
                raise Outcome(State.LOGIN_REQUIRED, f"{self.flow.name} rejected the stored username or password. "
                              f"Update them with `optout credentials set {self.flow.platform}`.")
            code_field = await first_match(page, login.one_time_code.field) if login.one_time_code else None
            if code_field is not None:
                if code_sent or not secrets.totp_secret:
                    raise Outcome(State.NEEDS_HUMAN, f"{self.flow.name} asks for a one-time code"
                                  f"{' and rejected the generated one' if code_sent else ''}: run `optout login "
                                  f"{self.flow.platform}`, or store the TOTP secret with `optout credentials set`.")
                await self.enter_code(code_field)
                code_sent = True
                return None
            check_page(self.flow, page.url)
            return True if not on_sign_in_page(self.flow, page.url) else None

        if not await poll_until(page, attempt, SIGN_IN_SECONDS):
            raise Outcome(State.LOGIN_REQUIRED,
                          f"Signing in to {self.flow.name} did not finish within {SIGN_IN_SECONDS}s.")

    async def enter_code(self, code_field: Locator) -> None:
        assert self.login.one_time_code is not None  # the code field was found from it
        self.run.say("entering the one-time code")
        try:
            code = self.run.account.one_time_code()
        except AccountUnusable as problem:
            raise Outcome(State.LOGIN_REQUIRED, str(problem)) from None
        self.run.secrets.append(code)
        self.guard_password_host()
        await self.run.page.fill(code_field, code)
        await self.run.click_unique(self.login.one_time_code.submit, SIGN_IN_SECONDS)


async def sign_in_by_person(driver: Driver, flow: Flow, account: Account, progress: Progress, timeout: float) -> bool:
    """Open the sign-in page in a visible browser and wait while the person signs in (passkeys,
    two-step codes and CAPTCHAs are theirs to do); save the session once they are in."""
    login = flow.login
    if login is None:
        return False
    page = await driver.open_page(flow.platform, flow.domains + flow.sign_in_domains(), None)
    try:
        await page.goto(login.url)
        progress(f"{flow.name}: sign in in the browser window; waiting up to {timeout / 60:g} minutes")

        async def attempt() -> bool | None:
            if path_matches(page.url, login.refused_urls):
                raise SignInRefused(
                    f"{flow.name} refused to sign in in this browser (it says the browser may not be secure). "
                    "`optout login` uses your installed Google Chrome or Microsoft Edge when there is one: install "
                    f"one, or use `optout login {flow.platform} --browser PATH` with Chrome's executable, or "
                    "`--cdp URL` to take the session from the browser you are signed in with.")
            waiting = on_sign_in_page(flow, page.url) or path_matches(page.url, login.checkpoint_urls)
            return None if waiting else True

        if not await poll_until(page, attempt, timeout):
            return False
        account.save_session(await page.session_state())
        return True
    finally:
        await driver.close_page(page)
