"""Discovery: controls on a platform's pages whose wording is about AI or model training and that
no setting of its flow covers. Reads only: it loads the pages (signing in as check does, and
dismissing the flow's declared interruptions) and never clicks a control or submits anything."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

from optout.addresses import ITEM_PLACEHOLDER
from optout.driver import Control, NavigationError
from optout.engine import controls as control_kinds
from optout.engine.account import Outcome
from optout.engine.run import PlatformRun, file_name
from optout.flow import Flow, Locator, Setting
from optout.flow.controls import Changeable
from optout.results import Finding, ScanReport, Unread, redact_urls
from optout.vocabulary import ai_wording

SCAN_ROLES = ("switch", "checkbox", "radiogroup", "radio", "combobox", "button")
# How long a setting's own page gets to show the setting before it is read as it is: late pages
# render within this; a renamed control would otherwise cost the whole setting timeout.
RENDER_SECONDS = 5.0


def scan_pages(flow: Flow, settings: list[Setting]) -> list[str]:
    """The settings' pages (those that need no item to open), then the flow's scan: pages."""
    urls = [url for s in settings for url in (s.url, s.for_each.url if s.for_each else None) if url]
    return list(dict.fromkeys(u for u in urls + flow.scan if ITEM_PLACEHOLDER not in u))


def known_locators(flow: Flow) -> list[Locator]:
    """The locators of every control the flow covers (per-item ones need an item, and are left out)."""
    return [loc for s in flow.settings if isinstance(s.control, Changeable)
            for loc in control_kinds.targets(s.control)
            if ITEM_PLACEHOLDER not in json.dumps(loc.model_dump(exclude_none=True))]


def looks_like_ai(control: Control) -> bool:
    if control.known or control.in_group or control.in_chrome or (control.role == "button" and not control.opens_list):
        return False
    return ai_wording(f"{control.name}\n{control.context}") is not None


async def scan_platform(run: PlatformRun, pages: list[str]) -> ScanReport:
    """Each page in turn, under the setting watchdog; a page that cannot be read is reported and the
    others are still read (unless the page stopped answering: then none is)."""
    flow = run.flow
    report = ScanReport(platforms=[flow.platform])
    for url in pages:
        if run.stalled:
            report.unread.append(Unread(flow.platform, url, run.stalled))
            continue
        run.steps = []
        run.say(f"scanning {url}")
        try:
            found = await asyncio.wait_for(read_page(run, url), run.options.setting_seconds)
        except asyncio.TimeoutError:
            run.stalled = (f"{flow.name}'s page stopped answering (the watchdog stopped it after "
                           f"{run.options.setting_seconds:g}s); nothing more was read on it. Try again later.")
            report.unread.append(Unread(flow.platform, url, run.stalled))
            continue
        except Outcome as outcome:
            report.unread.append(Unread(flow.platform, url, outcome.detail))
            continue
        except NavigationError as exc:
            report.unread.append(Unread(flow.platform, url, str(exc)))
            continue
        except Exception as exc:  # one broken page must not take the other pages down with it
            report.unread.append(Unread(flow.platform, url, f"Unexpected {type(exc).__name__}: {exc}".splitlines()[0]))
            continue
        for control in dict.fromkeys(c for c in found if looks_like_ai(c)):
            finding = Finding(flow.platform, url, control.role, control.name, redact_urls(control.context),
                              control.state)
            report.findings.append(await with_evidence(run, finding))
    return report


async def read_page(run: PlatformRun, url: str) -> list[Control]:
    await open_and_wait(run, url)
    return await run.page.controls(SCAN_ROLES, known_locators(run.flow))


async def open_and_wait(run: PlatformRun, url: str) -> None:
    """Open it as check does, then give the settings shown there the time they take to render (a
    late page), and dismiss what covers it."""
    await run.open(url)
    for setting in run.flow.settings:
        if setting.url == url and not setting.steps and isinstance(setting.control, Changeable):
            try:
                await run.search(control_kinds.targets(setting.control), min(setting.timeout_seconds, RENDER_SECONDS),
                                 setting.not_offered)
            except Outcome:  # two matches: the scan reads the page all the same
                pass
    await run.dismiss_interruptions()
    await run.page.settle()


async def with_evidence(run: PlatformRun, finding: Finding) -> Finding:
    directory = run.options.evidence_dir
    if directory is None:
        return finding
    path = directory / f"{file_name(finding.platform, 'scan', finding.role, finding.name)}.png"
    try:
        await run.page.screenshot(path, around=Locator(role=finding.role, name=finding.name))  # type: ignore[arg-type]
    except Exception as exc:  # evidence is best effort; the finding stands without it
        run.say(f"no screenshot: {exc}")
        return finding
    return replace(finding, evidence=str(path))
