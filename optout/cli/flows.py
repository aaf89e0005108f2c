"""flows list and flows validate: the flow files, without a browser."""

from __future__ import annotations

from pathlib import Path
from typing import List

import typer

from optout.cli import output
from optout.cli.options import JsonOpt, typer_app
from optout.exitcodes import ExitCode

flows_app = typer_app("Validate and list flow files.")


@flows_app.command("validate")
def flows_validate(paths: List[Path] = typer.Argument(..., metavar="FILE", help="Flow files to check.")) -> None:
    """Check flow files against the schema (no browser)."""
    from optout.flow import FlowFileError, load_flow

    failed = False
    for path in paths:
        try:
            loaded = load_flow(path)
        except FlowFileError as exc:  # every file is checked: each problem of each is one line
            failed = True
            for problem in exc.problems:
                output.error(str(problem))
            continue
        output.say(f"{path}: ok ({loaded.flow.platform}, {len(loaded.flow.settings)} settings)")
    if failed:
        raise typer.Exit(int(ExitCode.USAGE))


@flows_app.command("list")
def flows_list(as_json: bool = JsonOpt) -> None:
    """List platforms, their settings, regions and how they sign in."""
    from optout.flow import load_flows

    loaded_flows = list(load_flows().values())
    output.show(as_json, {"flows": [flow_summary(loaded) for loaded in loaded_flows]},
                ["setting", "sign-in", "confidence", "title", "regions"],
                [[f"{loaded.flow.platform}/{s.id}" + (" (local)" if loaded.local else ""),
                  sign_in_method(loaded.flow), shown_confidence(s.confidence),
                  s.title + (" (admins only)" if s.admin else ""), s.regions or s.advice or ""]
                 for loaded in loaded_flows for s in loaded.flow.settings],
                notes=[f"{loaded.flow.platform}: your local flow {loaded.path} replaces the bundled one."
                       for loaded in loaded_flows if loaded.local], under=("title", "regions"))


def shown_confidence(confidence: str | None) -> str:
    """Low confidence stands out: its labels and path are mostly unconfirmed."""
    return "LOW (unconfirmed)" if confidence == "low" else confidence or ""


def sign_in_method(flow) -> str:
    if flow.login is None:
        return "none needed"
    return "password or `optout login`" if flow.login.method == "password" else "`optout login` only"


def flow_summary(loaded) -> dict:
    flow = loaded.flow
    return {
        "platform": flow.platform, "name": flow.name, "group": flow.group, "sign_in": sign_in_method(flow),
        "local": str(loaded.path) if loaded.local else None, "languages": flow.languages,
        "settings": [{"id": s.id, "title": s.title, "url": s.url, "regions": s.regions,
                      "confidence": s.confidence, "admin": s.admin, "advice": s.advice} for s in flow.settings],
        "sources": [source.url for source in flow.sources],
    }
