"""Speed and memory targets, measured against the bundled LinkedIn replica (not part of the tests).

    .venv/bin/python scripts/benchmark.py [--runs N]

Prints one line per measurement with its target and exits 1 if any target is missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from optout.replica import HOSTS, start_replica
from optout.replica.linkedin import DEMO_PASSWORD, DEMO_USERNAME

TARGETS = {  # (seconds or MiB, what)
    "help": (0.6, "median wall time of `optout --help` (no Playwright import)"),
    "validate": (1.0, "median wall time of `optout flows validate flows/*.yaml`"),
    "check": (15.0, "median wall time of `optout check linkedin` (2 settings, signed in by saved session)"),
    "apply": (12.0, "wall time of `optout apply linkedin` turning both settings off and verifying"),
    "rss": (600.0, "peak resident memory of the largest process (Python or one Chromium process), MiB"),
}


def timed(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    optout = [sys.executable, "-m", "optout"]
    flows = sorted(os.path.join("flows", name) for name in os.listdir("flows") if name.endswith(".yaml"))
    with tempfile.TemporaryDirectory() as home, start_replica("linkedin") as replica:
        routes = ",".join(f"{host}=127.0.0.1:{replica.port}" for host in HOSTS["linkedin"])
        env = {**os.environ, "OPTOUT_HOME": home, "OPTOUT_ORIGIN_MAP": routes,
               "OPTOUT_LINKEDIN_USERNAME": DEMO_USERNAME, "OPTOUT_LINKEDIN_PASSWORD": DEMO_PASSWORD}
        measured = {
            "help": statistics.median(timed([*optout, "--help"], env) for _ in range(runs)),
            "validate": statistics.median(timed([*optout, "flows", "validate", *flows], env) for _ in range(runs)),
        }
        timed([*optout, "check", "linkedin"], env)  # signs in once and saves the session (if a keyring exists)
        measured["check"] = statistics.median(timed([*optout, "check", "linkedin"], env) for _ in range(runs))
        measured["apply"] = timed([*optout, "apply", "linkedin"], env)
    measured["rss"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    missed = 0
    for name, (target, what) in TARGETS.items():
        ok = measured[name] <= target
        missed += not ok
        print(f"{'ok  ' if ok else 'MISS'} {name:9} {measured[name]:8.2f} (target {target:g})  {what}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
