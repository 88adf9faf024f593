"""The local stack (`python -m devstack`, what `make dev` runs) on DynamoDB Local, started once
per test session on free ports, in memory, with a fast scheduler; tests talk real HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest

from devstack.dynamodb_local import free_port, port_open
from tests.builders import ORDER_EVENTS_SECRET, ROOT

TABLE_NAME = "checkout-integration"


@dataclass
class RunningStack:
    process: subprocess.Popen[bytes]
    port: int
    dynamodb_port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def stack_environment(port: int, dynamodb_port: int, **overrides: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PORT": str(port),
        "DYNAMODB_PORT": str(dynamodb_port),
        "TABLE_NAME": TABLE_NAME,
        "DEVSTACK_IN_MEMORY": "1",
        "SCHEDULE_SECONDS": "1",
        "MIN_EXPIRES_IN": "2",
        "ORDER_EVENTS_SECRET": ORDER_EVENTS_SECRET,
        "PYTHONPATH": f"{ROOT / 'layers' / 'checkout'}{os.pathsep}{ROOT}",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    env.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    env.update(overrides)
    return env


def start_stack(log_path: Path, **overrides: str) -> RunningStack:
    port, dynamodb_port = free_port(), free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "devstack"],
            cwd=ROOT,
            env=stack_environment(port, dynamodb_port, **overrides),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, like a terminal running `make dev`
        )
    stack = RunningStack(process, port, dynamodb_port, log_path)
    deadline = time.monotonic() + 60
    while "devstack: serving" not in stack.log():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_stack(stack)
            pytest.fail(f"the local stack did not start:\n{stack.log()[-3000:]}")
        time.sleep(0.1)
    return stack


def stop_stack(stack: RunningStack) -> int:
    if stack.process.poll() is None:
        os.killpg(stack.process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        try:
            stack.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(stack.process.pid, signal.SIGKILL)
            stack.process.wait()
    return stack.process.returncode


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
    return boto3.client(
        "dynamodb",
        endpoint_url=f"http://127.0.0.1:{stack.dynamodb_port}",
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def stored_item(dynamodb: Any, pk: str, sk: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = dynamodb.get_item(
        TableName=TABLE_NAME, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
    ).get("Item")
    return item


def wait_for(predicate: Any, timeout: float = 20.0, interval: float = 0.2) -> Any:
    """Polls until `predicate()` is truthy (for asynchronous effects: stream, scheduler)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
