"""optout in a simulated pipeline: the CLI as a subprocess with CI=true, no keyring backend, secrets
from the environment, against the LinkedIn replica. The exit code fails the build, JUnit and the
step summary say why, and no secret reaches a report, a bundle or the log."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml

from optout.replica.linkedin import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERNAME

pytestmark = pytest.mark.browser
PIPELINE = {"CI": "true", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
CREDENTIALS = {"OPTOUT_LINKEDIN_USERNAME": DEMO_USERNAME, "OPTOUT_LINKEDIN_PASSWORD": DEMO_PASSWORD,
               "OPTOUT_LINKEDIN_TOTP_SECRET": DEMO_TOTP_SECRET}
PASSPHRASE = "pipeline passphrase 7"


def pipeline_check(cli, out: Path, *targets: str, env: dict):
    """`optout check` as the documented pipelines run it, with every report and diagnostics."""
    return cli("check", *targets, "--json", "--report", f"junit:{out}/junit.xml",
               "--report", f"markdown:{out}/report.md", "--report", f"json:{out}/report.json",
               "--diagnostics", str(out / "diagnostics"),
               env={**PIPELINE, "GITHUB_STEP_SUMMARY": str(out / "step-summary.md"), **env})


def junit_cases(out: Path) -> tuple[JUnitXml, dict]:
    xml = JUnitXml.fromfile(str(out / "junit.xml"))
    return xml, {case.name: case for suite in xml for case in suite}


def warnings(stderr: str) -> list[str]:
    """Warnings other than the origin map's, which every replica run has."""
    return [line for line in stderr.splitlines()
            if line.startswith("warning:") and not line.startswith("warning: ORIGIN MAP ACTIVE")]


def assert_no_secret_anywhere(cli, root: Path, secrets: list[str]) -> None:
    """Every file under root (reports, summary, bundles, OPTOUT_HOME), each trace entry
    decompressed, and everything printed."""
    assert all(secrets)
    texts = {f"printed #{n}": text.encode() for n, text in enumerate(cli.printed)}
    for path in (p for p in root.rglob("*") if p.is_file()):
        texts[str(path)] = path.read_bytes()
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                texts.update({f"{path}!{name}": archive.read(name) for name in archive.namelist()})
    for where, content in texts.items():
        for secret in secrets:
            assert secret.encode() not in content, f"{where} holds a secret"


@pytest.mark.parametrize("generative_ai_on, exit_code", [(True, 1), (False, 0)])
def test_pipeline_fails_the_build_while_a_switch_is_on(cli, linkedin, tmp_path, generative_ai_on, exit_code):
    linkedin.reset(settings={"generative-ai": generative_ai_on, "research": False})
    out = tmp_path / "out"

    completed = pipeline_check(cli, out, "linkedin", env=CREDENTIALS)

    assert completed.returncode == exit_code, completed.stderr
    assert warnings(completed.stderr) == []
    xml, cases = junit_cases(out)
    assert (xml.tests, xml.failures, xml.errors) == (2, int(generative_ai_on), 0)
    assert cases["research"].is_passed
    summary = (out / "step-summary.md").read_text()
    assert summary == (out / "report.md").read_text() + "\n"
    if generative_ai_on:
        [failure] = cases["generative-ai"].result
        assert isinstance(failure, Failure)
        assert failure.message == "Opted in: the switch is on (off means opted out)."
        assert summary.startswith("### optout check: 1 opted in, 1 opted out\n")
        assert "| linkedin/generative-ai | opted_in |  | Opted in: the switch is on (off means opted out). |" in summary
    else:
        assert cases["generative-ai"].is_passed
        assert summary.startswith("### optout check: 2 opted out\n")
    assert json.loads((out / "report.json").read_text()) == json.loads(completed.stdout)
    assert not (out / "diagnostics").exists()  # every setting was read: nothing to diagnose
    assert not (cli.home / "sessions").exists()  # no keyring: no session kept, and nothing said about it
    assert "keyring" not in completed.stderr.lower()
    assert_no_secret_anywhere(cli, tmp_path, [DEMO_PASSWORD, DEMO_TOTP_SECRET, *linkedin.state()["sessions"]])


