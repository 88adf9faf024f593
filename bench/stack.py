"""The stack as `make dev` runs it (a subprocess, DynamoDB Local in memory), for the benches."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from devstack.dynamodb_local import free_port
from devstack.stop_signals import interrupt
from devstack.template import ROOT

TABLE = "checkout-bench"
ORDER_EVENTS_SECRET = "whsec_bench_secret"


@dataclass(frozen=True)
class BenchStack:
    port: int
    dynamodb_port: int
    startup_seconds: float
    log: Path
    pid: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def dynamodb_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.dynamodb_port}"

    def dynamodb(self, max_connections: int = 10) -> Any:
        """A botocore client on the stack's DynamoDB Local: the raw calls the functions make."""
        from botocore.config import Config

        return boto3.client(
            "dynamodb", endpoint_url=self.dynamodb_endpoint, region_name="us-east-1",
            aws_access_key_id="local", aws_secret_access_key="local",
            config=Config(max_pool_connections=max_connections),
        )  # fmt: skip


@contextmanager
def running_stack(template: Path | None = None) -> Iterator[BenchStack]:
    """Starts `python -m devstack` (on `template`, or template.yaml), yields once it serves, stops
    it with Ctrl-C."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "devstack.log"
        port, dynamodb_port = free_port(), free_port()
        env = {
            **os.environ,
            "PORT": str(port),
            "DYNAMODB_PORT": str(dynamodb_port),
            "TABLE_NAME": TABLE,
            "DEVSTACK_IN_MEMORY": "1",
            "DEVSTACK_STATE_DIR": tmp,
            "ORDER_EVENTS_SECRET": ORDER_EVENTS_SECRET,
            "PYTHONPATH": f"{ROOT / 'layers' / 'checkout'}{os.pathsep}{ROOT}",
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        if template is not None:
            env["DEVSTACK_TEMPLATE"] = str(template)
        started = time.perf_counter()
        with log.open("wb") as handle:
            process = subprocess.Popen(
                [sys.executable, "-m", "devstack"], cwd=ROOT, env=env, stdout=handle,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        try:
            while "devstack: serving" not in log.read_text(errors="replace"):
                if process.poll() is not None:
                    raise RuntimeError(log.read_text())
                time.sleep(0.02)
            yield BenchStack(port, dynamodb_port, time.perf_counter() - started, log, process.pid)
        finally:
            if interrupt(process) == -signal.SIGKILL:
                raise RuntimeError(f"the stack did not stop in time; its threads' stacks are in {log}")


def stored_session(stack: BenchStack) -> dict[str, Any]:
    """The item POST /checkout-sessions stores (creating one): the raw baselines write the same
    attributes, index keys and size as the function does."""
    import httpx

    session_id = httpx.post(f"{stack.base_url}/checkout-sessions", json={}).json()["data"]["id"]
    key = {"pk": {"S": f"SESSION#{session_id}"}, "sk": {"S": "SESSION"}}
    item: dict[str, Any] = stack.dynamodb().get_item(TableName=TABLE, Key=key, ConsistentRead=True)["Item"]
    return item


def session_like(template: dict[str, Any]) -> dict[str, Any]:
    """A new session item shaped as `template`."""
    session_id = str(uuid.uuid4())
    return {**template, "pk": {"S": f"SESSION#{session_id}"}, "id": {"S": session_id}}
