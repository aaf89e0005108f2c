"""Fixtures that build on each other: the replica servers for the session, reset per test, and
the optout CLI run against them (in this process, with one browser for the session: tests/inprocess.py)
with its own OPTOUT_HOME and the real keyring."""

from __future__ import annotations

import json
import os
import re
import ssl
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from filelock import FileLock
from typer.testing import CliRunner

from optout.browser import LaunchOptions
from optout.cli import app
from optout.originmap import parse_origin_map
from optout.replica import HOSTS, SITES, start_replica
from optout.replica.linkedin import DEMO_PASSWORD, DEMO_USERNAME
from tests import inprocess
from tests.fakes import CLI_KEYRING_SERVICE, CLI_TIMEOUT
from tests.inprocess import SharedBrowser

pytest_plugins = ["tests.keyring_env"]  # keyring fixtures: keyring_required, real_keyring, no_keyring, ...


# Modules whose tests install into this user's real crontab (or remove what an earlier schedule
# left there): one such test at a time, whichever pytest-xdist worker runs it.
REAL_CRONTAB = {"test_schedule.py", "test_bad_input.py", "test_first_run.py"}
CRONTAB_LOCK = Path(tempfile.gettempdir()) / f"optout-tests-crontab-{os.getuid()}.lock"


@pytest.fixture(autouse=True, scope="session")
def compiled_driver_cache(tmp_path_factory) -> Iterator[None]:
    """Playwright's driver keeps its compiled code where NODE_COMPILE_CACHE says (optout's choice:
    under OPTOUT_HOME): for the tests, one temporary directory rather than the real home."""
    with pytest.MonkeyPatch.context() as patched:
        patched.setenv("NODE_COMPILE_CACHE", str(tmp_path_factory.mktemp("node-compile-cache")))
        yield


@pytest.fixture(autouse=True)
def one_test_at_a_time_on_the_real_crontab(request) -> Iterator[None]:
    if request.node.path.name not in REAL_CRONTAB:
        yield
        return
    with FileLock(CRONTAB_LOCK):
        yield


class Replica:
    """The admin side of a running replica (state, variants, counters)."""

    def __init__(self, server):
        self.server = server
        self.port = server.port

    def admin(self, action: str, body: dict | None = None) -> dict:
        data = None if body is None and action == "state" else json.dumps(body or {}).encode()
        request = urllib.request.Request(f"https://127.0.0.1:{self.port}/__replica__/{action}", data=data,
                                         headers={"Content-Type": "application/json"})
        context = ssl._create_unverified_context()  # the replica's throwaway certificate
        with urllib.request.urlopen(request, context=context, timeout=10) as response:
            return json.loads(response.read() or b"{}")

    def reset(self, variant: str = "default", settings: dict | None = None) -> None:
        self.admin("reset", {"variant": variant, "settings": settings or {}})

    def state(self) -> dict:
        return self.admin("state")

    def switches(self) -> dict[str, bool]:
        return self.state()["settings"]


@pytest.fixture(scope="session")
def replica_servers():
    """Every registered replica, started once for the whole session."""
    servers = {name: start_replica(name) for name in SITES}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture
def replicas(replica_servers) -> dict[str, Replica]:
    """The replicas, each reset to its default variant and fresh accounts for this test."""
    sites = {name: Replica(server) for name, server in replica_servers.items()}
    for site in sites.values():
        site.reset()
    return sites


@pytest.fixture
def linkedin(replicas) -> Replica:
    return replicas["linkedin"]


