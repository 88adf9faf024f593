"""The seed's own JavaScript client (examples/checkout.mjs) runs unchanged against `make dev`'s
default `AUTH_MODE=open`: no key, the built-in merchant."""

from __future__ import annotations

import shutil
import subprocess

from tests.builders import ROOT
from tests.integration.conftest import RunningStack


def test_the_seed_javascript_example_completes_in_open_mode(stack: RunningStack) -> None:
    node = shutil.which("node")
    assert node, "the JavaScript example needs Node.js 18+ (it is on PATH wherever npm is)"

    done = subprocess.run(
        [node, str(ROOT / "examples" / "checkout.mjs"), stack.base_url],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].endswith("/thanks?session=" + lines[0].split()[1])
    assert "is open with order" in lines[-1]
