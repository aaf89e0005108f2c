"""Speed and memory against the bundled replicas, each figure beside its target and its peer.

    scripts/with-keyring .venv/bin/python scripts/benchmark.py [--runs N]

The peer of a check is a bare Playwright script doing the same read (launch Chromium, open the
settings page with a saved session, read the switch, exit); optout and the peer run alternately
so that both see the same machine. Prints one line per figure and exits 1 when one is missed.
Not a test: timings belong here, not in the suite.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from optout.addresses import ITEM_PLACEHOLDER
from optout.browser.launcher import QUIET_CHROMIUM_FLAGS
from optout.replica import HOSTS, SITES, start_replica

GENAI_URL = "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement"
GENAI_LABEL = "Use my data for training content creation AI models"
# Why a platform's check takes longest: what its replica does, as the real site does.
SLOW_BECAUSE = {
    "figma": "each team's setting is reached by clicks through the team's settings, each waiting for quiet",
    "squarespace": "each site is opened from the sites list, then its Crawlers panel by clicks",
    "copilot": "two settings behind the profile menu and the Privacy page, reached by clicks",
}
BROWSERLESS = {  # name: optout arguments; each must not start a browser
    "--help": ["--help"],
    "status": ["status"],
    "history": ["history"],
    "flows list": ["flows", "list"],
    "check reddit": ["check", "reddit"],
}

# What both peers start with: Chromium with the quiet flags the developers' guide names (as
# optout's launch has them) and the replicas' hosts mapped.
PEER_LAUNCH = """
import asyncio, json, os, sys
from playwright.async_api import async_playwright

def chromium_args(*extra):
    return [*%(quiet)r, *extra, *(["--no-sandbox"] if os.geteuid() == 0 else [])]
""" % {"quiet": QUIET_CHROMIUM_FLAGS}

# The peer: what a person would write by hand to read the switch, and nothing more.
PEER = PEER_LAUNCH + """
async def main():
    rules, state, browser_path = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=browser_path,
                                          args=chromium_args(f"--host-resolver-rules={rules}"))
        context = await browser.new_context(storage_state=state, ignore_https_errors=True)
        page = await context.new_page()
        await page.goto(%(url)r)
        print(await page.get_by_role("switch", name=%(label)r, exact=True).is_checked())
        await browser.close()

asyncio.run(main())
""" % {"url": GENAI_URL, "label": GENAI_LABEL}

# The all-platform check's peer: what the browser must do at the least, each platform's first
# settings page opened with its session and screenshot, five at once, as optout runs them.
PEER_ALL = PEER_LAUNCH + """
async def main():
    rules, pins, pages, browser_path = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
    args = chromium_args("--disable-gpu", f"--host-resolver-rules={rules}",
                         f"--ignore-certificate-errors-spki-list={pins}")
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=browser_path, args=args)
        at_once = asyncio.Semaphore(5)

        async def one(url, state):
            async with at_once:
                context = await browser.new_context(storage_state=state, viewport={"width": 1280, "height": 900})
                page = await context.new_page()
                await page.goto(url)
                await page.screenshot()  # encoded, then dropped
                await context.close()

        await asyncio.gather(*(one(url, state) for url, state in pages))
        await browser.close()

asyncio.run(main())
"""


@dataclass
class Figure:
    name: str
    value: float
    target: float
    unit: str
    peer: str = ""

    @property
    def ok(self) -> bool:
        return self.value <= self.target

    def line(self) -> str:
        peer = f"  ({self.peer})" if self.peer else ""
        return (f"{'ok  ' if self.ok else 'MISS'} {self.name:42} {self.value:8.2f}{self.unit:2} "
                f"target {self.target:g}{self.unit}{peer}")


class TreeSampler:
    """CPU time, and peak memory when asked, of a process and all its descendants, sampled
    every 50 ms (Linux). Each process counts its proportional share (PSS) of pages it shares with
    the others, as Chromium's processes do, so the sum is what the tree really occupies. A process
    that lives under 50 ms may be missed. (The kernel's own sum, wait4, misses most of Chromium's
    processes: they are not all reaped by their parents.)"""

    def __init__(self, pid: int, memory: bool):
        self.pid, self.memory, self.peak, self.running = pid, memory, 0, True
        self.cpu: dict[int, float] = {}  # pid: CPU seconds when last seen
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while self.running:
            tree = process_tree(self.pid)
            self.cpu.update((pid, seconds) for pid in tree if (seconds := cpu_of(pid)) is not None)
            if self.memory:
                self.peak = max(self.peak, sum(pss_of(pid) for pid in tree))
            time.sleep(0.05)

    def stop(self) -> tuple[float, float]:
        """(CPU seconds, peak MiB)"""
        self.running = False
        self.thread.join()
        return sum(self.cpu.values()), self.peak / 2**10


def process_tree(root: int) -> set[int]:
    """root and its descendants."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, grew = {root}, True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= children
        grew = bool(children)
    return tree


