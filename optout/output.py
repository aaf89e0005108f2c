"""Everything optout shows: one JSON document on stdout with --json, tables for people, and
progress, warnings and errors on stderr."""

from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from optout.results import Result, State

JSON_VERSION = 1
STATE_STYLES = {
    State.OPTED_OUT: "bold green",
    State.OPTED_IN: "bold red",
    State.NOT_OFFERED: "cyan",
    State.LOGIN_REQUIRED: "yellow",
    State.NEEDS_HUMAN: "yellow",
    State.FLOW_OUTDATED: "magenta",
    State.ERROR: "red",
}

stdout = Console(highlight=False, soft_wrap=False)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)  # one problem, one line


def progress(message: str) -> None:
    stderr.print(Text(f"… {message}", style="dim"))


def warn(message: str) -> None:
    stderr.print(Text(f"warning: {message}", style="yellow"))


def error(message: str) -> None:
    stderr.print(Text(f"error: {message}", style="red"))


def json_text(document: dict) -> str:
    return json.dumps({"version": JSON_VERSION, **document}, indent=2) + "\n"


def emit_json(document: dict) -> None:
    sys.stdout.write(json_text(document))


def results_table(results: list[Result], title: str | None = None) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("setting", no_wrap=True)
    table.add_column("state", no_wrap=True)
    table.add_column("changed", no_wrap=True)
    table.add_column("detail")
    for result in results:
        state = Text(result.state.value, style=STATE_STYLES[result.state])
        # Text, not markup: "[site.example.com]" in a per-item target is not a style tag.
        table.add_row(Text(result.target), state, "yes" if result.changed else "", Text(result.detail))
    return table


def show_results(results: list[Result], title: str | None = None) -> None:
    stdout.print(results_table(results, title))
    evidence = sorted({str(r.evidence).rsplit("/", 1)[0] for r in results if r.evidence})
    for folder in evidence:
        stdout.print(f"Screenshots: {folder}")


def show_rows(columns: list[str], rows: list[list[str]]) -> None:
    table = Table()
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    stdout.print(table)


def say(message: str) -> None:
    stdout.print(message, markup=False, soft_wrap=True)  # never broken inside a path or command line
