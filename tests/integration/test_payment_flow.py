"""The end-to-end flow: session -> order -> signed payment events -> the stream moves the session.

The session is read from DynamoDB Local directly, never through GET, so only the stream poller
and the sync function can have moved it.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import httpx

from checkout.web.signatures import HEADER, signature_header
from tests.builders import ORDER_EVENTS_SECRET, linked_order_body
from tests.integration.conftest import stored_item, wait_for
from tests.support import new_session, send_order_event

FINAL_TX = "0x" + "fe" * 32  # the same event, sent twice: the same body


def session_status(dynamodb: Any, session_id: str) -> str:
    item = stored_item(dynamodb, f"SESSION#{session_id}", "SESSION")
    assert item is not None
    return str(item["status"]["S"])


def test_a_paid_session_goes_processing_then_complete_through_the_stream(
    api: httpx.Client, dynamodb: Any
) -> None:
    session = new_session(api, success_url="https://shop.example.com/thanks")
    order = api.post("/orders", json=linked_order_body(session["id"])).json()["data"]

    assert send_order_event(api, order["id"], "sending_token_from_vault", "deposit").status_code == 200
    assert wait_for(lambda: session_status(dynamodb, session["id"]) == "processing")

    assert send_order_event(api, order["id"], "executing", "relay").status_code == 200
    assert send_order_event(api, order["id"], "executed", "execute").status_code == 200
    assert wait_for(lambda: session_status(dynamodb, session["id"]) == "complete")

    item = stored_item(dynamodb, f"SESSION#{session['id']}", "SESSION")
    assert item is not None
    assert int(item["completed_at"]["N"]) >= int(item["created_at"]["N"])
    assert "open_shard" not in item
    view = api.get(f"/checkout-sessions/{session['id']}", params={"include": "order"}).json()["data"]
    assert view["status"] == "complete"
    assert view["completed_at"] is not None
    assert view["order"]["order"]["filledAt"] is not None
    assert len(view["order"]["depositTxs"]) == 1
    assert view["order"]["executeTx"] is not None


def test_a_failed_payment_expires_the_session_through_the_stream(api: httpx.Client, dynamodb: Any) -> None:
    session = new_session(api)
    order = api.post("/orders", json=linked_order_body(session["id"])).json()["data"]

    send_order_event(api, order["id"], "sending_token_from_vault", "deposit")
    send_order_event(api, order["id"], "failure")

    assert wait_for(lambda: session_status(dynamodb, session["id"]) == "expired")


def test_replayed_and_out_of_order_events_do_not_move_anything_back(api: httpx.Client, dynamodb: Any) -> None:
    session = new_session(api)
    order = api.post("/orders", json=linked_order_body(session["id"])).json()["data"]

    assert (
        send_order_event(
            api, order["id"], "executed", "execute", event_id="evt_final", tx_hash=FINAL_TX
        ).status_code
        == 200
    )
    assert send_order_event(
        api, order["id"], "executed", "execute", event_id="evt_final", tx_hash=FINAL_TX
    ).json()["message"] == ("Order event already recorded")
    assert send_order_event(api, order["id"], "relay").status_code == 409

    assert wait_for(lambda: session_status(dynamodb, session["id"]) == "complete")


def test_an_unsigned_event_is_a_401(api: httpx.Client) -> None:
    response = api.post("/order-events", json={"id": "evt_x", "orderId": "x", "status": "executed"})
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "authentication_error"


def test_the_pay_command_walks_the_flow(api: httpx.Client, dynamodb: Any, stack: Any) -> None:
    import subprocess
    import sys

    from tests.integration.conftest import stack_environment

    session = new_session(api)
    order = api.post("/orders", json=linked_order_body(session["id"])).json()["data"]
    env = stack_environment(stack.port, stack.dynamodb_port)

    result = subprocess.run(
        [sys.executable, "-m", "devstack.pay", order["id"]],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "executed" in result.stdout
    assert wait_for(lambda: session_status(dynamodb, session["id"]) == "complete")


def test_an_order_with_empty_payload_and_metadata_syncs_through_the_stream(
    api: httpx.Client, dynamodb: Any
) -> None:
    session = new_session(api)
    body = linked_order_body(session["id"])
    del body["payload"], body["metadata"]  # stored as empty maps
    order = api.post("/orders", json=body).json()["data"]

    send_order_event(api, order["id"], "executed", "execute")

    assert wait_for(lambda: session_status(dynamodb, session["id"]) == "complete")


def test_twenty_parallel_deliveries_of_one_event_record_it_once(api: httpx.Client, dynamodb: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    session = new_session(api)
    order = api.post("/orders", json=linked_order_body(session["id"])).json()["data"]
    event_id = f"evt_{secrets.token_hex(8)}"
    body = json.dumps(
        {
            "id": event_id,
            "orderId": order["id"],
            "status": "sending_token_from_vault",
            "transaction": {"kind": "deposit", "chainId": 8453, "txHash": "0x" + "ef" * 32},
        }
    ).encode()
    header = signature_header([ORDER_EVENTS_SECRET], int(time.time()), body)

    def deliver(_: int) -> httpx.Response:
        return api.post(
            "/order-events", content=body, headers={"content-type": "application/json", HEADER: header}
        )

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(deliver, range(20)))

    assert [r.status_code for r in responses] == [200] * 20
    messages = sorted(r.json()["message"] for r in responses)
    assert messages == ["Order event already recorded"] * 19 + ["Order event recorded"]
    details = api.get(f"/orders/{order['id']}").json()["data"]
    assert len(details["depositTxs"]) == 1


def test_racing_events_for_one_order_only_ever_move_it_forward(api: httpx.Client, dynamodb: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    session = new_session(api)
    order = api.post("/orders", json=linked_order_body(session["id"])).json()["data"]
    steps = ["sending_token_from_vault", "quoting_after_deposit", "relay", "executing", "executed"] * 3

    with ThreadPoolExecutor(max_workers=15) as pool:
        codes = list(pool.map(lambda status: send_order_event(api, order["id"], status).status_code, steps))

    assert set(codes) <= {200, 409}
    assert 200 in codes
    assert api.get(f"/orders/{order['id']}").json()["data"]["order"]["status"] == "executed"
    assert wait_for(lambda: session_status(dynamodb, session["id"]) == "complete")
