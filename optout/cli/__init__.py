"""The `optout` command: a thin layer over the library (optout.runner and friends), one module
per command group over one output helper (cli/output.py). Heavy modules load lazily inside the
commands, so `optout --help` never imports Playwright and commands that need no browser never
start one. Only this package imports typer and rich."""

from __future__ import annotations

import gc

import typer
from typer.core import TyperGroup

from optout.cli import output
from optout.cli.accounts import credentials_app, session_app
from optout.cli.doctor import doctor
from optout.cli.flows import flows_app
from optout.cli.monitor import history_command, report, status
from optout.cli.options import typer_app
from optout.cli.requests import confirm
from optout.cli.run import apply, check, demo, login, scan
from optout.cli.schedule import schedule_app, scheduled
from optout.cli.setup import setup
from optout.errors import OptoutError


class OptoutGroup(TyperGroup):
    """The one place an expected error (OptoutError) becomes one message on stderr and its exit
    code; anything else is a bug and surfaces."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except OptoutError as exc:
            output.error(exc.message)
            raise typer.Exit(int(exc.exit_code)) from None


app = typer_app("Find the AI-training switches platforms bury, turn them off, and prove they stay off.",
                cls=OptoutGroup, rich_markup_mode=None, no_args_is_help=False, invoke_without_command=True)


def show_version(asked: bool) -> None:
    if asked:
        from optout import __version__

        output.say(f"optout {__version__}")
        raise typer.Exit()


@app.callback()
def start(ctx: typer.Context,
          version: bool = typer.Option(False, "--version", callback=show_version, is_eager=True,
                                       help="Print optout's version and exit.")) -> None:
    """Bare `optout`: on a terminal, offer the guided set-up; anywhere else, the help as before."""
    if ctx.invoked_subcommand is not None:
        return
    from optout.credentials import is_interactive  # (the keyring's import, only for bare `optout`)

    if is_interactive() and typer.confirm("Set up optout now, step by step (optout setup)?", default=True):
        setup(ctx, origin_map=None, any_address=False, browser=None)
        return
    typer.echo(ctx.get_help())


app.command()(setup)
for command in (check, apply, scan, login, demo, status):
    app.command()(command)
app.command()(confirm)
app.command(hidden=True)(scheduled)  # what the OS scheduler runs, not for people
app.command("history")(history_command)
app.command()(report)
app.command()(doctor)
app.add_typer(flows_app, name="flows")
app.add_typer(credentials_app, name="credentials")
app.add_typer(session_app, name="session")
app.add_typer(schedule_app, name="schedule")


def main() -> None:
    try:
        app()
    finally:
        # The command is done: exiting need not search every object left for reference cycles
        # (about 0.1 s with pydantic's and Playwright's modules loaded).
        gc.freeze()
