"""Each function's real handler on moto's DynamoDB: the whole path from an API Gateway (or stream,
or schedule) event to the stored items, a few cases per function."""

from __future__ import annotations

import json
from typing import Any

from tests.builders import (
    TABLE_NAME,
    http_event,
    linked_order_body,
    load_event,
    order_body,
    order_event_body,
    signed_order_event,
)
from tests.functional.conftest import Call
from tests.support import invoke, stored_item


def new_session(call: Call, **body: Any) -> dict[str, Any]:
    response = call("create_checkout_session", http_event("create_checkout_session", body=body))
    assert response.status == 200, response.body
    session: dict[str, Any] = response.data
    return session


def session_item(dynamodb: Any, session_id: str) -> dict[str, Any]:
    item = stored_item(dynamodb, TABLE_NAME, f"SESSION#{session_id}", "SESSION")
    assert item is not None
    return item


def test_create_stores_the_session_in_the_single_table_layout(call: Call, dynamodb: Any) -> None:
    session = new_session(call, expires_in=600, metadata={"k": "v"})

    item = session_item(dynamodb, session["id"])

    assert item["entity"] == {"S": "session"}
    assert item["status"] == {"S": "open"}
    assert item["open_shard"]["S"].startswith("OPEN#")
    assert int(item["purge_at"]["N"]) == int(item["expires_at"]["N"]) + 30 * 86400
    assert item["metadata"] == {"M": {"k": {"S": "v"}}}
    assert "order_id" not in item


def test_get_reads_back_what_create_answered(call: Call) -> None:
    session = new_session(call)

    response = call(
        "get_checkout_session", http_event("get_checkout_session", session_id=session["id"], query={})
    )

    assert response.status == 200
    assert response.data == session


def test_expire_leaves_the_expiry_index_and_sets_the_purge_time(call: Call, dynamodb: Any) -> None:
    session = new_session(call)

    response = call(
        "expire_checkout_session", http_event("expire_checkout_session", session_id=session["id"])
    )

    item = session_item(dynamodb, session["id"])
    assert response.data["status"] == "expired"
    assert item["status"] == {"S": "expired"}
    assert "open_shard" not in item
    assert "purge_at" in item


def test_a_linked_order_is_stored_and_the_session_points_at_it(call: Call, dynamodb: Any) -> None:
    session = new_session(call)

    order = call("create_order", http_event("create_order", body=linked_order_body(session["id"]))).data

    order_item = stored_item(dynamodb, TABLE_NAME, f"ORDER#{order['id']}", "ORDER")
    assert order_item is not None and order_item["entity"] == {"S": "order"}
    assert session_item(dynamodb, session["id"])["order_id"] == {"S": order["id"]}
    second = call("create_order", http_event("create_order", body=linked_order_body(session["id"])))
    assert second.status == 409


def test_get_order_reads_a_stored_order(call: Call) -> None:
    order = call("create_order", http_event("create_order", body=order_body())).data

    response = call("get_order", http_event("get_order", order_id=order["id"]))

    assert response.status == 200
    assert response.data["order"] == order


def test_an_event_moves_the_order_once_and_a_replay_changes_nothing(call: Call, dynamodb: Any) -> None:
    order = call("create_order", http_event("create_order", body=order_body())).data
    tx = {"kind": "deposit", "chainId": 8453, "txHash": "0x" + "ab" * 32}
    event = order_event_body(
        order["id"], "sending_token_from_vault", event_id=f"evt_{order['id']}", transaction=tx
    )

    first = call("record_order_event", signed_order_event(event))
    replay = call("record_order_event", signed_order_event(event))

    assert (first.status, replay.status) == (200, 200)
    assert replay.body["message"] == "Order event already recorded"
    assert len(replay.data["depositTxs"]) == 1
    assert stored_item(dynamodb, TABLE_NAME, f"EVENT#evt_{order['id']}", "EVENT") is not None


