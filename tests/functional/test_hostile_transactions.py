"""Transactions in their own items, in the SDK's shape (DESIGN 13, issue 10)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from tests.functional.hostile_fixtures import (
    RECIPIENT,
    assert_error_envelope,
    create_session,
    deposit,
    get_order,
    get_session,
    moto_checkout,
    new_order,
    order_event,
    post_event,
    post_raw_event,
    raw_json,
)


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with moto_checkout(monkeypatch) as client:
        yield client


# --- the bounded order item -----------------------------------------------------------------------
def stored_order_item(client: Any, order_id: str) -> dict[str, Any]:
    item: dict[str, Any] = client.get_item(
        TableName=os.environ["TABLE_NAME"], Key={"pk": {"S": f"ORDER#{order_id}"}, "sk": {"S": "ORDER"}}
    )["Item"]
    return item


def test_transactions_never_grow_the_order_item(store: Any) -> None:
    order = new_order()
    post_event(order_event(order["id"], "scanning_deposit_transaction", "dust-0", transaction=deposit("00")))
    size_after_one = len(json.dumps(stored_order_item(store, order["id"])))

    for n in range(1, 40):
        tx = deposit(f"{n:02x}", amount="1", **{"from": RECIPIENT}, status="success")
        assert (
            post_event(
                order_event(order["id"], "scanning_deposit_transaction", f"dust-{n}", transaction=tx)
            ).status
            == 200
        )

    item = stored_order_item(store, order["id"])
    assert len(json.dumps(item)) == size_after_one
    assert not {"deposit_txs", "relay_txs", "execute_tx", "refund_txs"} & item.keys()
    details = get_order(order["id"]).data
    assert len(details["depositTxs"]) == 40
    with_session = get_session(create_session()["id"], include_order=True)
    assert with_session.data["order"] is None


# --- the SDK's shapes -------------------------------------------------------------------------------
def test_transactions_take_the_sdk_shape_and_the_order_what_the_sdk_reads(store: Any) -> None:
    order = new_order()
    tx = deposit(amount="25000000", **{"from": RECIPIENT.lower()}, status="success")
    response = post_event(order_event(order["id"], "sending_token_from_vault", "e1", transaction=tx))
    assert response.status == 200, response.body

    details = get_order(order["id"]).data
    assert details["points"] is None
    assert details["depositTxs"] == [
        {
            "orderId": order["id"],
            "chain": 8453,
            "txHash": "0x" + "ab" * 32,
            "amount": "25000000",
            "from": RECIPIENT,
            "status": "success",
            "createdAt": details["depositTxs"][0]["createdAt"],
        }
    ]
    assert details["relayTxs"] == [] and details["refundTxs"] == [] and details["executeTx"] is None
    assert details["order"]["receivedDepositAt"] == details["depositTxs"][0]["createdAt"]
    assert details["order"]["errorDetails"] is None
    assert response.data == details


@pytest.mark.parametrize(
    ("transaction", "param"),
    [
        ({"amount": "1.5"}, "transaction.amount"),
        ({"amount": 1}, "transaction.amount"),
        ({"from": "0x123"}, "transaction.from"),
        ({"status": "pending"}, "transaction.status"),
    ],
)
def test_the_ingress_transaction_fields_are_validated(
    store: Any, transaction: dict[str, Any], param: str
) -> None:
    order = new_order()
    response = post_event(
        order_event(order["id"], "sending_token_from_vault", "e1", transaction=deposit(**transaction))
    )
    assert_error_envelope(response, 400)
    assert response.body["error"]["param"] == param


def test_a_string_error_details_is_kept_and_the_default_is_a_string(store: Any) -> None:
    first, second = new_order(), new_order()
    named = post_event(order_event(first["id"], "failure", "e1", errorDetails="Slippage exceeded"))
    assert named.data["order"]["errorDetails"] == "Slippage exceeded"
    default = post_event(order_event(second["id"], "failure", "e2"))
    assert isinstance(default.data["order"]["errorDetails"], str)


def test_event_error_details_with_numbers_are_kept_exactly_as_a_string(store: Any) -> None:
    order = new_order()
    details = {"code": "slippage", "ratio": "@ratio@", "limit": "@limit@"}
    raw = raw_json(
        order_event(order["id"], "failure", "evt_float", errorDetails=details), ratio="0.125", limit="1e10"
    )
    response = post_raw_event(raw.encode())
    assert response.status == 200, response.body
    details = response.data["order"]["errorDetails"]
    assert isinstance(details, str)
    assert json.loads(details, parse_float=Decimal) == {
        "code": "slippage",
        "ratio": Decimal("0.125"),
        "limit": Decimal("1e10"),
    }
