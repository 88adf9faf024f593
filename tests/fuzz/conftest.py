"""The fuzz tier: schemathesis against the local stack, as a deployed API runs (`AUTH_MODE=required`,
the template's expiry bounds), authenticated with a test key minted as `make api-key` mints one."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.stack import TABLE_NAME, RunningStack, start_stack, stop_stack
from tests.support import ROOT

# The project's packages, as `make` exports them, for the processes the tier starts.
PYTHONPATH = f"{ROOT / 'layers' / 'checkout'}{os.pathsep}{ROOT}"


@pytest.fixture(scope="session")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    running = start_stack(
        tmp_path_factory.mktemp("fuzz") / "devstack.log",
        AUTH_MODE="required",  # what the document describes: merchant calls need a key
        MIN_EXPIRES_IN="300",  # the template's bounds, which the document states
    )
    yield running
    stop_stack(running)


@pytest.fixture(scope="session")
def fuzz_key(fuzz_stack: RunningStack) -> str:
    """A fresh admin key for a merchant of its own, minted like `make api-key` (printed alone on the
    last line)."""
    minted = subprocess.run(
        [
            *(sys.executable, "-m", "checkout.admin", "create-key", "--table", TABLE_NAME),
            *("--prefix", "csk_test_", "--name", "schemathesis", "--permission", "admin"),
            *("--merchant", "acct_fuzz"),
        ],
        env={
            **os.environ,
            "PYTHONPATH": PYTHONPATH,
            "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{fuzz_stack.dynamodb_port}",
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": "us-east-1",
        },
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    key = minted.stdout.strip().splitlines()[-1]
    assert key.startswith("csk_test_"), minted.stdout
    return key
