"""Reading flow files: unreadable paths, aliases, depth and size limits, local flows."""

from __future__ import annotations

import time

import pytest

from optout.flow import FlowFileError, load_flows
from optout.flow.loader import bundled_flows
from tests.fakes import FLOW_YAML, problems_of, write_flow


@pytest.mark.parametrize(("make", "reason"), [
    (lambda tmp_path: tmp_path / "missing.yaml", "No such file or directory"),
    (lambda tmp_path: tmp_path, "Is a directory"),
], ids=["missing", "directory"])
def test_unreadable_path(tmp_path, make, reason):
    path = make(tmp_path)

    assert [str(problem) for problem in problems_of(path)] == [f"{path}: cannot read: {reason}"]


def test_recursive_alias_is_a_flow_error_not_a_crash(tmp_path):
    problems_of(write_flow(tmp_path, "schema: 1\nsettings: &settings [*settings]\n"))


def test_anchors_and_aliases_are_refused_before_they_can_expand(tmp_path):
    # 2.3 KB of nested aliases used to take 43 s and 2.4 GB to load.
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = write_flow(tmp_path, "\n".join(levels) + "\n")

    started = time.monotonic()
    problems = problems_of(path)

    assert time.monotonic() - started < 1
    assert [str(problem) for problem in problems] == [
        f"{path}:1: anchors and aliases (& and *) are not allowed in flows"]


def test_deep_nesting_is_a_flow_error_not_a_recursion_error(tmp_path):
    path = write_flow(tmp_path, "settings: " + "[" * 5000 + "]" * 5000 + "\n")

    # libyaml stops at its own depth limit first; the pure-Python parser reaches optout's.
    assert [str(problem) for problem in problems_of(path)] in (
        [f"{path}:1: nested more than 40 levels deep"], [f"{path}:1: not valid YAML: exceeded maximum nesting depth"])


def test_a_huge_file_is_refused_unread(tmp_path):
    path = write_flow(tmp_path, "# " + "x" * 300_000 + "\n")

    assert [str(problem) for problem in problems_of(path)] == [
        f"{path}: is larger than 256 KiB; a flow file is a few KB"]


def test_a_local_flow_replaces_the_bundled_one_of_its_platform(tmp_path):
    bundled, local = tmp_path / "bundled", tmp_path / "local"
    bundled.mkdir(), local.mkdir()
    write_flow(bundled, FLOW_YAML, "pinterest.yaml")
    write_flow(local, FLOW_YAML.replace("name: Pinterest", "name: Pinterest (mine)"), "pinterest.yaml")

    flows = load_flows(bundled, local)

    assert (flows["pinterest"].local, flows["pinterest"].flow.name) == (True, "Pinterest (mine)")


def test_a_broken_local_flow_is_an_error_naming_it_never_a_fallback(tmp_path):
    bundled, local = tmp_path / "bundled", tmp_path / "local"
    bundled.mkdir(), local.mkdir()
    write_flow(bundled, FLOW_YAML, "pinterest.yaml")
    broken = write_flow(local, FLOW_YAML.replace("schema: 1", "schema: 9"), "pinterest.yaml")

    with pytest.raises(FlowFileError, match=str(broken)):
        load_flows(bundled, local)


def test_two_files_for_one_platform_are_an_error(tmp_path):
    write_flow(tmp_path, FLOW_YAML, "pinterest.yaml")
    write_flow(tmp_path, FLOW_YAML, "pinterest-copy.yaml")

    with pytest.raises(FlowFileError):
        load_flows(tmp_path)


def named_and_broken(tmp_path):
    """A flow directory with pinterest.yaml and a broken file, and an empty local directory."""
    bundled, local = tmp_path / "bundled", tmp_path / "local"
    bundled.mkdir(), local.mkdir()
    write_flow(bundled, FLOW_YAML, "pinterest.yaml")
    write_flow(bundled, "schema: 9\n", "broken.yaml")
    return bundled, local


def test_naming_platforms_reads_only_their_files(tmp_path):
    bundled, local = named_and_broken(tmp_path)

    assert list(load_flows(bundled, local, platforms={"pinterest"})) == ["pinterest"]
    with pytest.raises(FlowFileError, match="broken.yaml"):
        load_flows(bundled, local)


@pytest.mark.parametrize("name", ["Pinterest", "../bundled/pinterest", "tumblr"])
def test_a_name_that_is_no_flow_file_reads_them_all(tmp_path, name):
    bundled, local = named_and_broken(tmp_path)

    with pytest.raises(FlowFileError, match="broken.yaml"):  # read, so the caller can say what is known
        load_flows(bundled, local, platforms={name})


def test_a_flow_in_a_file_named_otherwise_is_still_found(tmp_path):
    bundled, local = tmp_path / "bundled", tmp_path / "local"
    bundled.mkdir(), local.mkdir()
    write_flow(bundled, FLOW_YAML, "my-pins.yaml")
    write_flow(local, FLOW_YAML.replace("name: Pinterest", "name: Pinterest (mine)"), "pins.yaml")

    assert load_flows(bundled, local, platforms={"pinterest"})["pinterest"].flow.name == "Pinterest (mine)"
    (local / "pins.yaml").unlink()
    assert load_flows(bundled, local, platforms={"pinterest"})["pinterest"].path.name == "my-pins.yaml"


def test_every_bundled_flow_is_named_after_its_platform():
    # What lets a command that names platforms read only their files.
    assert all(f"{platform}.yaml" == loaded.path.name for platform, loaded in bundled_flows().items())
