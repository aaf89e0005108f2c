"""The ready-to-copy pipelines in docs/pipelines: each `optout` call uses only options the CLI's
own --help lists (with valid --report values), the secrets they pass are variables optout reads,
and they keep their schedule, manual trigger, JUnit report and diagnostics artifact."""

from __future__ import annotations

import functools
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from optout.credentials import env_var_name
from optout.flow import load_flows
from optout.reports import parse_spec

PIPELINES = Path(__file__).resolve().parent.parent / "docs" / "pipelines"
GITHUB = PIPELINES / "github-actions.yml"
GITLAB = PIPELINES / "gitlab-ci.yml"
SHELL_SEPARATORS = {"&&", "||", ";", "|"}
GITLAB_SCRIPT_KEYS = ("before_script", "script", "after_script")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def shell_scripts(path: Path) -> list[str]:
    """The shell each pipeline runs: GitHub steps' `run`, GitLab jobs' scripts."""
    document = load(path)
    if path == GITHUB:
        return [step["run"] for job in document["jobs"].values() for step in job["steps"] if "run" in step]
    jobs = [job for name, job in document.items() if isinstance(job, dict) and not name.startswith(".")]
    return [line for job in jobs for key in GITLAB_SCRIPT_KEYS for line in job.get(key, [])]


def optout_calls(script: str) -> list[list[str]]:
    """Each `optout ...` command in a shell script, as its arguments."""
    calls = []
    for line in script.replace("\\\n", " ").splitlines():
        command: list[str] = []
        words = shlex.shlex(line, posix=True, punctuation_chars=True)  # `a;b` is three tokens
        words.whitespace_split = True
        for token in [*words, ";"]:
            if token in SHELL_SEPARATORS:
                if command[:1] == ["optout"]:
                    calls.append(command[1:])
                command = []
            else:
                command.append(token)
    return calls


@functools.lru_cache
def help_text(*command: str) -> str:
    completed = subprocess.run([sys.executable, "-m", "optout", *command, "--help"], capture_output=True,
                               text=True, timeout=60, stdin=subprocess.DEVNULL, env={"COLUMNS": "200", "PATH": ""})
    assert completed.returncode == 0, f"`optout {' '.join(command)}` is not a command: {completed.stderr}"
    return completed.stdout


def problems(arguments: list[str]) -> list[str]:
    """What in one call the CLI would not accept: unknown options, bad --report values."""
    command = []
    for word in arguments:
        if word.startswith("-"):
            break
        command.append(word)
    listed = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", help_text(*command)))
    found = []
    for position, word in enumerate(arguments):
        option = word.split("=", 1)[0]
        if option.startswith("--") and option not in listed:
            found.append(f"`optout {' '.join(command)}` has no {option}")
        if option == "--report":
            value = word.split("=", 1)[1] if "=" in word else arguments[position + 1]
            parse_spec(value)
    return found


@pytest.mark.parametrize("path", [GITHUB, GITLAB], ids=lambda p: p.name)
def test_every_optout_call_uses_options_the_cli_has(path):
    calls = [call for script in shell_scripts(path) for call in optout_calls(script)]
    assert [call[:1] for call in calls] == [["check"]]
    for call in calls:
        assert problems(call) == []
        assert {"--report", "--diagnostics", "--non-interactive"} <= {word.split("=")[0] for word in call}


def test_a_stale_option_would_be_caught():
    [call] = optout_calls("pip install . && optout check --report junit:x.xml --no-such-flag; echo done")
    assert problems(call) == ["`optout check` has no --no-such-flag"]


def pipeline_variables(path: Path) -> set[str]:
    if path == GITHUB:
        return {name for job in load(path)["jobs"].values() for step in job["steps"] for name in step.get("env", {})}
    return set(re.findall(r"\bOPTOUT_[A-Z_]+", path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", [GITHUB, GITLAB], ids=lambda p: p.name)
def test_secrets_are_variables_optout_reads(path):
    readable = {"OPTOUT_SESSION_PASSPHRASE"} | {
        env_var_name(platform, field) for platform in load_flows()
        for field in ("username", "password", "totp_secret", "session")}
    optout_variables = {name for name in pipeline_variables(path) if name.startswith("OPTOUT_")}
    assert optout_variables and optout_variables <= readable


def test_github_workflow_runs_weekly_and_by_hand_and_publishes_its_results():
    workflow = load(GITHUB)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    assert re.fullmatch(r"\d+ \d+ \* \* \d", triggers["schedule"][0]["cron"])  # one day a week
    steps = workflow["jobs"]["check"]["steps"]
    uses = {step["uses"].split("@")[0]: step for step in steps if "uses" in step}
    assert "python -m playwright install --with-deps chromium" in "\n".join(step.get("run", "") for step in steps)
    assert uses["mikepenz/action-junit-report"]["with"]["report_paths"] == "reports/optout-junit.xml"
    assert uses["actions/upload-artifact"]["if"] == "failure()"
    assert "diagnostics/" in uses["actions/upload-artifact"]["with"]["path"]
    secrets = {value for step in steps for value in step.get("env", {}).values()}
    assert "${{ secrets.OPTOUT_LINKEDIN_SESSION }}" in secrets


def test_gitlab_job_runs_on_schedule_and_keeps_junit_and_diagnostics():
    job = load(GITLAB)["optout"]
    assert [rule["if"] for rule in job["rules"]] == ['$CI_PIPELINE_SOURCE == "schedule"',
                                                      '$CI_PIPELINE_SOURCE == "web"']
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == "reports/optout-junit.xml"
    assert "diagnostics/" in job["artifacts"]["paths"]
