"""How a flow signs in: a password form, or a person signing in with `optout login`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from optout.flow.locators import Locator, Target
from optout.flow.steps import Step
from optout.flow.strict import Regex, Strict


class OneTimeCode(Strict):
    field: Target
    submit: Target


class Login(Strict):
    """How to sign in. method `browser`: headless sign-in is unrealistic (hostile sign-in pages);
    the person signs in with `optout login` and the saved session is used.

    sign_in_domains: hosts a sign-in passes through (auth.openai.com, accounts.google.com),
    allowed while signing in only. password_domains: where a stored username and password may be
    typed (default: the flow's domains); a sign-in domain takes them only when listed here.
    """

    method: Literal["password", "browser"] = "password"
    url: str
    sign_in_domains: list[str] = Field(default_factory=list)
    password_domains: list[str] | None = None
    signed_out_urls: list[Regex] = Field(min_length=1)  # paths that mean "not signed in"
    checkpoint_urls: list[Regex] = Field(default_factory=list)  # security checks: a person's job
    refused_urls: list[Regex] = Field(default_factory=list)  # "this browser may not be secure"
    username: Target | None = None
    after_username: list[Step] = Field(default_factory=list)  # two-step forms: "Continue"
    password: Target | None = None
    submit: Target | None = None
    failure: list[Locator] = Field(default_factory=list)  # what a rejected password shows
    one_time_code: OneTimeCode | None = None

    @model_validator(mode="after")
    def _password_fields(self) -> Login:
        form = (self.username, self.password, self.submit)
        if self.method == "password" and any(part is None for part in form):
            raise ValueError("password sign-in needs username, password and submit")
        return self
