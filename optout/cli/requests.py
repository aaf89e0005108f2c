"""Opt-outs that are a message the person sends (Slack's e-mail): handing over the e-mail an
apply just wrote, and `optout confirm` once the platform's reply came."""

from __future__ import annotations

import sys

import typer

from optout.cli import output
from optout.errors import UsageError


def confirm(target: str = typer.Argument(..., metavar="TARGET",
                                         help="The request or form whose confirmation you received, "
                                              "e.g. slack/model-opt-out (or just slack).")) -> None:
    """Record that a platform confirmed an opt-out optout wrote or sent (e.g. Slack's reply to the
    e-mail): from then on check reports it opted out."""
    from optout.accounts import confirm_submission
    from optout.lock import run_lock
    from optout.runner import named_flow

    flow = named_flow(target.partition("/")[0])
    confirmable = [s for s in flow.settings if s.request or (s.control and s.control.kind == "form")]
    setting_id = target.partition("/")[2] or (confirmable[0].id if len(confirmable) == 1 else "")
    picked = flow.setting(setting_id)
    if picked is None or picked not in confirmable:
        names = ", ".join(f"{flow.platform}/{s.id}" for s in confirmable) or "none"
        raise UsageError(f"Nothing to confirm in {target!r}: only requests and forms are confirmed by hand, "
                         f"and {flow.name} has {names}.")
    name = f"{flow.platform}/{picked.id}"
    with run_lock():  # a run may be recording a submission in the same file
        record = confirm_submission(flow.platform, picked.id)
    if record is None:
        raise UsageError(f"optout has not written or sent {name} yet: run `optout apply {name}` first.")
    if record.get("confirmed"):
        output.say(f"{name} was already confirmed; nothing changed.")
        return
    output.say(f"Recorded that {flow.name} confirmed {name}; `optout check {flow.platform}` now reports it opted out.")


def hand_over(results, selections, as_json: bool) -> None:
    """Each request e-mail this run wrote: opened in the person's mail client when someone is at
    the screen, else printed (on stderr beside a --json document, which already names it)."""
    import webbrowser

    from optout.accounts import read_submissions
    from optout.credentials import is_interactive
    from optout.engine import compose

    flows = {selection.flow.platform: selection.flow for selection in selections}
    for result in results:
        setting = flows[result.platform].setting(result.setting)
        if setting is None or setting.request is None or not result.changed:
            continue
        email = compose(setting.request, read_submissions()[result.platform][result.setting]["answer"])
        if is_interactive() and webbrowser.open(email.mailto()):
            output.warn(f"Opened the e-mail to {email.to} in your mail client: send it from an owner's address.")
        elif as_json:
            print(email.text(), file=sys.stderr)
        else:
            output.say(email.text())
