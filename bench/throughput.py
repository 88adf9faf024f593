"""Sustained requests per second through the gateway vs the raw DynamoDB call rate, same run.

Both sides keep CLIENTS requests in flight for the same time, in alternating slices so that the
machine's background load falls on both alike. The gateway side POSTs /checkout-sessions (one
conditional PutItem in the function) from the lean asyncio client; the raw side makes that
PutItem, of an item shaped exactly as the function's (same attributes, index keys and size), with
botocore, the functions' own client, from as many threads. Every answer must be a success: a
failed request fails the bench.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass
from typing import Any

from bench.http_client import Connection
from bench.stack import TABLE, BenchStack, session_like, stored_session

CLIENTS = 16


@dataclass(frozen=True)
class Throughput:
    gateway_per_second: float
    raw_per_second: float
    clients: int

    @property
    def ratio(self) -> float:
        return self.gateway_per_second / self.raw_per_second


async def _gateway_slice(stack: BenchStack, clients: int, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    done = 0

    async def client() -> None:
        nonlocal done
        connection = Connection("127.0.0.1", stack.port)
        try:
            while time.monotonic() < deadline:
                status, body = await connection.request("POST", "/checkout-sessions", {})
                if status != 200:
                    raise RuntimeError(f"POST /checkout-sessions answered {status}: {body}")
                done += 1
        finally:
            connection.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return done


def _raw_slice(dynamodb: Any, template: dict[str, Any], clients: int, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    counts = [0] * clients

    def client(index: int) -> None:
        while time.monotonic() < deadline:
            dynamodb.put_item(
                TableName=TABLE, Item=session_like(template), ConditionExpression="attribute_not_exists(pk)"
            )
            counts[index] += 1

    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts)


def measure(
    stack: BenchStack, seconds: float = 30.0, clients: int = CLIENTS, slice_seconds: float = 1.5
) -> Throughput:
    """`seconds` in all, half each side, in slices of `slice_seconds` taken in turns (the other
    engineers' load on this machine changes by the second: both sides must see the same); a short
    warm-up first (instances, connections, DynamoDB Local's JIT)."""
    dynamodb = stack.dynamodb(max_connections=clients)
    template = stored_session(stack)
    _raw_slice(dynamodb, template, clients, 2)
    asyncio.run(_gateway_slice(stack, clients, 2))
    gateway = raw = 0
    slices = max(1, round(seconds / (2 * slice_seconds)))
    each = seconds / (2 * slices)
    for _ in range(slices):
        raw += _raw_slice(dynamodb, template, clients, each)
        gateway += asyncio.run(_gateway_slice(stack, clients, each))
    side_seconds = each * slices
    return Throughput(gateway / side_seconds, raw / side_seconds, clients)
