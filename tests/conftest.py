"""Fixtures that build on each other: one replica server for the session, reset per test, and
the optout CLI run as a subprocess against it with its own OPTOUT_HOME and the real keyring."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from optout.replica import HOSTS, start_replica
from optout.replica.linkedin import DEMO_PASSWORD, DEMO_USERNAME
from tests.keyring_env import real_keyring_problem

CLI_TIMEOUT = 120


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

    def reset(self, variant: str = "default", **settings: bool) -> None:
        self.admin("reset", {"variant": variant, "settings": settings})

    def state(self) -> dict:
        return self.admin("state")

    def switches(self) -> dict[str, bool]:
        return self.state()["settings"]


@pytest.fixture(scope="session")
def replica_server():
    server = start_replica("linkedin")
    yield server
    server.stop()


@pytest.fixture
def linkedin(replica_server) -> Replica:
    replica = Replica(replica_server)
    replica.reset()
    return replica


@dataclass
class Cli:
    """Runs `optout` as a person would, and keeps everything it printed for the secret scan."""

    env: dict[str, str]
    home: Path
    printed: list[str] = field(default_factory=list)

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
        completed = subprocess.run(
            [sys.executable, "-m", "optout", *args], input=input, capture_output=True, text=True,
            env={**self.env, **(env or {})}, timeout=CLI_TIMEOUT,
            stdin=None if input is not None else subprocess.DEVNULL)
        self.printed += [completed.stdout, completed.stderr]
        return completed

    def json(self, *args: str, **kwargs) -> tuple[int, dict]:
        completed = self(*args, "--json", **kwargs)
        return completed.returncode, json.loads(completed.stdout)

    def store_demo_credentials(self, **env) -> None:
        stored = self("credentials", "set", "linkedin", "--username", DEMO_USERNAME, "--password-stdin",
                      input=DEMO_PASSWORD + "\n", env=env)
        assert stored.returncode == 0, stored.stderr


@pytest.fixture
def keyring_required():
    problem = real_keyring_problem()
    if problem:
        pytest.skip(f"needs a real keyring (run under scripts/with-keyring): {problem}")


@pytest.fixture
def cli(linkedin, tmp_path, keyring_required) -> Cli:
    routes = ",".join(f"{host}=127.0.0.1:{linkedin.port}" for host in HOSTS["linkedin"])
    keep = {k: v for k, v in os.environ.items() if not k.startswith("OPTOUT_") and k != "CI"}
    env = {**keep, "OPTOUT_HOME": str(tmp_path / "home"), "OPTOUT_ORIGIN_MAP": routes, "COLUMNS": "200"}
    return Cli(env, tmp_path / "home")
