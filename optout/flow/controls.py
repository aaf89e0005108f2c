"""The control a setting reads and changes, one model per kind, and which value means opted out."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from optout.flow.locators import Target
from optout.flow.steps import Step
from optout.flow.strict import Strict


class FormField(Strict):
    find: Target
    value: str  # may use {username}; never a secret from the keyring


def _not_a_form(data: dict) -> str | None:
    if "fields" in data or "confirmation" in data:
        return "fields and confirmation belong to a form"
    return None


def _toggle_shape(data: dict) -> str | None:
    if not isinstance(data.get("opted_out"), bool):
        return f"a {data.get('kind')} needs opted_out: on or off"
    return _not_a_form(data)


def _option_shape(data: dict) -> str | None:
    if not isinstance(data.get("opted_out"), str):
        return f"a {data.get('kind')} needs opted_out: the option that means opted out"
    if data.get("kind") == "menu" and data.get("opted_out_when") is None:
        return "a menu needs opted_out_when: what the page shows once opted out"
    return _not_a_form(data)


def _form_shape(data: dict) -> str | None:
    if "opted_out" in data or not data.get("fields") or data.get("confirmation") is None:
        return "a form needs fields and confirmation, and no opted_out"
    return None


class Shaped(Strict):
    """A control kind. Before its keys are validated one by one, the keys that make its kind are
    checked together, the problem said in the flow's words (not as a missing or unknown key)."""

    @staticmethod
    def shape_problem(data: dict) -> str | None:
        """What is wrong with the keys that make this kind, or None."""
        return None

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: object) -> object:
        problem = cls.shape_problem(data) if isinstance(data, dict) else None
        if problem:
            raise ValueError(problem)
        return data


class Changeable(Shaped):
    """A control optout reads and changes: `find` is the control, `after_change` what confirms
    a change (a Save or Done button)."""

    find: Target
    after_change: list[Step] = Field(default_factory=list)


class Toggle(Changeable):
    """switch/checkbox: opted_out is on/off (true/false); "Prevent…" controls are opted out when on."""

    kind: Literal["switch", "checkbox"]
    opted_out: bool

    @staticmethod
    def shape_problem(data: dict) -> str | None:
        return _toggle_shape(data)


class Options(Changeable):
    """choice: radio options; opted_out names the option to select.
    select: a dropdown, native or a button that opens a menu of its values (GitHub's); opted_out
            is the option's label."""

    kind: Literal["choice", "select"]
    opted_out: str

    @staticmethod
    def shape_problem(data: dict) -> str | None:
        return _option_shape(data)


class Menu(Changeable):
    """`find` opens a menu, opted_out is the menu item to choose; `opted_out_when` shows the
    state afterwards (the button itself does not carry a checked state)."""

    kind: Literal["menu"]
    opted_out: str
    opted_out_when: Target

    @staticmethod
    def shape_problem(data: dict) -> str | None:
        return _option_shape(data)


class Form(Shaped):
    """State cannot be read back; `fields` are filled, `find` is the submit button and
    `confirmation` is what the page shows once the request is accepted."""

    kind: Literal["form"]
    find: Target
    fields: list[FormField] = Field(min_length=1)
    confirmation: Target

    @staticmethod
    def shape_problem(data: dict) -> str | None:
        return _form_shape(data)


# The control and which value means opted out, one model per kind (see each for its keys).
Control = Annotated[Toggle | Options | Menu | Form, Field(discriminator="kind")]
CONTROL_KINDS = ("switch", "checkbox", "choice", "select", "menu", "form")
