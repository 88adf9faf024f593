"""Fixtures shared by every test: a clean AWS-ish environment and fresh service caches; and the
local stack the integration and sdk tiers both talk to (one per test session)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from checkout import composition
from devstack.dynamodb_local import port_open
from tests.stack import RunningStack, dynamodb_client, start_stack, stop_stack


@pytest.fixture
def clean_services() -> Iterator[None]:
    composition.reset()
    yield
    composition.reset()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """The local stack (`python -m devstack`, what `make dev` runs) on DynamoDB Local, started once
    per test session on free ports, in memory, with a fast scheduler; tests talk real HTTP."""
    running = start_stack(tmp_path_factory.mktemp("devstack") / "devstack.log")
    yield running
    stop_stack(running)
    assert not port_open(running.port)


@pytest.fixture(scope="session")
def api(stack: RunningStack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.base_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def dynamodb(stack: RunningStack) -> Any:
    """A client on the stack's DynamoDB Local, to check what was really stored."""
    return dynamodb_client(stack)
