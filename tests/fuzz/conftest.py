"""The fuzz tier: schemathesis against the local stack, as a deployed API runs (`AUTH_MODE=required`,
the template's expiry bounds), authenticated with a test key minted as `make api-key` mints one."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.stack import RunningStack, mint_key, start_stack, stop_stack
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
    """A fresh admin key for a merchant of its own, minted by `make api-key`."""
    key = mint_key(fuzz_stack, "acct_fuzz", "admin", name="schemathesis")
    assert key.startswith("csk_test_"), key
    return key
