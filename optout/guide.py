"""What the guided first run (`optout setup`) needs from the library: the platforms as a person
looks for them, by group, and which of them can be checked already."""

from __future__ import annotations

from optout.accounts import known_accounts
from optout.flow import Flow, LoadedFlow, load_flows
from optout.sessions import SessionStore

GROUPS = {"social": "Social", "ai-assistants": "AI assistants", "creative": "Creative", "work": "Work"}
OTHER = "Other"  # a local or new flow that names no group


def by_group(flows: list[Flow]) -> list[tuple[str, list[Flow]]]:
    """Each group's label with its platforms in name order, in GROUPS' order; empty groups left out."""
    labels = [*GROUPS.values(), OTHER]
    grouped: dict[str, list[Flow]] = {label: [] for label in labels}
    for flow in sorted(flows, key=lambda f: f.name.lower()):
        grouped[GROUPS.get(flow.group or "", OTHER)].append(flow)
    return [(label, members) for label, members in grouped.items() if members]


def platforms() -> tuple[dict[str, LoadedFlow], set[str]]:
    """Every active flow by platform, and the platforms that have credentials or a saved session."""
    flows = load_flows()
    return flows, known_accounts(SessionStore(), flows) & set(flows)
