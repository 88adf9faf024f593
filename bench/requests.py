"""A request through the local gateway vs. the raw DynamoDB calls it needs, same DynamoDB Local.

The stack runs as `make dev` does (bench/stack.py); the baseline makes, from this
process, exactly the DynamoDB calls the endpoint makes. The ratio is what the HTTP hop, the event
translation, Starlette/Mangum, validation and the envelope cost on top of the storage work.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import httpx

from bench.stack import TABLE, BenchStack, session_like
from devstack.dynamodb_local import DynamoDBLocal, free_port


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


def dynamodb_local_startup_seconds() -> float:
    """Baseline for the stack's start-up: DynamoDB Local alone, started the same way."""
    emulator = DynamoDBLocal(free_port(), None)
    started = time.perf_counter()
    emulator.start()
    elapsed = time.perf_counter() - started
    emulator.stop()
    return elapsed


def measure(stack: BenchStack, runs: int = 50) -> list[RequestCost]:
    """Per-endpoint request costs on a running stack."""
    return _request_costs(stack.base_url, stack.dynamodb_endpoint, runs)


def _request_costs(base_url: str, endpoint: str, runs: int) -> list[RequestCost]:
    dynamodb = boto3.client(
        "dynamodb", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="local", aws_secret_access_key="local",
    )  # fmt: skip
    with httpx.Client(base_url=base_url) as api:
        session_id = api.post("/checkout-sessions", json={}).json()["data"]["id"]
        key = {"pk": {"S": f"SESSION#{session_id}"}, "sk": {"S": "SESSION"}}

        stored = dynamodb.get_item(TableName=TABLE, Key=key, ConsistentRead=True)["Item"]

        def raw_put() -> None:  # the same item the function writes: attributes, index keys, size
            dynamodb.put_item(
                TableName=TABLE, Item=session_like(stored), ConditionExpression="attribute_not_exists(pk)"
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
    return [create, read]
