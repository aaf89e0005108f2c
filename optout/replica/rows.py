"""Settings rows for the second-wave replicas: a switch beside its label, as most settings pages
draw them. The row is the smallest section holding the label, so a flow's `within` finds the
switch even when the label is not tied to it."""

from __future__ import annotations

from html import escape

from optout.replica.base import switch


def switch_row(key: str, label: str, on: bool, *, note: str = "", native: bool = False, tied: bool = True,
               disabled: bool = False) -> str:
    """A row: the label (and a note under it, HTML), then the switch. tied=False leaves the switch
    without a name (the label only sits beside it); disabled draws it locked, as plans that
    manage the setting for the person do."""
    label_id = f"label-{key}"
    control = switch(key, label_id, on, native=native)
    if not tied:
        control = control.replace(f'aria-labelledby="{label_id}" ', "")
    if disabled:
        control = control.replace(' class="switch"', ' class="switch" disabled aria-disabled="true"', 1)
    explanation = f'<p class="note">{note}</p>' if note else ""
    return (f'<div class="row"><div><p class="title" id="{label_id}">{escape(label)}</p>{explanation}</div>'
            f"{control}</div>")


def settings_layout(links: tuple[tuple[str, str], ...], current: str, content: str) -> str:
    """A settings page: a rail of (title, href) links, the current one marked, beside the content."""
    nav = "".join(f'<a href="{escape(href)}"{" aria-current=page" if href == current else ""}>{escape(title)}</a>'
                  for title, href in links)
    return (f'<div class="app"><nav class="rail" aria-label="Settings">{nav}</nav>'
            f'<main class="content">{content}</main></div>')
