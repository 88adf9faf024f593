"""Orders linked to sessions, end to end on DynamoDB Local: the transaction decides every race."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.builders import linked_order_body
from tests.integration.conftest import TABLE_NAME, stored_item
from tests.support import new_session, orders_for_session


def test_fifty_concurrent_orders_for_one_session_link_exactly_one(api: httpx.Client, dynamodb: Any) -> None:
    session = new_session(api)

    def place(_: int) -> httpx.Response:
        return api.post("/orders", json=linked_order_body(session["id"]))

    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(place, range(50)))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [409] * 49, statuses
    winner = next(r.json()["data"] for r in responses if r.status_code == 200)
    for loser in (r for r in responses if r.status_code == 409):
        assert loser.json()["error"]["type"] == "conflict_error"
    item = stored_item(dynamodb, f"SESSION#{session['id']}", "SESSION")
    assert item is not None
    assert item["order_id"] == {"S": winner["id"]}
    assert [o["id"]["S"] for o in orders_for_session(dynamodb, TABLE_NAME, session["id"])] == [winner["id"]]


def test_an_order_for_an_expired_session_is_a_400_and_leaves_no_order(
    api: httpx.Client, dynamodb: Any
) -> None:
    session = new_session(api)
    assert api.post(f"/checkout-sessions/{session['id']}/expire").status_code == 200

    response = api.post("/orders", json=linked_order_body(session["id"]))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "session_not_open"
    assert orders_for_session(dynamodb, TABLE_NAME, session["id"]) == []


def test_an_order_for_a_session_past_its_deadline_is_a_400(api: httpx.Client, dynamodb: Any) -> None:
    session = new_session(api, expires_in=2)
    time.sleep(2.1)

    response = api.post("/orders", json=linked_order_body(session["id"]))

    assert response.status_code == 400
    assert orders_for_session(dynamodb, TABLE_NAME, session["id"]) == []


def test_an_order_for_an_unknown_session_is_a_400_and_writes_nothing(
    api: httpx.Client, dynamodb: Any
) -> None:
    session_id = "0d6f3e2a-1b4c-4d5e-8f9a-0b1c2d3e4f5a"

    response = api.post("/orders", json=linked_order_body(session_id))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "session_not_found"
    assert stored_item(dynamodb, f"SESSION#{session_id}", "SESSION") is None
    assert orders_for_session(dynamodb, TABLE_NAME, session_id) == []


def test_a_linked_order_reads_back_through_both_endpoints(api: httpx.Client) -> None:
    session = new_session(api, success_url="https://shop.example.com/done")
    order = api.post("/orders", json=linked_order_body(session["id"])).json()["data"]

    direct = api.get(f"/orders/{order['id']}").json()["data"]
    embedded = api.get(f"/checkout-sessions/{session['id']}", params={"include": "order"}).json()["data"]

    assert direct["order"] == order
    assert embedded["order"] == direct
    assert embedded["order_id"] == order["id"]
    assert embedded["status"] == "open"


def test_expiring_a_session_expires_its_awaiting_order(api: httpx.Client) -> None:
    session = new_session(api)
    order = api.post("/orders", json=linked_order_body(session["id"])).json()["data"]

    assert api.post(f"/checkout-sessions/{session['id']}/expire").status_code == 200

    assert api.get(f"/orders/{order['id']}").json()["data"]["order"]["status"] == "expired"


def test_an_unknown_order_is_a_404(api: httpx.Client) -> None:
    response = api.get("/orders/0d6f3e2a-1b4c-4d5e-8f9a-0b1c2d3e4f5a")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "resource_missing"
