"""The flow file format: YAML files read into strict, versioned models (unknown keys are errors).

A flow is data, not code: locators, URLs inside the platform's own domains, and one-key steps.
Every shape the catalogue needs is expressible here (switch, checkbox, a choice among options,
a dropdown, a menu, a form, one setting repeated per item); the engine decides which it runs.
This package is the only one that imports pydantic.
"""

from optout.flow.loader import FlowFileError, LoadedFlow, load_flow, load_flows
from optout.flow.locators import Locator
from optout.flow.schema import Flow, Setting

__all__ = ["Flow", "FlowFileError", "LoadedFlow", "Locator", "Setting", "load_flow", "load_flows"]
