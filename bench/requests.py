"""A request through the local gateway vs. the raw DynamoDB calls it needs, same DynamoDB Local.

The stack runs as `make dev` does (a subprocess, in memory); the baseline makes, from this
process, exactly the DynamoDB calls the endpoint makes. The ratio is what the HTTP hop, the event
translation, Starlette/Mangum, validation and the envelope cost on top of the storage work.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx

from devstack.dynamodb_local import DynamoDBLocal, free_port
from devstack.template import ROOT

TABLE = "checkout-bench"


@dataclass(frozen=True)
class RequestCost:
    name: str
    gateway_ms: float
    raw_ms: float

    @property
    def ratio(self) -> float:
        return self.gateway_ms / self.raw_ms


def _median_ms(action: Callable[[], Any], runs: int) -> float:
    for _ in range(5):
        action()  # warm: connections, caches, the functions' first (cold) request
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _start_stack(log: Path) -> tuple[subprocess.Popen[bytes], int, int, float]:
    port, dynamodb_port = free_port(), free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "DYNAMODB_PORT": str(dynamodb_port),
        "TABLE_NAME": TABLE,
        "DEVSTACK_IN_MEMORY": "1",
        "PYTHONPATH": f"{ROOT / 'layers' / 'checkout'}{os.pathsep}{ROOT}",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    started = time.perf_counter()
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "devstack"], cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    while "devstack: serving" not in log.read_text(errors="replace"):
        if process.poll() is not None:
            raise RuntimeError(log.read_text())
        time.sleep(0.02)
    return process, port, dynamodb_port, time.perf_counter() - started


def dynamodb_local_startup_seconds() -> float:
    """Baseline for the stack's start-up: DynamoDB Local alone, started the same way."""
    emulator = DynamoDBLocal(free_port(), None)
    started = time.perf_counter()
    emulator.start()
    elapsed = time.perf_counter() - started
    emulator.stop()
    return elapsed


def _paired_medians_ms(first: Callable[[], Any], second: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Medians of two actions sampled alternately, so drift on the machine hits both alike."""
    for _ in range(5):
        first()
        second()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for action, into in ((first, samples[0]), (second, samples[1])):
            started = time.perf_counter()
            action()
            into.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[0]), statistics.median(samples[1])


def _minted_key(dynamodb_endpoint: str) -> str:
    """A key for the bench's merchant, made as `make api-key` makes it."""
    env = {**os.environ, "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_endpoint, "AWS_ACCESS_KEY_ID": "local"}
    env |= {"AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "us-east-1"}
    command = [
        sys.executable,
        "-m",
        "checkout.admin",
        "create-key",
        "--table",
        TABLE,
        "--prefix",
        "csk_test_",
    ]
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return output.strip().splitlines()[-1]


def measure(runs: int = 50) -> tuple[float, float, list[RequestCost]]:
    """(stack start-up s, DynamoDB Local start-up s, per-endpoint request costs)."""
    emulator_startup = dynamodb_local_startup_seconds()
    with tempfile.TemporaryDirectory() as tmp:
        process, port, dynamodb_port, stack_startup = _start_stack(Path(tmp) / "devstack.log")
        try:
            costs = _request_costs(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{dynamodb_port}", runs)
        finally:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=30)
    return stack_startup, emulator_startup, costs


def _request_costs(base_url: str, endpoint: str, runs: int) -> list[RequestCost]:
    dynamodb = boto3.client(
        "dynamodb", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="local", aws_secret_access_key="local",
    )  # fmt: skip
    with httpx.Client(base_url=base_url) as api:
        session_id = api.post("/checkout-sessions", json={}).json()["data"]["id"]
        key = {"pk": {"S": f"SESSION#{session_id}"}, "sk": {"S": "SESSION"}}

        def raw_put() -> None:
            new_id = str(uuid.uuid4())
            dynamodb.put_item(
                TableName=TABLE,
                Item={"pk": {"S": f"SESSION#{new_id}"}, "sk": {"S": "SESSION"}, "id": {"S": new_id}},
                ConditionExpression="attribute_not_exists(pk)",
            )

        create = RequestCost(
            "POST /checkout-sessions (1 conditional put)",
            _median_ms(lambda: api.post("/checkout-sessions", json={"metadata": {"k": "v"}}), runs),
            _median_ms(raw_put, runs),
        )
        read = RequestCost(
            "GET /checkout-sessions/{id} (1 consistent get)",
            _median_ms(lambda: api.get(f"/checkout-sessions/{session_id}"), runs),
            _median_ms(lambda: dynamodb.get_item(TableName=TABLE, Key=key, ConsistentRead=True), runs),
        )
        bearer = {"Authorization": f"Bearer {_minted_key(endpoint)}"}
        with_key, anonymous = _paired_medians_ms(
            lambda: api.get(f"/checkout-sessions/{session_id}", headers=bearer),
            lambda: api.get(f"/checkout-sessions/{session_id}"),
            runs,
        )
        authenticated = RequestCost(
            "GET /checkout-sessions/{id} with a key (cached) vs anonymous", with_key, anonymous
        )
        fresh_key, no_key = _paired_medians_ms(
            lambda: api.post("/checkout-sessions", json={}, headers={"Idempotency-Key": str(uuid.uuid4())}),
            lambda: api.post("/checkout-sessions", json={}),
            runs,
        )
        idempotent = RequestCost(
            "POST with a fresh Idempotency-Key vs without (+2 calls: put in progress, complete)",
            fresh_key,
            no_key,
        )
        replay_key = {"Idempotency-Key": str(uuid.uuid4())}
        api.post("/checkout-sessions", json={}, headers=replay_key)
        replayed, original = _paired_medians_ms(
            lambda: api.post("/checkout-sessions", json={}, headers=replay_key),
            lambda: api.post("/checkout-sessions", json={}, headers={"Idempotency-Key": str(uuid.uuid4())}),
            runs,
        )
        replay = RequestCost(
            "its replay vs the original (1 call: the refused put returns the record)", replayed, original
        )
    return [create, read, authenticated, idempotent, replay]
