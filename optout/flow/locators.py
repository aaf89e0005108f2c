"""How a flow finds an element on a page: a locator, and a target of ranked fallback locators."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from optout.addresses import ITEM_PLACEHOLDER
from optout.flow.strict import Regex, Strict

Role = Literal[
    "switch", "checkbox", "radio", "radiogroup", "combobox", "listbox", "option", "button",
    "link", "menu", "menuitem", "menuitemradio", "tab", "textbox", "heading", "dialog", "region",
]


class Locator(Strict):
    """One way to find an element. Exactly one strategy:

    - role (+ name or name_pattern): by ARIA role and accessible name;
    - role + within: the only control of that role in the smallest region containing the wording
      (for pages whose switch is named just "On"); with name or name_pattern too, only the
      controls so named in that region (a dropdown button showing "Disabled" under its setting);
    - role + checked: only while checked (true) or not (false), e.g. "the Public option is not
      selected", for not_offered;
    - role + disabled: only while greyed out (true) or not (false), e.g. a switch offered only in
      a yearly window, for not_offered;
    - label / text / text_pattern: by associated label or visible text;
    - css: the last resort.
    """

    role: Role | None = None
    name: str | None = None
    name_pattern: Regex | None = None
    within: str | None = None
    checked: bool | None = None
    disabled: bool | None = None
    label: str | None = None
    text: str | None = None
    text_pattern: Regex | None = None
    css: str | None = None

    @model_validator(mode="after")
    def _one_strategy(self) -> Locator:
        if self.role is None:
            if self.name is not None or self.name_pattern is not None or self.within is not None:
                raise ValueError("name, name_pattern and within need a role")
            if self.checked is not None:
                raise ValueError("checked needs a role")
            if self.disabled is not None:
                raise ValueError("disabled needs a role")
            used = [k for k in ("label", "text", "text_pattern", "css") if getattr(self, k) is not None]
            if len(used) != 1:
                raise ValueError("give exactly one of role, label, text, text_pattern or css")
            return self
        if self.name is not None and self.name_pattern is not None:
            raise ValueError("give only one of name, name_pattern with a role")
        if any(getattr(self, k) is not None for k in ("label", "text", "text_pattern", "css")):
            raise ValueError("a role locator cannot also use label, text, text_pattern or css")
        return self

    def describe(self) -> str:
        if self.role:
            state = "" if self.checked is None else (" (checked)" if self.checked else " (not checked)")
            state += "" if self.disabled is None else (" (disabled)" if self.disabled else " (enabled)")
            named = (f' "{self.name}"' if self.name is not None
                     else f" /{self.name_pattern}/" if self.name_pattern is not None else "")
            where = f' in the section saying "{self.within}"' if self.within is not None else ""
            return f"{self.role}{named}{where}{state}"
        for key in ("label", "text", "text_pattern", "css"):
            value = getattr(self, key)
            if value is not None:
                return f'{key.replace("_", " ")} "{value}"'
        raise AssertionError("validated locator has a strategy")

    def with_item(self, item: str) -> Locator:
        fields = self.model_dump(exclude_none=True)
        return Locator.model_validate(
            {k: v.replace(ITEM_PLACEHOLDER, item) if isinstance(v, str) else v for k, v in fields.items()})


def _short_target(value: object) -> object:
    """Short forms: "Some text" means {text: ...}; one locator means a list of one."""
    if isinstance(value, str):
        return [{"text": value}]
    if isinstance(value, dict):
        return [value]
    return value


# Ranked fallbacks: the first locator that matches decides; two matches is never a guess.
Target = Annotated[list[Locator], BeforeValidator(_short_target), Field(min_length=1)]
