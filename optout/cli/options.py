"""What every Typer app of optout is made with, and the options several commands share."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.core import TyperArgument, TyperCommand

from optout.errors import UsageError


class NamedArgument(TyperArgument):
    """An argument as help shows it: its metavar (PLATFORM), not a Python type (<list[str]>)."""

    def display_type_rich(self, ctx) -> None:
        return None


class OptoutCommand(TyperCommand):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for param in self.params:
            if type(param) is TyperArgument:  # Typer builds them itself; this only changes their help
                param.__class__ = NamedArgument


class OptoutTyper(typer.Typer):
    def command(self, *args, **kwargs):
        return super().command(*args, **{"cls": OptoutCommand, **kwargs})


def typer_app(summary: str, **options) -> typer.Typer:
    """Every app and sub-app: a bug's traceback must never show local variables, where
    passwords, passphrases and webhook tokens live (older Typer showed them by default)."""
    return OptoutTyper(pretty_exceptions_show_locals=False, help=summary, **{"no_args_is_help": True, **options})


TargetsArg = typer.Argument(None, metavar="TARGET",
                            help="A platform (linkedin) or one setting (linkedin/generative-ai). "
                                 "None: every platform with credentials or a saved session.")
OriginMapOpt = typer.Option(None, "--origin-map", metavar="HOST=ADDR:PORT",
                            help="Serve HOST from ADDR:PORT (a replica); repeatable. Also OPTOUT_ORIGIN_MAP.")
AnyAddressOpt = typer.Option(False, "--origin-map-any-address",
                             help="Let --origin-map send a host to an address that is not loopback "
                                  "(127.0.0.0/8, ::1). Also OPTOUT_ORIGIN_MAP_ANY_ADDRESS=1.")
JsonOpt = typer.Option(False, "--json", help="Print exactly one JSON document on stdout.")
HeadedOpt = typer.Option(False, "--headed", help="Show the browser window.")
NonInteractiveOpt = typer.Option(False, "--non-interactive", help="Never prompt or wait for a person.")
ReportOpt = typer.Option(None, "--report", metavar="FORMAT:PATH",
                         help="Also write the results to PATH as junit, markdown or json; repeatable. "
                              "With GITHUB_STEP_SUMMARY set, the Markdown table is appended to it.")
def browser_choice(choice: str | None) -> str | None:
    """--browser, checked as it is read: before anything else is asked or started."""
    if choice and choice not in ("chrome", "msedge", "chromium") and not Path(choice).is_file():
        raise UsageError(f"--browser {choice}: expected chrome, msedge, chromium or the path of a browser's "
                         "executable.")
    return choice


BrowserOpt = typer.Option(None, "--browser", metavar="chrome|msedge|chromium|PATH", callback=browser_choice,
                          help="The browser to use: your installed Google Chrome or Microsoft Edge, Chromium, or a "
                               "Chromium-based browser's executable.")
DiagnosticsOpt = typer.Option(None, "--diagnostics", metavar="DIR",
                              help="For each setting that could not be determined, save a screenshot, a "
                                   "Playwright trace and the accessibility snapshot (secrets scrubbed) in DIR.")
ScanOpt = typer.Option(False, "--scan", help="Also scan each platform's pages for AI-training controls no flow "
                                            "covers yet; one not seen before is a new_setting drift.")
