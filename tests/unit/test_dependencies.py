"""The locks are complete, hashed and agree: the layer installs exactly what the tests ran against.

`make lock` writes all three files; these tests read them and pyproject.toml, never the network.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from tests.support import ROOT

RUNTIME_LOCK = ROOT / "requirements" / "runtime.txt"
DEV_LOCK = ROOT / "requirements" / "dev.txt"
LAYER_REQUIREMENTS = ROOT / "layers" / "checkout" / "requirements.txt"
ALL_LOCKS = [RUNTIME_LOCK, DEV_LOCK, LAYER_REQUIREMENTS]

# `name==version` with an optional environment marker (a universal lock has some, e.g. win32-only).
EXACT_PIN = re.compile(
    r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;]+)(?:\s*;\s*(?P<marker>.+))?"
)


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    marker: str
    hashes: frozenset[str]


def project_name(requirement: str) -> str:
    """PEP 503 normalised: `PyYAML`, `pyyaml` and `py_yaml` are one project; extras are dropped."""
    name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
    assert name, f"not a requirement: {requirement!r}"
    return re.sub(r"[-_.]+", "-", name.group()).lower()


@cache
def statements(path: Path) -> list[str]:
    """pip's logical lines: backslash continuations joined, comments dropped."""
    joined = path.read_text().replace("\\\n", " ")
    return [kept for line in joined.splitlines() if (kept := re.sub(r"(^|\s)#.*", "", line).strip())]


def parse(statement: str) -> Pin | None:
    """The statement as an exact pin, or None for anything else (a range, a URL, an option line)."""
    requirement, *options = re.split(r"\s+(?=--)", statement)
    match = EXACT_PIN.fullmatch(requirement)
    if match is None or any(not option.startswith("--hash=") for option in options):
        return None
    hashes = frozenset(option.removeprefix("--hash=") for option in options)
    return Pin(project_name(match["name"]), match["version"], match["marker"] or "", hashes)


@cache
def pins(path: Path) -> frozenset[Pin]:
    return frozenset(pin for statement in statements(path) if (pin := parse(statement)))


def versions(path: Path) -> dict[str, set[str]]:
    # A universal lock may pin one project twice under exclusive markers.
    found: defaultdict[str, set[str]] = defaultdict(set)
    for pin in pins(path):
        found[pin.name].add(pin.version)
    return dict(found)


def direct_dependencies(*groups: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = {"runtime": project["dependencies"], **project["optional-dependencies"]}
    return {project_name(requirement) for group in groups for requirement in listed[group]}


@pytest.mark.parametrize("path", ALL_LOCKS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_line_is_an_exact_pin_with_its_hashes(path: Path) -> None:
    # pip turns on hash checking for a file once any line has a hash, and then every line needs one.
    assert pins(path), "the lock pins something"
    unhashed = [
        statement for statement in statements(path) if not (pin := parse(statement)) or not pin.hashes
    ]
    assert unhashed == []


@pytest.mark.parametrize("path", ALL_LOCKS, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_lock_names_a_local_path_or_index(path: Path) -> None:
    # This machine's pip points at local folders; the locks must install the same anywhere, from PyPI.
    text = path.read_text()
    assert not re.search(r"file:|--(?:extra-)?index-url|--find-links|(?:^|[\s=])/[\w.]", text, re.MULTILINE)


def test_the_layer_installs_exactly_the_runtime_lock() -> None:
    layer, runtime = pins(LAYER_REQUIREMENTS), pins(RUNTIME_LOCK)
    # Anything on one side only (another version, marker or hash set) means `make lock` was not run.
    assert (sorted(layer - runtime, key=str), sorted(runtime - layer, key=str)) == ([], [])


def test_the_dev_lock_pins_every_runtime_package_to_the_same_version() -> None:
    runtime, dev = versions(RUNTIME_LOCK), versions(DEV_LOCK)
    assert {name: dev.get(name) for name in runtime} == runtime


@pytest.mark.parametrize(
    ("path", "groups"),
    [(RUNTIME_LOCK, ("runtime",)), (DEV_LOCK, ("runtime", "dev"))],
    ids=["runtime", "dev"],
)
def test_every_direct_dependency_is_locked(path: Path, groups: tuple[str, ...]) -> None:
    assert direct_dependencies(*groups) - versions(path).keys() == set()


@pytest.mark.parametrize("path", ALL_LOCKS, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_lock_pulls_in_pysha3_beside_safe_pysha3(path: Path) -> None:
    # Both install a top-level `sha3` module (the order addresses' keccak-256): whichever pip wrote
    # last would be the one imported, so a dependency that brings pysha3 back must be seen here.
    assert {"pysha3", "safe-pysha3"} & versions(path).keys() == {"safe-pysha3"}