def cpu_of(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def pss_of(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run(command: list[str], env: dict, *, cpu: bool = False, memory: bool = False) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds of the process tree, its peak MiB); the last two when asked."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sampler = TreeSampler(process.pid, memory) if cpu or memory else None
    process.wait()
    wall = time.perf_counter() - started
    return (wall, *sampler.stop()) if sampler else (wall, 0.0, 0.0)


def imports_playwright(args: list[str], env: dict) -> bool:
    code = ("import sys, runpy; sys.argv = ['optout', *sys.argv[1:]]\n"
            "try:\n    runpy.run_module('optout', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print('playwright' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True)
    return done.stderr.strip().splitlines()[-1:] == ["True"]


def seed_sessions(servers: dict, env: dict) -> None:
    """A saved session for every platform, as `optout login` leaves one (in this home's keyring)."""
    states = {name: server.site.mint_session() for name, server in servers.items() if name != "lookalike"}
    code = ("import json, sys; from optout.sessions import SessionStore\n"
            "for platform, state in json.loads(sys.argv[1]).items(): SessionStore().save(platform, state)")
    subprocess.run([sys.executable, "-c", code, json.dumps(states)], env=env, check=True)


def median_alternating(first: list[str], second: list[str], env: dict, runs: int) -> tuple[float, float]:
    a, b = [], []
    for _ in range(runs):
        a.append(run(first, env)[0])
        b.append(run(second, env)[0])
    return statistics.median(a), statistics.median(b)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    optout = [sys.executable, "-m", "optout"]
    from optout.browser import find_browser

    browser = find_browser() or ""
    compile_like_an_install()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as home:
        servers = {name: start_replica(name) for name in SITES}
        try:
            routes = ",".join(f"{host}=127.0.0.1:{server.port}" for name, server in servers.items()
                              for host in HOSTS[name])
            env = {**os.environ, "OPTOUT_HOME": home, "OPTOUT_ORIGIN_MAP": routes}
            seed_sessions(servers, env)
            figures += browserless(optout, env, runs)
            figures += single_check(optout, env, servers, browser, runs)
            figures += all_platforms(optout, env, servers, browser, runs)
        finally:
            for server in servers.values():
                server.stop()
    for figure in figures:
        print(figure.line())
    return 0 if all(figure.ok for figure in figures) else 1


def peer_all(flows: dict, platforms: list[str], servers: dict, browser: str) -> list[str]:
    """The bare all-platform script's command: every replica mapped, each platform's first
    settings page that names no item, with a session its replica mints."""
    from optout.originmap import certificate_pins, parse_origin_map, resolver_rules

    mappings = parse_origin_map([f"{host}=127.0.0.1:{server.port}" for name, server in servers.items()
                                 for host in HOSTS[name]], environ={})
    pages = [(url, servers[name].site.mint_session()) for name in platforms
             for url in [s.url for s in flows[name].flow.settings
                         if s.control and s.url and ITEM_PLACEHOLDER not in s.url][:1]]
    return [sys.executable, "-c", PEER_ALL, resolver_rules(mappings), ",".join(certificate_pins(mappings)),
            json.dumps(pages), browser]


def compile_like_an_install() -> None:
    """pip compiles a package's modules when it installs them. A checkout run with
    PYTHONDONTWRITEBYTECODE set (as on this machine) would compile optout from source on every
    run instead: 15-35 ms a command that no installed optout pays."""
    import optout

    compileall.compile_dir(Path(optout.__file__).parent, quiet=1)


def browserless(optout: list[str], env: dict, runs: int) -> list[Figure]:
    figures = []
    for name, args in BROWSERLESS.items():
        wall = statistics.median(run([*optout, *args], env)[0] for _ in range(runs))
        peer = "imports Playwright!" if imports_playwright(args, env) else "no Playwright import"
        figures.append(Figure(f"optout {name}", wall, 0.25, "s", peer))
    flows = sorted(str(p) for p in Path("flows").glob("*.yaml"))
    wall = statistics.median(run([*optout, "flows", "validate", *flows], env)[0] for _ in range(runs))
    figures.append(Figure("optout flows validate flows/*.yaml", wall, 0.3, "s"))
    return figures


def single_check(optout: list[str], env: dict, servers: dict, browser: str, runs: int) -> list[Figure]:
    linkedin = servers["linkedin"]
    rules = ", ".join(f"MAP {host}:443 127.0.0.1:{linkedin.port}" for host in HOSTS["linkedin"])
    peer = [sys.executable, "-c", PEER, rules, json.dumps(linkedin.site.mint_session()), browser]
    # Both map LinkedIn's hosts only: every mapped server's certificate is fetched before a launch.
    env = {**env, "OPTOUT_ORIGIN_MAP": ",".join(f"{host}=127.0.0.1:{linkedin.port}" for host in HOSTS["linkedin"])}
    run([*optout, "check", "linkedin/generative-ai"], env)  # warm the disk cache for both
    ours, bare = median_alternating([*optout, "check", "linkedin/generative-ai"], peer, env, runs)
    return [Figure("check linkedin/generative-ai vs bare script", ours / bare, 1.10, "x",
                   f"optout {ours:.2f}s, bare Playwright {bare:.2f}s, medians of {runs} alternating")]


def all_platforms(optout: list[str], env: dict, servers: dict, browser: str, runs: int) -> list[Figure]:
    """Every bundled platform in one check, against the slowest of them checked alone and a bare
    script opening each one's first page; memory for 1, 4 and 12 platforms and all of them, to
    show how it grows."""
    from optout.flow import load_flows

    flows = load_flows()
    platforms = sorted(flows)
    in_browser = [p for p in platforms if any(s.control for s in flows[p].flow.settings)]
    bare_command = peer_all(flows, in_browser, servers, browser)
    bare, bare_cpu = run(bare_command, env)[0], run(bare_command, env, cpu=True)[1]
    singles = {name: statistics.median(run([*optout, "check", name], env)[0] for _ in range(max(1, runs // 2)))
               for name in in_browser}
    slowest = sorted(singles, key=singles.__getitem__, reverse=True)
    # Each figure from a run of its own: sampling takes CPU the run itself needs, reading every
    # process's memory 20 times a second most of all.
    everything = run([*optout, "check", *platforms], env)[0]
    cpu = run([*optout, "check", *platforms], env, cpu=True)[1]
    peak = run([*optout, "check", *platforms], env, memory=True)[2]
    growth = [f"{n}: {run([*optout, 'check', *in_browser[:n]], env, memory=True)[2]:.0f} MiB"
              for n in (1, 4, 12) if n < len(in_browser)]
    runners_up = ", ".join(f"{name} {singles[name]:.2f}s" for name in slowest[1:3])
    cores = len(os.sched_getaffinity(0))
    return [
        Figure(f"check all {len(platforms)} platforms vs slowest single", everything / singles[slowest[0]], 1.5, "x",
               f"all {everything:.2f}s, using {cpu:.0f} CPU-s: on {cores} cores no run can take under"
               f" {cpu / cores:.1f}s; slowest {slowest[0]} {singles[slowest[0]]:.2f}s"
               f" ({SLOW_BECAUSE.get(slowest[0], 'see README: Speed')}), then {runners_up}; a bare script"
               f" opening each one's first settings page: {bare:.2f}s, {bare_cpu:.0f} CPU-s"),
        Figure("peak memory of the all-platform check", peak, 1024, "M",
               f"process tree; {', '.join(growth)}, all {len(in_browser)} in a browser: {peak:.0f} MiB"),
    ]


if __name__ == "__main__":
    sys.exit(main())
