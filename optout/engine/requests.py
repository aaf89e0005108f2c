"""Opt-outs that are a message the person sends (Slack's e-mail from a workspace owner). No page
is opened: optout writes the e-mail once, records when, and reports `needs_human` until the
person records the platform's reply with `optout confirm`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from optout.engine.account import AccountUnusable
from optout.flow import Setting
from optout.flow.schema import Request
from optout.patterns import pattern
from optout.results import Result, State, utc_now

if TYPE_CHECKING:
    from optout.engine import Job, RunOptions


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str

    def mailto(self) -> str:
        return f"mailto:{self.to}?subject={quote(self.subject, safe='')}&body={quote(self.body, safe='')}"

    def text(self) -> str:
        return f"To: {self.to}\nSubject: {self.subject}\n\n{self.body}"


def compose(request: Request, answer: str) -> Email:
    return Email(request.to, request.subject, request.body.replace("{" + request.ask.name + "}", answer))


def request_result(job: Job, setting: Setting, options: RunOptions) -> Result:
    state, detail, changed = request_state(job, setting, options)
    return Result(job.flow.platform, setting.id, setting.title, state, detail, changed=changed)


def request_state(job: Job, setting: Setting, options: RunOptions) -> tuple[State, str, bool]:
    """What is known of a request (recorded: written, confirmed), or the e-mail written now under apply."""
    request, flow = setting.request, job.flow
    assert request is not None  # only request settings come here
    target = f"{flow.platform}/{setting.id}"
    record = job.account.submission(setting.id)
    if record is not None:
        about = f" for {record['answer']}" if record.get("answer") else ""
        if record.get("confirmed"):
            return (State.OPTED_OUT, f"E-mailed {request.to}{about} on {record['at']}; you confirmed {flow.name}'s "
                    f"reply on {record.get('confirmed_at', record['at'])}.", False)
        return (State.NEEDS_HUMAN, f"The opt-out e-mail to {request.to}{about} was written on {record['at']}; "
                f"waiting for {flow.name}'s reply. When it comes, run `optout confirm {target}`.", False)
    if not options.apply or options.dry_run:
        dry = f" (dry run: would write it to {request.to})" if options.apply else ""
        return State.OPTED_IN, f"No opt-out e-mail has been written from optout yet{dry}.", False
    ask = request.ask
    try:
        answer = job.account.answer(ask).strip()
    except AccountUnusable as nobody_gave_it:
        return State.NEEDS_HUMAN, f"{nobody_gave_it} Nothing was written.", False
    if not re.fullmatch(pattern(ask.answer_pattern), answer):
        return (State.NEEDS_HUMAN, f"{answer!r} is not {ask.what} such as "
                f"{ask.example}; nothing was written.", False)
    job.account.record_submission(setting.id, {"at": utc_now(), "confirmed": False, "to": request.to,
                                               "answer": answer})
    return (State.NEEDS_HUMAN, f"Wrote the opt-out e-mail for {answer} to {request.to} (subject "
            f"\"{request.subject}\"): send it from an owner's address. When {flow.name} replies that it is done, "
            f"run `optout confirm {target}`.", True)
