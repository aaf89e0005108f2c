"""The flow file format: YAML files read into strict models (the only package that imports pydantic)."""

from optout.flow.loader import FlowFileError, LoadedFlow, load_flow, load_flows
from optout.flow.schema import Flow, Locator, Setting

__all__ = ["Flow", "FlowFileError", "LoadedFlow", "Locator", "Setting", "load_flow", "load_flows"]
