"""Webhook event-to-delivery latency: from the write of a session's transition (its `updated_at`,
stamped by the function that expired it) to the moment a receiver on loopback got the event —
through the stream, the outbox, the delivery function's first attempt and the HTTP POST.

CLIENTS merchants' servers each loop: create a session on the platform surface, expire it.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from dataclasses import dataclass

import httpx

from bench.stack import TABLE, BenchStack
from tests.stack import mint_key
from tests.webhook_receiver import receiver

CLIENTS = 4
MERCHANT = "acct_bench_webhooks"


@dataclass(frozen=True)
class WebhookLatency:
    p50_s: float
    p95_s: float
    events: int
    clients: int


def measure(stack: BenchStack, seconds: float = 20.0) -> WebhookLatency:
    headers = {"Authorization": f"Bearer {mint_key(stack, MERCHANT, name='bench', table=TABLE)}"}
    with receiver() as endpoint, httpx.Client(base_url=stack.base_url, headers=headers, timeout=30) as api:
        created = api.post(
            "/api/v1/webhooks", json={"url": endpoint.url("/bench"), "events": ["checkout.expired"]}
        )
        created.raise_for_status()
        stop_at = time.monotonic() + seconds
        expired: list[str] = []
        lock = threading.Lock()

        def client() -> None:
            with httpx.Client(base_url=stack.base_url, headers=headers, timeout=30) as own:
                while time.monotonic() < stop_at:
                    session_id = own.post("/api/v1/checkout-sessions", json={}).json()["id"]
                    own.post(f"/api/v1/checkout-sessions/{session_id}/expire").raise_for_status()
                    with lock:
                        expired.append(session_id)

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        received = endpoint.wait_for("/bench", len(expired), timeout=60)
    latencies = []
    for request in received:
        session = json.loads(request.body)["data"]["checkout_session"]
        latencies.append(request.at - session["updated_at"] / 1000)
    ordered = sorted(latencies)
    if len(ordered) < len(expired):
        raise RuntimeError(f"{len(expired) - len(ordered)} of {len(expired)} events were not delivered")
    return WebhookLatency(
        p50_s=statistics.median(ordered),
        p95_s=ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        events=len(ordered),
        clients=CLIENTS,
    )
