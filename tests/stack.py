"""The local stack (`python -m devstack`, what `make dev` runs) as the tests start it: free ports,
DynamoDB Local in memory, a fast scheduler, its state (checkpoints, failed records) in the test's
own folder; and helpers to look at what it stored."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest

from devstack.dynamodb_local import free_port
from devstack.stop_signals import interrupt
from tests.builders import ORDER_EVENTS_SECRET
from tests.support import ROOT

TABLE_NAME = "checkout-integration"
TEST_TEMPLATE = ROOT / "tests" / "devstack" / "template.yaml"  # functions that misbehave on purpose
SLOW_JOB_TEMPLATE = ROOT / "tests" / "devstack" / "slow_job_template.yaml"  # a job outlasting a stop
CLIENT_TIMEOUT = 4.0  # DEVSTACK_CLIENT_TIMEOUT of the tests/devstack stacks


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
        "WEBHOOK_RETRY_SCHEDULE": "1,2,3",  # seconds: a retry test takes seconds, not minutes
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
    """Starts the stack and waits until it serves; its state goes next to `log_path`."""
    overrides.setdefault("DEVSTACK_STATE_DIR", str(log_path.parent / f"{log_path.stem}-state"))
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
    return interrupt(stack.process)


def assert_stops_cleanly(stack: RunningStack) -> None:
    assert stop_stack(stack) == 0, f"the stack did not stop cleanly:\n{stack.log()[-6000:]}"


ADMIN_KEY_LINE = re.compile(
    r"devstack: admin key for acct_local \(Authorization: Bearer <key>\): (csk_test_\w+)"
)


def printed_admin_key(stack: RunningStack, timeout: float = 20.0) -> str:
    """The ready admin key `make dev` prints for the built-in merchant, once it has."""
    found = wait_for(lambda: ADMIN_KEY_LINE.search(stack.log()), timeout)
    assert found, f"no admin key line in the log:\n{stack.log()[-2000:]}"
    return str(found.group(1))


class OnDynamoDBLocal(Protocol):
    """A local stack, as the tests or the bench start it."""

    @property
    def dynamodb_port(self) -> int: ...


def mint_key(
    stack: OnDynamoDBLocal,
    merchant: str,
    permission: str = "admin",
    name: str = "tests",
    table: str = TABLE_NAME,
) -> str:
    """A key minted by `make api-key` (the merchant is created on the way) on the stack's DynamoDB
    Local: the key is alone on the last line of its output."""
    env = {**os.environ, "DYNAMODB_PORT": str(stack.dynamodb_port), "TABLE_NAME": table}
    done = subprocess.run(
        ["make", "-s", "api-key", f"MERCHANT={merchant}", f"PERMISSIONS={permission}", f"NAME={name}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def stored_item(dynamodb: Any, pk: str, sk: str, table_name: str = TABLE_NAME) -> dict[str, Any] | None:
    item: dict[str, Any] | None = dynamodb.get_item(
        TableName=table_name, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
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


def dynamodb_client(stack: RunningStack) -> Any:
    """A client on the stack's DynamoDB Local, to check what was really stored."""
    import boto3

    return boto3.client(
        "dynamodb",
        endpoint_url=f"http://127.0.0.1:{stack.dynamodb_port}",
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def children_of(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == pid:
                children.append(int(entry.name))
    return children


def command_line(pid: int) -> str:
    try:
        return (Path(f"/proc/{pid}") / "cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


def is_gone(pid: int) -> bool:
    """Exited (a zombie not yet reaped by its parent counts as gone)."""
    try:
        status = (Path(f"/proc/{pid}") / "status").read_text()
    except OSError:
        return True
    return "zombie" in status


def paid_session(base_url: str, dynamodb: Any) -> str:
    """A session whose order was paid (deposit, executing, executed), once the stream has
    completed it; returns its id."""
    import json

    import httpx

    from devstack.pay import SUCCESS, post_event
    from tests.builders import load_event

    with httpx.Client(base_url=base_url, timeout=30) as api:
        session_id = api.post("/checkout-sessions", json={}).json()["data"]["id"]
        order = json.loads(load_event("create_order")["body"]) | {"checkoutSessionId": session_id}
        order_id = api.post("/orders", json=order).json()["data"]["id"]
    for status, kind in SUCCESS:
        assert post_event(base_url, ORDER_EVENTS_SECRET, order_id, status, kind, 8453)["success"]

    def complete() -> bool:
        item = stored_item(dynamodb, f"SESSION#{session_id}", "SESSION")
        return item is not None and item["status"]["S"] == "complete"

    assert wait_for(complete), "the stream completed the session"
    return str(session_id)
