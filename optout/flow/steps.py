"""What a flow does on the way to a control: one-key steps (click, wait_for, goto, press)."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from optout.flow.locators import Target
from optout.flow.strict import Strict


class Step(Strict):
    """One step, one key (Maestro style): click, wait_for, goto or press (a key: Escape closes a
    dialog). `optional: true` lets a click or wait_for be skipped when its element never shows
    (a confirmation some accounts get and others do not)."""

    click: Target | None = None
    wait_for: Target | None = None
    goto: str | None = None
    press: Literal["Escape", "Enter", "Tab"] | None = None
    optional: bool = False

    @model_validator(mode="after")
    def _one_key(self) -> Step:
        keys = [k for k in STEP_KEYS if getattr(self, k) is not None]
        if len(keys) != 1:
            raise ValueError("a step has exactly one of click, wait_for, goto, press")
        if self.optional and keys[0] not in ("click", "wait_for"):
            raise ValueError("only a click or wait_for step can be optional")
        return self

    def describe(self) -> str:
        if self.goto is not None:
            return f"goto {self.goto}"
        if self.press is not None:
            return f"press {self.press}"
        key = "click" if self.click is not None else "wait_for"
        return f"{key} {getattr(self, key)[0].describe()}" + (" (if shown)" if self.optional else "")


STEP_KEYS = ("click", "wait_for", "goto", "press")
