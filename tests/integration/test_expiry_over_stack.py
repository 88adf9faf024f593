"""Expiry on the local stack: the scheduler's job expires due sessions (no GET needed), never a
paid one, and every race between the job and an order-link ends consistent."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import httpx
import pytest

from tests.builders import linked_order_body, load_event
from tests.integration.conftest import TABLE_NAME, RunningStack, stored_item, wait_for
from tests.support import invoke, new_session, orders_for_session, send_order_event


def status(dynamodb: Any, kind: str, item_id: str) -> str | None:
    item = stored_item(dynamodb, f"{kind}#{item_id}", kind)
    return None if item is None else str(item["status"]["S"])


def deadline_of(session: dict[str, Any]) -> float:
    return datetime.fromisoformat(session["expires_at"].replace("Z", "+00:00")).timestamp()


def test_short_sessions_are_expired_by_the_job_without_any_get(api: httpx.Client, dynamodb: Any) -> None:
    # 5 s: the order must be linked while its session is still open, also on a loaded machine
    # (with 2 s, a slow create left the link a 400 `session_not_open`).
    session = new_session(api, expires_in=5)
    with_order = new_session(api, expires_in=5)
    order = api.post("/orders", json=linked_order_body(with_order["id"])).json()["data"]

    assert wait_for(lambda: status(dynamodb, "SESSION", session["id"]) == "expired", timeout=15)
    assert wait_for(lambda: status(dynamodb, "SESSION", with_order["id"]) == "expired", timeout=15)
    assert status(dynamodb, "ORDER", order["id"]) == "expired"
    item = stored_item(dynamodb, f"SESSION#{session['id']}", "SESSION")
    assert item is not None
    assert "open_shard" not in item
    assert "purge_at" in item


def test_a_processing_session_past_its_deadline_stays_processing(api: httpx.Client, dynamodb: Any) -> None:
    session = new_session(api, expires_in=5)  # the order linked and paid before it, even under load
    order = api.post("/orders", json=linked_order_body(session["id"])).json()["data"]
    assert send_order_event(api, order["id"], "sending_token_from_vault", "deposit").status_code == 200
    assert wait_for(lambda: status(dynamodb, "SESSION", session["id"]) == "processing")

    time.sleep(max(0.0, deadline_of(session) - time.time()) + 3)  # several job runs past the deadline

    assert status(dynamodb, "SESSION", session["id"]) == "processing"
    assert status(dynamodb, "ORDER", order["id"]) == "sending_token_from_vault"


@pytest.fixture
def job_on_stack(stack: RunningStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The real `expire_sessions` handler in this process, on the stack's DynamoDB Local, so a
    test can fire it at the exact moment it wants (the stack's scheduler keeps running too)."""
    from checkout import composition

    monkeypatch.setenv("TABLE_NAME", TABLE_NAME)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{stack.dynamodb_port}")
    for name, value in {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    composition.reset()
    yield
    composition.reset()


def test_the_job_racing_order_links_at_the_deadline_always_ends_consistent(
    api: httpx.Client, dynamodb: Any, job_on_stack: None
) -> None:
    outcomes = {"linked": 0, "refused": 0}
    for _ in range(6):
        sessions = [new_session(api, expires_in=2) for _ in range(5)]
        time.sleep(max(0.0, deadline_of(sessions[0]) - time.time() - 0.02))

        def place(session: dict[str, Any]) -> httpx.Response:
            return api.post("/orders", json=linked_order_body(session["id"]))

        def run_job(_: int) -> Any:
            return invoke("expire_sessions", load_event("expire_sessions"))

        with ThreadPoolExecutor(max_workers=10) as pool:
            placed = pool.map(place, sessions)
            jobs = pool.map(run_job, range(5))
            responses, _ = list(placed), list(jobs)
        # Deadlines are whole seconds: sessions created across a second boundary are due a second apart.
        time.sleep(max(0.0, max(map(deadline_of, sessions)) - time.time()) + 0.05)
        invoke("expire_sessions", load_event("expire_sessions"))  # every session is due by now

        for session, response in zip(sessions, responses, strict=True):
            item = stored_item(dynamodb, f"SESSION#{session['id']}", "SESSION")
            assert item is not None
            assert item["status"]["S"] == "expired"  # nothing was paid: the clock wins in the end
            orders = orders_for_session(dynamodb, TABLE_NAME, session["id"])
            if response.status_code == 200:
                outcomes["linked"] += 1
                assert item["order_id"]["S"] == response.json()["data"]["id"]
                assert [o["status"]["S"] for o in orders] == ["expired"]  # never left awaiting deposit
            else:
                outcomes["refused"] += 1
                assert response.status_code == 400, response.text
                assert "order_id" not in item
                assert orders == []
    assert outcomes["linked"] + outcomes["refused"] == 30


def test_parallel_reads_at_the_deadline_all_see_it_expired_with_its_order(
    api: httpx.Client, dynamodb: Any
) -> None:
    session = new_session(api, expires_in=5)  # linked while open, even under load
    order = api.post("/orders", json=linked_order_body(session["id"])).json()["data"]
    time.sleep(max(0.0, deadline_of(session) - time.time()) + 0.01)

    def read(_: int) -> httpx.Response:
        return api.get(f"/checkout-sessions/{session['id']}", params={"include": "order"})

    with ThreadPoolExecutor(max_workers=20) as pool:
        views = [response.json()["data"] for response in pool.map(read, range(20))]

    assert {view["status"] for view in views} == {"expired"}
    assert {view["order"]["order"]["status"] for view in views} == {"expired"}
    assert status(dynamodb, "ORDER", order["id"]) == "expired"
