"""`optout doctor` through the CLI: ready on this machine (a real keyring, Debian's Chromium),
and each thing check and apply need, when missing, named with its fix and exit 1."""

from __future__ import annotations

import os
import shutil

import pytest

from optout.exitcodes import ExitCode
from optout.flow.loader import bundled_flows, bundled_flows_dir

pytestmark = pytest.mark.browser  # the browser check starts Chromium

KEYRING_FIX = ("Run a Secret Service keyring (such as gnome-keyring) in your session and unlock it; or give logins as "
               "OPTOUT_<PLATFORM>_USERNAME and OPTOUT_<PLATFORM>_PASSWORD, and sessions as OPTOUT_<PLATFORM>_SESSION "
               "(from `optout session export`).")


def by_check(document: dict) -> dict[str, dict]:
    return {finding["check"]: finding for finding in document["checks"]}


def test_this_machine_is_ready(cli):
    code, document = cli.json("doctor")
    assert (code, document["ready"]) == (ExitCode.OK, True)
    found = by_check(document)
    assert list(found) == ["browser", "keyring", "home", "flows", "origin map", "scheduler", "notifications"]
    assert found["browser"]["status"] == "ok" and found["browser"]["found"].endswith(", starts")
    assert found["keyring"] == {"check": "keyring", "status": "ok", "fix": None,
                                "found": "keyring.backends.SecretService.Keyring, answers"}
    assert found["home"]["found"] == f"{cli.home}, writable, nothing in it open to others"
    assert found["flows"] == {"check": "flows", "status": "ok", "found": f"{len(bundled_flows())} valid", "fix": None}
    assert found["origin map"]["status"] == "warning"  # the fixture maps every replica
    assert found["origin map"]["found"].startswith("active: www.linkedin.com → 127.0.0.1:")
    assert found["origin map"]["fix"] == "Unset OPTOUT_ORIGIN_MAP to read the real sites."
    assert {found["scheduler"]["status"], found["notifications"]["status"]} <= {"ok", "warning"}


def test_without_a_keyring_it_is_not_ready_and_names_the_keyring(cli, tmp_path):
    chrome = tmp_path / "google-chrome"  # only `optout login` prefers it: runs keep the Chromium found first
    chrome.write_text("#!/bin/sh\nexit 1\n")
    chrome.chmod(0o700)
    shown = cli("doctor", env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                               "PATH": f"{tmp_path}:{os.environ['PATH']}"})
    assert shown.returncode == ExitCode.NOT_READY == 1
    assert f", starts; optout login opens {chrome}\n" in shown.stdout
    assert ("\nkeyring        problem\n    no system keyring is available (the keyring backend is "
            "keyring.backends.fail.Keyring): credentials set cannot store logins, and sessions are not saved\n") \
        in shown.stdout  # what was found, under its row
    assert f"  keyring: {KEYRING_FIX.replace('`', '')}\n" in shown.stdout  # no Markdown on a terminal
    assert shown.stdout.endswith("Not ready: check and apply need what is marked problem.\n")


def test_a_missing_browser_an_unusable_home_and_a_bad_origin_map_are_each_named_with_the_fix(cli, tmp_path):
    home = tmp_path / "home-file"
    home.write_text("not a directory")
    code, document = cli.json("doctor", env={"OPTOUT_BROWSER": "/nonexistent/chrome", "OPTOUT_HOME": str(home),
                                             "OPTOUT_ORIGIN_MAP": "www.linkedin.com=10.0.0.1:443"})
    found = by_check(document)
    assert (code, document["ready"]) == (ExitCode.NOT_READY, False)
    assert found["browser"] == {"check": "browser", "status": "problem",
                                "found": "OPTOUT_BROWSER points to /nonexistent/chrome, which does not exist.",
                                "fix": "Point OPTOUT_BROWSER at a Chromium-based browser's executable, or unset it "
                                       "to use an installed Chromium or Chrome."}
    assert found["home"] == {"check": "home", "status": "problem", "found": "OPTOUT_HOME cannot be used",
                             "fix": f"OPTOUT_HOME {home} is a file, not a directory: set OPTOUT_HOME to a directory, "
                                    "or move the file aside."}
    assert found["origin map"] == {
        "check": "origin map", "status": "problem",
        "found": "OPTOUT_ORIGIN_MAP cannot be used: origin map 'www.linkedin.com=10.0.0.1:443': 10.0.0.1 is not a "
                 "loopback address (127.0.0.0/8, ::1); pass --origin-map-any-address or set "
                 "OPTOUT_ORIGIN_MAP_ANY_ADDRESS=1 to allow it",
        "fix": "Fix OPTOUT_ORIGIN_MAP, or unset it to read the real sites."}


def test_local_flows_are_named_a_broken_one_is_a_problem_and_files_open_to_others_a_warning(cli):
    local = cli.home / "flows"
    local.mkdir(parents=True)
    cli.home.chmod(0o755)
    shutil.copy(bundled_flows_dir() / "linkedin.yaml", local / "linkedin.yaml")
    (local / "linkedin.yaml").chmod(0o644)
    no_browser = {"OPTOUT_BROWSER": "/nonexistent/chrome"}  # not what these checks are about: no launch
    code, document = cli.json("doctor", env=no_browser)
    found = by_check(document)
    assert found["flows"]["found"] == f"{len(bundled_flows())} valid; your local flows in {local} replace linkedin"
    assert found["home"] == {"check": "home", "status": "warning",
                             "found": f"{cli.home}, writable; readable by others: {local}, {local / 'linkedin.yaml'}",
                             "fix": f"Run `chmod -R go-rwx {cli.home}`."}

    (local / "broken.yaml").write_text("platform: [\n")
    code, document = cli.json("doctor", env=no_browser)
    assert by_check(document)["flows"]["status"] == "problem"
    assert by_check(document)["flows"]["found"].startswith(f"the flows cannot be loaded: {local / 'broken.yaml'}:")
