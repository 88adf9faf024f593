"""The local stack (`python -m devstack`, what `make dev` runs) on DynamoDB Local, started once
per test session on free ports, in memory, with a fast scheduler; tests talk real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from devstack.dynamodb_local import port_open
from tests.builders import ORDER_EVENTS_SECRET
from tests.stack import (
    TABLE_NAME,
    RunningStack,
    dynamodb_client,
    stack_environment,
    start_stack,
    stop_stack,
    stored_item,
    wait_for,
)

__all__ = [
    "ORDER_EVENTS_SECRET",
    "TABLE_NAME",
    "RunningStack",
    "stack_environment",
    "start_stack",
    "stop_stack",
    "stored_item",
    "wait_for",
]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
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
