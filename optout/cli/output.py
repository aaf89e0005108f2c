"""Everything optout shows. With --json, exactly one JSON document on stdout and nothing else
there; otherwise tables and lines for people on stdout. Progress, warnings and errors always go
to stderr, so they never mix with what a pipeline reads.

Messages are written with Markdown code spans (`optout login x`), which the Markdown report
keeps; a terminal shows the command in bold, without the backticks. Tables never cut or fold a
cell (ids and states are typed back, dates are read whole): the columns are as wide as their
longest cell, and a long detail goes on its own wrapped lines under its row."""

from __future__ import annotations

import re
import sys
from typing import Sequence

from rich.console import Console
from rich.text import Text

from optout.reports import json_text
from optout.results import Result, State

STATE_STYLES = {
    State.OPTED_OUT.value: "bold green",
    State.OPTED_IN.value: "bold red",
    State.NOT_OFFERED.value: "cyan",
    State.LOGIN_REQUIRED.value: "yellow",
    State.NEEDS_HUMAN.value: "yellow",
    State.FLOW_OUTDATED.value: "magenta",
    State.ERROR.value: "red",
}

stdout = Console(highlight=False, soft_wrap=False)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)  # one problem, one line

CODE_SPAN = re.compile(r"`([^`]+)`")
DETAIL = "detail"  # the column shown under its row rather than beside it
GAP = "  "
INDENT = 4


class Verbatim(str):
    """Text shown exactly as it is (a crontab line, what a scheduler printed): its backticks are
    its own, not code spans."""


def plain(message: str, style: str = "") -> Text:
    """A message for the terminal: its code spans bold and without backticks, never markup."""
    if isinstance(message, Verbatim):
        return Text(message, style=style)
    text = Text(style=style)
    end = 0
    for span in CODE_SPAN.finditer(message):
        text.append(message[end:span.start()])
        text.append(span.group(1), style="bold")
        end = span.end()
    text.append(message[end:])
    return text


def show(as_json: bool, document: dict, columns: Sequence[str] = (), rows: Sequence[Sequence[str]] = (), *,
         empty: str | None = None, lines: Sequence[str] = (), notes: Sequence[str] = (),
         under: Sequence[str] = (DETAIL,)) -> None:
    """What a command found: with --json the document; otherwise the table of `columns` and `rows`
    (or the `empty` line when it has no rows; the columns named in `under` under each row), then
    `lines`, and `notes` as warnings on stderr."""
    if as_json:
        sys.stdout.write(json_text(document))
        return
    if not rows and empty is not None:
        say(empty)
    elif columns:
        table(columns, rows, under)
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
        if title:
            stdout.print(Text(title, style="bold"))
        results_table(results)
        for folder in sorted({str(r.evidence).rsplit("/", 1)[0] for r in results if r.evidence}):
            say(f"Screenshots: {folder}")


def results_table(results: list[Result]) -> None:
    table(["setting", "state", "changed", DETAIL],
          [[r.target, r.state.value, "yes" if r.changed else "", r.detail] for r in results])


def table(columns: Sequence[str], rows: Sequence[Sequence[str]], under: Sequence[str] = (DETAIL,)) -> None:
    """Aligned columns, none cut; the text of the columns named in `under`, where a row has any,
    on wrapped lines under that row. A state is coloured as everywhere else."""
    beside = [i for i, name in enumerate(columns) if name not in under]
    below = [i for i, name in enumerate(columns) if name in under]
    cells = [[plain(row[i], STATE_STYLES.get(row[i], "") if columns[i] == "state" else "") for i in beside]
             for row in rows]
    headers = [Text(columns[i], style="bold") for i in beside]
    widths = [max(cell.cell_len for cell in column) for column in zip(headers, *cells, strict=True)]

    def line(texts: list[Text]) -> Text:
        for text, width in zip(texts, widths, strict=True):
            text.pad_right(width - text.cell_len)
        joined = Text(GAP).join(texts)
        joined.rstrip()
        return joined

    stdout.print(line(headers), soft_wrap=True)
    for row, row_cells in zip(rows, cells, strict=True):
        stdout.print(line(row_cells), soft_wrap=True)  # wider than the screen: the terminal wraps it, uncut
        for i in below:
            if row[i]:
                for wrapped in between_words(plain(row[i]), max(stdout.width - INDENT, 20)):
                    stdout.print(Text(" " * INDENT) + wrapped, soft_wrap=True)


def between_words(text: Text, width: int) -> list[Text]:
    """Lines of at most `width` cells, broken at spaces only: a path or URL longer than a line
    stays whole (the terminal wraps it), so it can be copied."""
    breaks, start, last_space = [], 0, None
    for match in re.finditer(" ", text.plain):
        if match.start() - start > width and last_space is not None:
            breaks.append(last_space + 1)
            start = last_space + 1
        last_space = match.start()
    if len(text.plain) - start > width and last_space is not None and last_space + 1 > start:
        breaks.append(last_space + 1)
    lines = text.divide(breaks)
    for line in lines:
        line.rstrip()
    return list(lines)


def say(message: str) -> None:
    stdout.print(plain(message), soft_wrap=True)  # never broken inside a path or command line


def progress(message: str) -> None:
    stderr.print(plain(f"… {message}", style="dim"))


def warn(message: str) -> None:
    stderr.print(plain(f"warning: {message}", style="yellow"))


def error(message: str) -> None:
    stderr.print(plain(f"error: {message}", style="red"))
