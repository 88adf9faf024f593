"""A request vs. the raw DynamoDB calls it needs, same DynamoDB Local: in-process (the handler in a
Lambda-like instance, event in -> response out, vs the same calls from that instance's own client)
and through the local gateway (over HTTP, vs the same calls from this process).

The stack runs as `make dev` does (bench/stack.py). In-process, the ratio is what Lambda's runtime
(the event decoded, the answer encoded), Mangum, powertools, validation, the domain and the envelope
cost on top of the storage work; through the gateway, the HTTP hop and the event translation come on
top of that.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import httpx

from bench import instance
from bench.sampling import paired_medians_ms
from bench.stack import TABLE, BenchStack, session_like
from devstack.dynamodb_local import DynamoDBLocal, free_port
from devstack.settings import instance_environment
from devstack.template import functions, local_table_names
from tests.stack import mint_key


@dataclass(frozen=True)
class RequestCost:
    name: str
    gateway_ms: float
    raw_ms: float
    inner_ms: float | None = None  # in-process: the same call timed from inside the handler
    own_ms: float | None = None  # in-process: the median per call of its time minus that inner call

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


_paired_medians_ms = paired_medians_ms


@dataclass(frozen=True)
class InProcess:
    """The handlers in a Lambda-like instance each: their costs, and creates per second."""

    read: RequestCost
    create: RequestCost
    authenticated: RequestCost
    handler_rate: float  # creates/s, one at a time
    raw_rate: float  # the same PutItem/s from one process

    @property
    def rate_ratio(self) -> float:
        return self.handler_rate / self.raw_rate


def measure_in_process(stack: BenchStack, runs: int = 300, seconds: float = 10.0) -> InProcess:
    """The GET and POST handlers, each in its own instance on the stack's DynamoDB Local."""
    specs = {spec.code_uri.name: spec for spec in functions(refs=local_table_names(TABLE))}

    def start(function: str, task: str, **config: Any) -> dict[str, Any]:
        spec = specs[function]
        env = instance_environment(spec, stack.dynamodb_endpoint, TABLE)
        env["PUBLIC_BASE_URL"] = stack.base_url
        return instance.run(spec, env, task, **config)

    session_id = httpx.post(f"{stack.base_url}/checkout-sessions", json={}).json()["data"]["id"]
    read = start(
        "get_checkout_session",
        "requests",
        session_id=session_id,
        key=mint_key(stack, "acct_local", name="bench", table=TABLE),
        runs=runs,
    )
    create = start("create_checkout_session", "creates", runs=runs, seconds=seconds)
    return InProcess(
        RequestCost(
            "GET /checkout-sessions/{id} (1 consistent GetItem)",
            read["handler_ms"],
            read["raw_ms"],
            read["inner_ms"],
            read["own_ms"],
        ),
        RequestCost(
            "POST /checkout-sessions (1 conditional PutItem)",
            create["handler_ms"],
            create["raw_ms"],
            create["inner_ms"],
            create["own_ms"],
        ),
        RequestCost("GET with a key (cached) vs anonymous", read["keyed_ms"], read["anonymous_ms"]),
        create["handler_rate"],
        create["raw_rate"],
    )


def measure(stack: BenchStack, runs: int = 50) -> list[RequestCost]:
    """Per-endpoint request costs on a running stack."""
    return _request_costs(stack, runs)


def _request_costs(stack: BenchStack, runs: int) -> list[RequestCost]:
    base_url, endpoint = stack.base_url, stack.dynamodb_endpoint
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
        bearer = {"Authorization": f"Bearer {mint_key(stack, 'acct_local', name='bench', table=TABLE)}"}
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
