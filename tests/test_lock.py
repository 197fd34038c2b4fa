"""The lock files agree with pyproject.toml (run `scripts/lock` after changing a dependency)."""

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import ROOT

PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)")


def pins(name: str) -> dict[str, Version]:
    text = (ROOT / name).read_text(encoding="utf-8")
    found = {}
    for block in re.split(r"\n(?=\S)", text):
        match = PIN.match(block)
        if match:
            assert "--hash=sha256:" in block, f"{name}: {match.group(1)} has no hash"
            found[canonicalize_name(match.group(1))] = Version(match.group(2))
    return found


def pyproject() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)


def unmet(requirements: list[str], locked: dict[str, Version]) -> list[str]:
    wrong = []
    for line in requirements:
        req = Requirement(line)
        version = locked.get(canonicalize_name(req.name))
        if version is None or not req.specifier.contains(version, prereleases=True):
            wrong.append(f"{line} (locked: {version})")
    return wrong


def test_every_dependency_is_locked_within_its_range() -> None:
    project = pyproject()
    build = project["build-system"]["requires"]
    runtime = project["project"]["dependencies"]
    test = project["project"]["optional-dependencies"]["test"]
    assert unmet([*runtime, *build], pins("requirements.lock")) == []
    assert unmet([*runtime, *test, *build], pins("requirements-test.lock")) == []


def test_the_test_lock_holds_the_run_lock_at_the_same_versions() -> None:
    run, test = pins("requirements.lock"), pins("requirements-test.lock")
    assert {name: test.get(name) for name in run} == run
