"""SDK tier: the published `@b3dotfun/sdk`'s platform client, unchanged, run by Node.js against the
local stack the integration tier talks to (one stack per test session: `stack` in tests/conftest.py).

The SDK is not installed: `make sdk` and `make test` fetch the pinned tarball with `npm pack`,
refuse it unless its integrity is the pinned one, and keep its platform module in the git-ignored
`.sdk/package`. Without node or the fetched SDK these tests fail, saying what to do; they never skip.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.builders import ROOT

SDK_DIR = ROOT / ".sdk" / "package"
PLATFORM_MODULE = SDK_DIR / "dist" / "cjs" / "anyspend" / "platform"

# What the SDK was and the conformance script's summary line, for the terminal summary (shown
# without `-s`, and when the test failed too).
SUMMARY = pytest.StashKey[tuple[str, str]]()


@dataclass(frozen=True)
class Sdk:
    directory: Path
    version: str


@pytest.fixture(scope="session")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail(
            "node was not found: the sdk tier runs the published SDK with Node.js 18 or newer "
            "(`apt-get install nodejs`, or nodejs.org)",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="session")
def sdk() -> Sdk:
    manifest = SDK_DIR / "package.json"
    if not manifest.is_file() or not (PLATFORM_MODULE / "index.js").is_file():
        pytest.fail(
            "the published SDK is not in .sdk/package: `make sdk` (or `make test`) fetches "
            "@b3dotfun/sdk with npm pack and verifies its integrity",
            pytrace=False,
        )
    package = json.loads(manifest.read_text())
    assert package["name"] == "@b3dotfun/sdk"
    return Sdk(SDK_DIR, str(package["version"]))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    summary = terminalreporter.config.stash.get(SUMMARY, None)
    if summary is not None:
        sdk, line = summary
        terminalreporter.write_sep("-", f"sdk conformance ({sdk})")
        terminalreporter.write_line(line)
