"""Read flow files: YAML in, validated Flow out, with errors that name the file, line and field."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import yaml

from optout.errors import UsageError
from optout.flow.schema import Flow, PlacedProblems, validate_flow
from optout.names import PLATFORM_ID

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C loader when installed

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # optout/, beside which _flows or flows/ is
MAX_FLOW_BYTES = 256 * 1024  # the largest real flow is a few KB; a cap keeps a hostile file cheap
MAX_DEPTH = 40  # nesting deeper than any flow needs (a 5000-deep file would exhaust the recursion)
LOCAL_FLOWS = "flows"  # under OPTOUT_HOME: a person's own flows, replacing bundled ones by platform


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class FlowFileError(UsageError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @property
    def message(self) -> str:
        return f"invalid flow file:\n{self}"


@dataclass(frozen=True)
class LoadedFlow:
    flow: Flow
    path: Path
    sha256: str
    local: bool = False  # from OPTOUT_HOME/flows, replacing the bundled flow of its platform


def flows_dir() -> Path:
    """OPTOUT_FLOWS, else the bundled flows."""
    configured = os.environ.get("OPTOUT_FLOWS")
    return Path(configured) if configured else bundled_flows_dir()


def bundled_flows_dir() -> Path:
    """The flows shipped in the wheel, else the checkout's top-level flows/."""
    bundled = PACKAGE_DIR / "_flows"
    return bundled if bundled.is_dir() else PACKAGE_DIR.parent / "flows"


def bundled_flows() -> dict[str, LoadedFlow]:
    """The flows optout ships, by platform id, whatever OPTOUT_FLOWS and OPTOUT_HOME/flows say."""
    return _flows_in(bundled_flows_dir(), local=False)


def local_flows_dir() -> Path:
    from optout.home import optout_home

    return optout_home() / LOCAL_FLOWS


def load_flow(path: Path, *, local: bool = False) -> LoadedFlow:
    try:
        if path.stat().st_size > MAX_FLOW_BYTES:
            raise FlowFileError([Problem(path, None, "", f"is larger than {MAX_FLOW_BYTES // 1024} KiB; "
                                         "a flow file is a few KB")])
        raw = path.read_bytes()
    except OSError as exc:
        raise FlowFileError([Problem(path, None, "", f"cannot read: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
        _check_shape(path, text)
        root, data = _compose_and_construct(text)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        message = getattr(exc, "problem", None) or str(exc)
        where = line + 1 if line is not None else None
        raise FlowFileError([Problem(path, where, "", f"not valid YAML: {message}")]) from None
    problems = _duplicate_keys(path, root)
    if problems:
        raise FlowFileError(problems)
    if not isinstance(data, dict):
        raise FlowFileError([Problem(path, 1, "", "a flow file is a mapping (platform:, settings: ...)")])
    try:
        flow = validate_flow(data)
    except PlacedProblems as invalid:
        raise FlowFileError([Problem(path, _line_of(root, loc), _field_name(loc), message)
                             for loc, message in invalid.problems]) from None
    return LoadedFlow(flow, path, hashlib.sha256(raw).hexdigest(), local)


def _compose_and_construct(text: str) -> tuple[yaml.Node | None, object]:
    """The node tree (for line numbers) and the data built from it, in one pass over the text."""
    loader = SAFE_LOADER(text)
    try:
        root = loader.get_single_node()
        return root, loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()


def _check_shape(path: Path, text: str) -> None:
    """Refuse anchors and aliases (a few KB of them expand to gigabytes) and deep nesting, from
    the event stream, before anything is built."""
    depth = 0
    for event in yaml.parse(text, Loader=SAFE_LOADER):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise FlowFileError([Problem(path, line, "", "anchors and aliases (& and *) are not allowed in flows")])
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise FlowFileError([Problem(path, line, "", f"nested more than {MAX_DEPTH} levels deep")])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def load_flows(directory: Path | None = None, local_directory: Path | None = None,
               platforms: Iterable[str] | None = None) -> dict[str, LoadedFlow]:
    """Every *.yaml flow in the directory, by platform id; then the person's own flows in
    OPTOUT_HOME/flows, each replacing the flow of its platform. A broken local flow is an error
    naming its file, never a silent fallback to the bundled one.

    With `platforms`, only their files are read when each is named after its platform
    (linkedin.yaml), as every bundled flow is; otherwise all are, since only a file's content says
    which platform it is for. The person's own flows are always all read: any of them may replace."""
    local_directory = local_directory or local_flows_dir()
    flows = _flows_in(local_directory, local=True) if local_directory.is_dir() else {}
    directory = directory or flows_dir()
    wanted = None if platforms is None else set(platforms) - set(flows)
    named = _named_files(directory, wanted) if wanted is not None else None
    return {**(named if named is not None else _flows_in(directory, local=False)), **flows}


def _named_files(directory: Path, platforms: set[str]) -> dict[str, LoadedFlow] | None:
    """The flows of these platforms read from files named after them; None when one is not."""
    flows: dict[str, LoadedFlow] = {}
    for platform in platforms:
        path = directory / f"{platform}.yaml"
        if not PLATFORM_ID.fullmatch(platform) or not path.is_file():
            return None
        loaded = load_flow(path)
        if loaded.flow.platform != platform:
            return None
        flows[platform] = loaded
    return flows


def _flows_in(directory: Path, *, local: bool) -> dict[str, LoadedFlow]:
    flows: dict[str, LoadedFlow] = {}
    for path in sorted(directory.glob("*.yaml")):
        loaded = load_flow(path, local=local)
        earlier = flows.setdefault(loaded.flow.platform, loaded)
        if earlier is not loaded:
            raise FlowFileError([Problem(path, None, "platform",
                                         f"{loaded.flow.platform!r} is already defined in {earlier.path}")])
    return flows


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


def load_data(path: Path) -> object:
    """A packaged YAML data file (not a flow): its plain value."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
