"""Integration tier: the local stack over real HTTP. Its fixtures (`stack`, `api`, `dynamodb`) are
in tests/conftest.py: the sdk tier talks to the same stack, started once per test session. The
names below are re-exported for the tests that import them from here."""

from __future__ import annotations

from tests.builders import ORDER_EVENTS_SECRET
from tests.stack import (
    TABLE_NAME,
    RunningStack,
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