@dataclass
class Cli:
    """Runs `optout` as a person would, and keeps everything it printed for the secret scan.

    In this process with the session's browser (tests/inprocess.py), unless the command's
    environment names another keyring backend (keyring keeps the first one a process picks) or
    the test asks for `subprocess`."""

    env: dict[str, str]
    home: Path
    shared: SharedBrowser | None = None
    monkeypatch: pytest.MonkeyPatch | None = None
    printed: list[str] = field(default_factory=list)

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
        merged = {**self.env, **(env or {})}
        if self.shared is None or self.monkeypatch is None or (
                merged.get("PYTHON_KEYRING_BACKEND") != os.environ.get("PYTHON_KEYRING_BACKEND")):
            return self.subprocess(*args, input=input, env=env)
        completed = inprocess.invoke(self.shared, self.monkeypatch, list(args), merged, input)
        self.printed += [completed.stdout, completed.stderr]
        return completed

    def subprocess(self, *args: str, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
        """`python -m optout ARGS` in a process of its own."""
        completed = subprocess.run(
            [sys.executable, "-m", "optout", *args], input=input, capture_output=True, text=True,
            env={**self.env, **(env or {})}, timeout=CLI_TIMEOUT,
            stdin=None if input is not None else subprocess.DEVNULL)
        self.printed += [completed.stdout, completed.stderr]
        return completed

    def json(self, *args: str, **kwargs) -> tuple[int, dict]:
        completed = self(*args, "--json", **kwargs)
        return completed.returncode, json.loads(completed.stdout)

    def store_credentials(self, platform: str, username: str, password: str) -> None:
        stored = self("credentials", "set", platform, "--username", username, "--password-stdin",
                      input=password + "\n")
        assert stored.returncode == 0, stored.stderr

    def store_demo_credentials(self) -> None:
        self.store_credentials("linkedin", DEMO_USERNAME, DEMO_PASSWORD)

    def seed_session(self, platform: str, storage_state: dict) -> None:
        """Save a session as `optout login` would, for flows that only sign in that way."""
        code = ("import json, sys; from optout.sessions import SessionStore; "
                "SessionStore().save(sys.argv[1], json.loads(sys.argv[2]))")
        subprocess.run([sys.executable, "-c", code, platform, json.dumps(storage_state)],
                       env=self.env, check=True, timeout=CLI_TIMEOUT)


def all_routes(servers) -> str:
    """OPTOUT_ORIGIN_MAP for every replica."""
    return ",".join(f"{host}=127.0.0.1:{server.port}" for name, server in servers.items() for host in HOSTS[name])


@pytest.fixture(scope="session")
def shared_browser(replica_servers) -> Iterator[SharedBrowser]:
    """The one Chromium of the session, launched as `optout` launches it with every replica mapped."""
    shared = SharedBrowser(LaunchOptions(origin_map=parse_origin_map(environ={
        "OPTOUT_ORIGIN_MAP": all_routes(replica_servers)})))
    yield shared
    shared.stop()


@pytest.fixture
def cli(replicas, replica_servers, shared_browser, tmp_path, keyring_required, monkeypatch) -> Iterator[Cli]:
    """`optout` with its own OPTOUT_HOME, every replica mapped, and no terminal to prompt on."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith("OPTOUT_") and k != "CI"}
    env = {**keep, "OPTOUT_HOME": str(tmp_path / "home"), "OPTOUT_ORIGIN_MAP": all_routes(replica_servers),
           "OPTOUT_KEYRING_SERVICE": CLI_KEYRING_SERVICE, "COLUMNS": "200"}
    yield Cli(env, tmp_path / "home", shared_browser, monkeypatch)
    # The keyring outlives the test: what it stored must not sign in the next test's runs.
    from tests.keyring_env import delete_service_items  # a plugin: imported once pytest registered it

    delete_service_items(CLI_KEYRING_SERVICE)


# typer (0.29) ships its own click; its CliRunner has no mix_stderr and always keeps
# result.stdout and result.stderr apart.

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def optout_cli():
    """Run optout in-process: (exit code, stdout, stderr), without colour codes."""

    def run(*args: str | Path, columns: int = 10_000, **env: str | None) -> tuple[int, str, str]:
        with inprocess.console_width(columns):  # wide, unless a test is about wrapping
            result = CliRunner().invoke(app, [str(arg) for arg in args], env=env)
        return result.exit_code, ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)

    return run
