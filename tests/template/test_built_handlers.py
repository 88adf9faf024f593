"""`sam build` (no Docker: every compiled dependency from an arm64 wheel) produces what Lambda
runs: each built function's module imports, with the built layer as its only third-party code,
and exposes its handler. Settings are checked at import, so this starts each function as Lambda's
init phase would, with its deployed environment."""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from devstack.template import ROOT
from tests.functional.deploy_fixtures import AWS_ONLY, deployed_specs

BUILD = ROOT / ".aws-sam" / "build"
AARCH64 = 0xB7  # ELF e_machine
_PROBE = """
import importlib, json, sys
app = importlib.import_module("app")  # what Lambda does for Handler: app.handler
import checkout
print(json.dumps({
    "handler": callable(getattr(app, "handler", None)),
    "checkout": checkout.__file__,
    "boto3": "boto3" in sys.modules,
}))
"""


@pytest.fixture(scope="module")
def built() -> Path:
    """A fresh `sam build` (incremental: about 4 s when only the code changed)."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "sam-build"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return BUILD


def elf_machine(path: Path) -> int:
    header = path.read_bytes()[:20]
    assert header[:4] == b"\x7fELF", path
    return int.from_bytes(header[18:20], "little")


def compiled_files(layer: Path) -> list[Path]:
    return sorted(path for path in layer.rglob("*") if path.suffix == ".so" or ".so." in path.name)


def test_every_compiled_file_in_the_layer_is_for_lambdas_arm64(built: Path) -> None:
    layer = built / "CheckoutLayer" / "python"
    compiled = compiled_files(layer)
    assert {path.relative_to(layer).parts[0].split(".")[0] for path in compiled} >= {
        "pydantic_core",
        "_pysha3",
    }
    assert all(elf_machine(path) == AARCH64 for path in compiled)


def distributions(site: Path) -> dict[str, tuple[str, list[str]]]:
    """Distribution name -> its version and the files it installed into `site` (relative paths)."""
    found = {}
    for info in site.glob("*.dist-info"):
        name, version = info.name.removesuffix(".dist-info").rsplit("-", 1)
        paths = [line.split(",", 1)[0] for line in (info / "RECORD").read_text().splitlines() if line]
        found[name.lower()] = (version, [path for path in paths if not path.startswith("..")])
    return found


@pytest.fixture(scope="module")
def runnable_layer(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built layer, runnable on this machine: off arm64, each distribution with compiled code is
    swapped, file by file, for the same pinned version's build for this machine (from the test venv);
    every other package, and the checkout package itself, are the built layer's own files."""
    layer = tmp_path_factory.mktemp("layer") / "python"
    shutil.copytree(built / "CheckoutLayer" / "python", layer)
    if platform.machine() in ("aarch64", "arm64"):
        return layer
    here = Path(sysconfig.get_paths()["purelib"])
    built_dists, here_dists = distributions(layer), distributions(here)
    compiled = {path.relative_to(layer).as_posix() for path in compiled_files(layer)}
    for name, (version, files) in sorted(built_dists.items()):
        if not compiled & set(files):
            continue
        here_version, here_files = here_dists[name]
        assert here_version == version, "the layer and the tests pin the same version"
        for file in files:
            (layer / file).unlink(missing_ok=True)
        for file in here_files:
            (layer / file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(here / file, layer / file)
    return layer


def start(function_dir: Path, layer: Path, environment: dict[str, str]) -> dict[str, Any]:
    """Imports the built app module in a fresh interpreter whose only packages are the layer's
    (-S: no site-packages), as Lambda puts /var/task and /opt/python on the path."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        **environment,
        "PYTHONPATH": f"{function_dir}{os.pathsep}{layer}",
    }
    result = subprocess.run(
        [sys.executable, "-S", "-c", _PROBE], env=env, cwd=function_dir, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    loaded: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_every_built_function_starts_from_the_built_layer(built: Path, runnable_layer: Path) -> None:
    specs = deployed_specs()
    assert {path.name for path in built.iterdir() if path.is_dir()} == {
        spec.logical_id for spec in specs.values()
    } | {"CheckoutLayer"}

    def run(name: str) -> tuple[str, dict[str, Any]]:
        spec = specs[name]
        environment = {**spec.environment, **AWS_ONLY, "AWS_DEFAULT_REGION": "us-east-1"}
        environment = {key: value for key, value in environment.items() if value}
        return name, start(built / spec.logical_id, runnable_layer, environment)

    with ThreadPoolExecutor(max_workers=2) as pool:
        started = dict(pool.map(run, sorted(specs)))

    for name, loaded in started.items():
        assert loaded["handler"], name
        assert loaded["checkout"].startswith(str(runnable_layer)), (
            name
        )  # the layer's copy, not the source tree
        assert not loaded["boto3"], name  # the cold path stays lean in the built artifact too


def test_every_built_module_carries_bytecode_that_lambda_will_use(built: Path) -> None:
    """Lambda's filesystem is read-only: a module shipped without valid bytecode is compiled again by
    every cold start (about 0.45 s of a GET function's here). The bytecode checks its source's hash,
    since `sam package` dates every file in the zip 1980."""
    sources = sorted(built.rglob("*.py"))
    assert len(sources) > 500
    for source in sources:
        header = Path(importlib.util.cache_from_source(str(source))).read_bytes()[:16]
        assert header[:4] == importlib.util.MAGIC_NUMBER, source  # this Python's, i.e. Lambda's 3.11
        assert int.from_bytes(header[4:8], "little") == 0b11, source  # hash-based, checked
        assert header[8:16] == importlib.util.source_hash(source.read_bytes()), source


def test_the_layer_ships_the_dynamodb_clients_trimmed_botocore_data(built: Path) -> None:
    """The client reads only this folder (checkout/adapters/dynamodb/service_data.py): a layer
    without it could not make a client at all."""
    from checkout.adapters.dynamodb.service_data import DATA

    shipped = built / "CheckoutLayer" / "python" / DATA.relative_to(ROOT / "layers" / "checkout")
    source = {path.relative_to(DATA): path.read_bytes() for path in DATA.rglob("*.json")}
    assert source
    assert {path.relative_to(shipped): path.read_bytes() for path in shipped.rglob("*.json")} == source