def test_the_stream_handler_completes_the_session_from_its_event_file(call: Call, dynamodb: Any) -> None:
    session = new_session(call)
    expires_at = session_item(dynamodb, session["id"])["expires_at"]
    event = load_event("sync_sessions")
    for image in ("OldImage", "NewImage"):
        event["Records"][0]["dynamodb"][image]["checkout_session_id"] = {"S": session["id"]}
        event["Records"][0]["dynamodb"][image]["session_expires_at"] = expires_at

    assert invoke("sync_sessions", event) == {"batchItemFailures": []}

    item = session_item(dynamodb, session["id"])
    assert item["status"] == {"S": "complete"}
    assert "open_shard" not in item
    assert int(item["purge_at"]["N"]) == int(item["expires_at"]["N"]) + 30 * 86400


def test_a_processing_session_carries_no_purge_time(call: Call, dynamodb: Any) -> None:
    session = new_session(call)
    event = load_event("sync_sessions")
    for image in ("OldImage", "NewImage"):
        record = event["Records"][0]["dynamodb"][image]
        record["checkout_session_id"] = {"S": session["id"]}
    event["Records"][0]["dynamodb"]["NewImage"]["status"] = {"S": "relay"}

    invoke("sync_sessions", event)

    item = session_item(dynamodb, session["id"])
    assert item["status"] == {"S": "processing"}
    assert "purge_at" not in item


def test_the_scheduled_job_expires_a_due_session(call: Call, dynamodb: Any) -> None:
    session = new_session(call)
    dynamodb.update_item(
        TableName=TABLE_NAME,
        Key={"pk": {"S": f"SESSION#{session['id']}"}, "sk": {"S": "SESSION"}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": "1000000000"}},
    )

    result = invoke("expire_sessions", load_event("expire_sessions"))

    assert result["expired"] >= 1
    assert session_item(dynamodb, session["id"])["status"] == {"S": "expired"}


def a_paid_but_still_scanning_session(call: Call, dynamodb: Any) -> tuple[str, str]:
    """A session past its deadline whose order had a deposit reported while it still scans: the
    watcher reports the deposit before it moves the order on."""
    session = new_session(call)
    order = call("create_order", http_event("create_order", body=linked_order_body(session["id"]))).data
    tx = {"kind": "deposit", "chainId": 8453, "txHash": "0x" + "cd" * 32, "status": "success"}
    event = order_event_body(
        order["id"], "scanning_deposit_transaction", event_id=f"evt_{order['id']}", transaction=tx
    )
    deposit = call("record_order_event", signed_order_event(event))
    assert deposit.data["order"]["receivedDepositAt"] is not None, deposit.body
    dynamodb.update_item(
        TableName=TABLE_NAME,
        Key={"pk": {"S": f"SESSION#{session['id']}"}, "sk": {"S": "SESSION"}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": "1000000000"}},
    )
    return session["id"], order["id"]


def test_the_scheduled_job_never_expires_a_session_whose_order_received_a_deposit(
    call: Call, dynamodb: Any
) -> None:
    session_id, order_id = a_paid_but_still_scanning_session(call, dynamodb)

    invoke("expire_sessions", load_event("expire_sessions"))

    assert session_item(dynamodb, session_id)["status"] == {"S": "open"}
    order = stored_item(dynamodb, TABLE_NAME, f"ORDER#{order_id}", "ORDER")
    assert order is not None and order["status"] == {"S": "scanning_deposit_transaction"}


def test_a_get_past_the_deadline_never_expires_a_session_whose_order_received_a_deposit(
    call: Call, dynamodb: Any
) -> None:
    session_id, _ = a_paid_but_still_scanning_session(call, dynamodb)

    response = call(
        "get_checkout_session", http_event("get_checkout_session", session_id=session_id, query={})
    )

    assert response.data["status"] == "open"
    assert session_item(dynamodb, session_id)["status"] == {"S": "open"}


def test_the_event_file_for_create_is_a_real_request(call: Call) -> None:
    response = call("create_checkout_session", load_event("create_checkout_session"))
    assert response.status == 200
    assert json.loads(load_event("create_checkout_session")["body"])["metadata"] == response.data["metadata"]
