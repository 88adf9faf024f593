"""Stacks for the local stack's own tests, started once per session each: one on the project's
template (the real functions), one on tests/devstack/template.yaml (functions that misbehave on
purpose). Both time out slow clients after CLIENT_TIMEOUT seconds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stack import CLIENT_TIMEOUT, TEST_TEMPLATE, RunningStack, start_stack, stop_stack


@pytest.fixture(scope="session")
def real_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    running = start_stack(
        tmp_path_factory.mktemp("real-stack") / "devstack.log", DEVSTACK_CLIENT_TIMEOUT=str(CLIENT_TIMEOUT)
    )
    yield running
    stop_stack(running)


@pytest.fixture(scope="session")
def test_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    running = start_stack(
        tmp_path_factory.mktemp("test-stack") / "devstack.log",
        DEVSTACK_TEMPLATE=str(TEST_TEMPLATE),
        DEVSTACK_CLIENT_TIMEOUT=str(CLIENT_TIMEOUT),
    )
    yield running
    stop_stack(running)