def test_security_checkpoint_is_exit_3_at_once_with_errors_and_a_bundle(cli, linkedin, tmp_path):
    linkedin.reset("checkpoint")
    out = tmp_path / "out"
    started = time.monotonic()

    completed = pipeline_check(cli, out, "linkedin", env=CREDENTIALS)

    assert time.monotonic() - started < 30
    assert completed.returncode == 3
    xml, cases = junit_cases(out)
    assert (xml.tests, xml.failures, xml.errors) == (2, 0, 2)
    [error] = cases["generative-ai"].result
    assert isinstance(error, Error) and error.type == "needs_human"
    assert error.message == ("LinkedIn is showing a security check. It is yours to complete: run `optout login "
                             "linkedin` and finish it in the browser window.")
    assert linkedin.state()["sign_in_attempts"] == 1
    for setting in ("generative-ai", "research"):
        bundle = out / "diagnostics" / f"linkedin-{setting}"
        assert sorted(p.name for p in bundle.iterdir()) == ["aria-snapshot.yaml", "screenshot.png", "trace.zip"]
    snapshot = (out / "diagnostics" / "linkedin-generative-ai" / "aria-snapshot.yaml").read_text()
    assert "checkbox" in snapshot  # the replica's CAPTCHA, where the flow author needs to look
    assert_no_secret_anywhere(cli, tmp_path, [DEMO_PASSWORD, DEMO_TOTP_SECRET])


def test_bundle_of_a_broken_flow_after_signing_in_is_scrubbed(cli, linkedin, tmp_path):
    linkedin.reset("duplicate")
    out = tmp_path / "out"

    completed = pipeline_check(cli, out, "linkedin/generative-ai", env=CREDENTIALS)

    assert completed.returncode == 3
    with zipfile.ZipFile(out / "diagnostics" / "linkedin-generative-ai" / "trace.zip") as archive:
        trace = archive.read("trace.trace").decode()
        network = archive.read("trace.network").decode()
    # The trace did record the password being typed and the session cookie being sent: scrubbed.
    fills = [event["params"] for event in map(json.loads, trace.splitlines())
             if event.get("type") == "before" and event.get("method") == "fill"]
    assert [(fill["selector"].split('"')[1], fill["value"]) for fill in fills] == [
        ("Email or phone", DEMO_USERNAME), ("Password", "***")]
    assert '{"name":"Cookie","value":"***"}' in network
    cookies = linkedin.state()["sessions"]
    assert cookies, "the replica issued a session cookie"
    assert_no_secret_anywhere(cli, tmp_path, [DEMO_PASSWORD, DEMO_TOTP_SECRET, *cookies])


def test_exported_session_runs_the_pipeline_without_a_password(cli, linkedin, tmp_path):
    cli.seed_session("linkedin", linkedin.admin("session"))
    exported = cli("session", "export", "linkedin", "--passphrase-stdin", input=PASSPHRASE + "\n")
    assert (exported.returncode, exported.stderr) == (0, "")
    blob = exported.stdout.removesuffix("\n")
    assert blob.startswith("optout-session-v2:") and "\n" not in blob
    cli.printed.clear()  # the export printed the blob, as it should; from here on nothing may
    runner_home = {"OPTOUT_HOME": str(tmp_path / "runner-home")}  # a fresh CI runner
    out = tmp_path / "out"

    completed = pipeline_check(cli, out, env={**runner_home, "OPTOUT_LINKEDIN_SESSION": blob,
                                              "OPTOUT_SESSION_PASSPHRASE": PASSPHRASE})  # no target: the session's

    assert completed.returncode == 1, completed.stderr
    assert [r["state"] for r in json.loads(completed.stdout)["results"]] == ["opted_in", "opted_in"]
    assert linkedin.state()["sign_in_attempts"] == 0
    assert warnings(completed.stderr) == []

    wrong = cli("check", "--json", env={**PIPELINE, **runner_home, "OPTOUT_LINKEDIN_SESSION": blob,
                                        "OPTOUT_SESSION_PASSPHRASE": "not it"})
    assert wrong.returncode == 3
    assert {r["detail"] for r in json.loads(wrong.stdout)["results"]} == {
        "OPTOUT_LINKEDIN_SESSION cannot be used: The exported session cannot be decrypted: the passphrase is "
        "wrong or the export was altered. Export it again with `optout session export linkedin`."}
    assert "Traceback" not in wrong.stderr
    assert_no_secret_anywhere(cli, tmp_path, [blob.removeprefix("optout-session-v2:"), PASSPHRASE,
                                              *linkedin.state()["sessions"]])


def test_session_export_never_asks_without_a_terminal(cli):
    refused = cli("session", "export", "linkedin")
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == "error: No terminal to ask for the passphrase: use --passphrase-stdin.\n"
    nothing = cli("session", "export", "linkedin", "--passphrase-stdin", input=PASSPHRASE)
    assert (nothing.returncode, nothing.stdout) == (3, "")
    assert nothing.stderr == ("error: There is no saved session for linkedin to export. "
                              "Run optout login linkedin first.\n")


def test_no_window_is_shown_where_nobody_can_see_it(cli):
    completed = cli("check", "linkedin/generative-ai", "--headed",
                    env={**PIPELINE, **CREDENTIALS, "OPTOUT_BROWSER": "/nonexistent/chrome"})
    assert completed.returncode == 3  # stopped at the missing browser: no page was needed to see the warning
    assert "warning: --headed is ignored: this session is not interactive, so the browser stays hidden." in (
        completed.stderr)
