"""Everything optout shows. With --json, exactly one JSON document on stdout and nothing else
there; otherwise tables and lines for people on stdout. Progress, warnings and errors always go
to stderr, so they never mix with what a pipeline reads."""

from __future__ import annotations

import sys
from typing import Sequence

from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

from optout.reports import json_text
from optout.results import Result, State

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


def show(as_json: bool, document: dict, columns: Sequence[str] = (), rows: Sequence[Sequence[str]] = (), *,
         empty: str | None = None, lines: Sequence[str] = (), notes: Sequence[str] = ()) -> None:
    """What a command found: with --json the document; otherwise the table of `columns` and `rows`
    (or the `empty` line when it has no rows), then `lines`, and `notes` as warnings on stderr."""
    if as_json:
        sys.stdout.write(json_text(document))
        return
    if not rows and empty is not None:
        say(empty)
    elif columns:
        table = Table(*columns)
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))
        stdout.print(table)
    for line in lines:
        say(line)
    for note in notes:
        warn(note)


def show_results(as_json: bool, document: dict, tables: Sequence[tuple[str | None, list[Result]]]) -> None:
    """Results: with --json the document; otherwise a table per (title, results), each followed by
    where its screenshots are."""
    if as_json:
        sys.stdout.write(json_text(document))
        return
    for title, results in tables:
        stdout.print(results_table(results, title))
        for folder in sorted({str(r.evidence).rsplit("/", 1)[0] for r in results if r.evidence}):
            stdout.print(f"Screenshots: {folder}")


def results_table(results: list[Result], title: str | None = None) -> Table:
    table = Table(Column("setting", no_wrap=True), Column("state", no_wrap=True), Column("changed", no_wrap=True),
                  "detail", title=title, title_justify="left", show_lines=False)
    for result in results:
        state = Text(result.state.value, style=STATE_STYLES[result.state])
        # Text, not markup: "[site.example.com]" in a per-item target is not a style tag.
        table.add_row(Text(result.target), state, "yes" if result.changed else "", Text(result.detail))
    return table


def say(message: str) -> None:
    stdout.print(message, markup=False, soft_wrap=True)  # never broken inside a path or command line


def progress(message: str) -> None:
    stderr.print(Text(f"… {message}", style="dim"))


def warn(message: str) -> None:
    stderr.print(Text(f"warning: {message}", style="yellow"))


def error(message: str) -> None:
    stderr.print(Text(f"error: {message}", style="red"))
