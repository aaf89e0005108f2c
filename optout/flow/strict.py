"""What every flow model is: strict (an unknown key is an error) and frozen; and a checked regex."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict

from optout.patterns import valid_regex


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Regex = Annotated[str, BeforeValidator(valid_regex)]
