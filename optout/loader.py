"""Read flow files: YAML in, validated Flow out, with errors that name the file, line and field."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from optout.schema import Flow, PlacedProblems

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class FlowFileError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class LoadedFlow:
    flow: Flow
    path: Path
    sha256: str


def flows_dir() -> Path:
    """OPTOUT_FLOWS, else the flows shipped in the wheel, else the checkout's top-level flows/."""
    configured = os.environ.get("OPTOUT_FLOWS")
    if configured:
        return Path(configured)
    bundled = PACKAGE_DIR / "_flows"
    return bundled if bundled.is_dir() else PACKAGE_DIR.parent / "flows"


def load_flow(path: Path) -> LoadedFlow:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FlowFileError([Problem(path, None, "", f"cannot read: {exc.strerror}")]) from None
    try:
        root = yaml.compose(raw.decode("utf-8"), Loader=yaml.SafeLoader)
        data = yaml.safe_load(raw)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        message = getattr(exc, "problem", None) or str(exc)
        raise FlowFileError([Problem(path, line + 1 if line is not None else None, "", f"not valid YAML: {message}")]) from None
    problems = _duplicate_keys(path, root)
    if problems:
        raise FlowFileError(problems)
    if not isinstance(data, dict):
        raise FlowFileError([Problem(path, 1, "", "a flow file is a mapping (platform:, settings: ...)")])
    try:
        flow = Flow.model_validate(data)
    except ValidationError as exc:
        raise FlowFileError([p for error in exc.errors() for p in _problems(path, root, error)]) from None
    return LoadedFlow(flow, path, hashlib.sha256(raw).hexdigest())


def load_flows(directory: Path | None = None) -> dict[str, LoadedFlow]:
    """Every *.yaml flow in the directory, by platform id."""
    flows: dict[str, LoadedFlow] = {}
    for path in sorted((directory or flows_dir()).glob("*.yaml")):
        loaded = load_flow(path)
        earlier = flows.setdefault(loaded.flow.platform, loaded)
        if earlier is not loaded:
            raise FlowFileError([Problem(path, None, "platform",
                                         f"{loaded.flow.platform!r} is already defined in {earlier.path}")])
    return flows


def _problems(path: Path, root: yaml.Node | None, error: dict) -> list[Problem]:
    placed = error.get("ctx", {}).get("error")
    if isinstance(placed, PlacedProblems):
        return [Problem(path, _line_of(root, loc), _field_name(loc), message) for loc, message in placed.problems]
    return [_problem(path, root, error)]


def _problem(path: Path, root: yaml.Node | None, error: dict) -> Problem:
    loc = tuple(error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    elif error["type"] == "missing":
        message = "required key is missing"
    return Problem(path, _line_of(root, loc), _field_name(loc), message)


def _field_name(loc: tuple) -> str:
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _line_of(node: yaml.Node | None, loc: tuple) -> int | None:
    """The 1-based line of the deepest YAML node on the error's path (a key's line for values)."""
    line = node.start_mark.line + 1 if node else None
    for part in loc:
        found = _child(node, part)
        if found is None:
            break
        marker, node = found
        line = marker.start_mark.line + 1
    return line


def _child(node: yaml.Node | None, part: object) -> tuple[yaml.Node, yaml.Node] | None:
    """(the node to point at, the node to descend into) for one step of an error's path."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == part:
                return key, value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part], node.value[part]
    return None


def _duplicate_keys(path: Path, node: yaml.Node | None, seen_nodes: set[int] | None = None) -> list[Problem]:
    """Repeated keys, which YAML loaders silently resolve to the last one. Aliased nodes are
    visited once, so recursive or exponential aliases cannot hang or crash the loader."""
    seen_nodes = set() if seen_nodes is None else seen_nodes
    if id(node) in seen_nodes:
        return []
    seen_nodes.add(id(node))
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                problems.append(Problem(path, key.start_mark.line + 1, str(key.value), "key appears twice"))
            seen.add(key.value)
            problems += _duplicate_keys(path, value, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            problems += _duplicate_keys(path, item, seen_nodes)
    return problems
