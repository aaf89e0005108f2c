"""The CLI run in the test process, with one Chromium for the whole session.

A subprocess per command costs a Python start, optout's imports and a browser launch: more than
most commands themselves. In-process, a command runs as typer's CliRunner invokes it, its runs go
to the event loop of a thread that holds the session's browser, and a launch with the same
options as that browser's (every replica mapped, headless, no trace) borrows it. Each platform
still gets a fresh browser context, as in every run. Anything else (a trace, another origin map,
another OPTOUT_BROWSER) launches its own browser, as a subprocess would.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import threading
from collections.abc import Coroutine, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from typing import Any, TypeVar

import pytest
from typer.testing import CliRunner

from optout import browser, runner
from optout.cli import app, output

T = TypeVar("T")


class SharedBrowser:
    def __init__(self, options: browser.LaunchOptions):
        self.options = options
        self.executable = os.environ.get("OPTOUT_BROWSER")  # as the launch reads it, at launch time
        self.launch_alone = browser.launch  # the real launch, for options that differ
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="tests-browser", daemon=True)
        self.thread.start()
        self.stack = AsyncExitStack()
        self.driver = self.run(self.stack.enter_async_context(self.launch_alone(options)))
        self.borrowed = 0  # runs that used this browser (a test checks the sharing really happens)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def launch(self, options: browser.LaunchOptions):
        alike = options == self.options and os.environ.get("OPTOUT_BROWSER") == self.executable
        return self._borrow() if alike else self.launch_alone(options)

    @asynccontextmanager
    async def _borrow(self):
        self.borrowed += 1
        yield self.driver  # not closed: the next run borrows it again

    def stop(self) -> None:
        try:
            self.run(self.stack.aclose())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join()
            self.loop.close()


def invoke(shared: SharedBrowser, monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str],
           input: str | None) -> subprocess.CompletedProcess:
    """`optout ARGS` in this process with exactly `env` as its environment; an exception optout
    did not turn into a message fails the test, as a traceback would in a subprocess."""
    unset = {name: None for name in os.environ if name not in env}
    with console_width(int(env.get("COLUMNS", "80"))), monkeypatch.context() as patched:
        patched.setattr(runner, "run_coroutine", shared.run)
        patched.setattr(browser, "launch", shared.launch)
        try:
            result = CliRunner().invoke(app, args, input=input, env={**env, **unset})
        finally:
            _close_run_logs()
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(["optout", *args], result.exit_code, result.stdout, result.stderr)


@contextmanager
def console_width(columns: int) -> Iterator[None]:
    """rich fixes a console's width when it is made (at import): give it the command's COLUMNS
    (or a width a test is about) while the command runs."""
    widths = [console._width for console in (output.stdout, output.stderr)]
    for console in (output.stdout, output.stderr):
        console._width = columns
    try:
        yield
    finally:
        output.stdout._width, output.stderr._width = widths


def _close_run_logs() -> None:
    """The scheduled run's log handler is kept on its logger: a process's, not a test's."""
    log = logging.getLogger("optout.scheduled")
    for handler in list(log.handlers):
        handler.close()
        log.removeHandler(handler)
