"""Stream lag under a sustained load of whole flows: from the order's `executed` write to its
session stored `complete`, read from the items themselves afterwards (the order's `updated_at`
and the session's `completed_at`, both stamped by the functions), never through a GET.

CLIENTS concurrent buyers each loop: create a session, create its linked order, then the payment
watcher's signed events deposit, executing, executed (POST /order-events).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import statistics
import time
from dataclasses import dataclass
from typing import Any

from bench.http_client import Connection
from bench.stack import ORDER_EVENTS_SECRET, TABLE, BenchStack
from checkout.web.signatures import HEADER, signature_header
from devstack.pay import SUCCESS
from devstack.template import ROOT

CLIENTS = 50
CATCH_UP_SECONDS = 60.0


@dataclass(frozen=True)
class StreamLag:
    p50_s: float
    p95_s: float
    flows: int
    requests_per_second: float
    clients: int


def _order_body() -> dict[str, Any]:
    event = json.loads((ROOT / "events" / "create_order.json").read_text())
    body: dict[str, Any] = json.loads(event["body"])
    return body


async def _flow(connection: Connection, order_body: dict[str, Any]) -> tuple[str, str]:
    status, created = await connection.request("POST", "/checkout-sessions", {})
    if status != 200:
        raise RuntimeError(f"POST /checkout-sessions answered {status}: {created}")
    session_id = created["data"]["id"]
    status, placed = await connection.request(
        "POST", "/orders", {**order_body, "checkoutSessionId": session_id}
    )
    if status != 200:
        raise RuntimeError(f"POST /orders answered {status}: {placed}")
    order_id = placed["data"]["id"]
    for order_status, kind in SUCCESS:
        event = {"id": f"evt_{secrets.token_hex(12)}", "orderId": order_id, "status": order_status}
        event["transaction"] = {"kind": kind, "chainId": 8453, "txHash": "0x" + secrets.token_hex(32)}
        raw = json.dumps(event).encode()
        signature = signature_header([ORDER_EVENTS_SECRET], int(time.time()), raw)
        status, answer = await connection.request("POST", "/order-events", raw, {HEADER: signature})
        if status != 200:
            raise RuntimeError(f"POST /order-events answered {status}: {answer}")
    return session_id, order_id


async def _load(stack: BenchStack, clients: int, seconds: float) -> list[tuple[str, str]]:
    deadline = time.monotonic() + seconds
    order_body = _order_body()
    flows: list[tuple[str, str]] = []

    async def buyer() -> None:
        connection = Connection("127.0.0.1", stack.port)
        try:
            while time.monotonic() < deadline:
                flows.append(await _flow(connection, order_body))
        finally:
            connection.close()

    await asyncio.gather(*(buyer() for _ in range(clients)))
    return flows


def _stamps(dynamodb: Any, flows: list[tuple[str, str]]) -> dict[str, tuple[int, int | None]]:
    """session id -> (order's updated_at, session's completed_at or None), in ms."""
    keys = [(f"SESSION#{s}", "SESSION") for s, _ in flows] + [(f"ORDER#{o}", "ORDER") for _, o in flows]
    items: dict[str, dict[str, Any]] = {}
    for start in range(0, len(keys), 100):
        request = {
            TABLE: {"Keys": [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in keys[start : start + 100]]}
        }
        while request:
            response = dynamodb.batch_get_item(RequestItems=request)
            for item in response["Responses"].get(TABLE, []):
                items[item["pk"]["S"]] = item
            request = response.get("UnprocessedKeys") or {}
    stamps = {}
    for session_id, order_id in flows:
        completed = items[f"SESSION#{session_id}"].get("completed_at")
        executed = int(items[f"ORDER#{order_id}"]["updated_at"]["N"])
        stamps[session_id] = (executed, int(completed["N"]) if completed else None)
    return stamps


def measure(
    stack: BenchStack, seconds: float = 30.0, clients: int = CLIENTS, warm_up: float = 3.0
) -> StreamLag:
    """Runs the flows for `seconds` (after `warm_up` seconds of them: instances, connections,
    DynamoDB Local's JIT), then waits at most CATCH_UP_SECONDS for the stream to complete every
    session before reading the stamps."""
    asyncio.run(_load(stack, clients, warm_up))
    started = time.monotonic()
    flows = asyncio.run(_load(stack, clients, seconds))
    elapsed = time.monotonic() - started
    dynamodb = stack.dynamodb()
    deadline = time.monotonic() + CATCH_UP_SECONDS
    stamps = _stamps(dynamodb, flows)
    while any(completed is None for _, completed in stamps.values()) and time.monotonic() < deadline:
        time.sleep(1)
        stamps = _stamps(dynamodb, flows)
    missing = [session for session, (_, completed) in stamps.items() if completed is None]
    if missing:
        raise RuntimeError(f"{len(missing)} sessions never completed through the stream")
    lags = sorted((completed - executed) / 1000 for executed, completed in stamps.values() if completed)
    p95 = lags[min(len(lags) - 1, int(len(lags) * 0.95))]
    return StreamLag(statistics.median(lags), p95, len(flows), len(flows) * 5 / elapsed, clients)
