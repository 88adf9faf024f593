"""The ingress (issue 10): a reused event id is a 409, and no refund without a deposit (DESIGN 3, 5)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.builders import http_event
from tests.functional.hostile_fixtures import (
    assert_error_envelope,
    create_session,
    deposit,
    get_order,
    moto_checkout,
    new_order,
    order_event,
    post_event,
)
from tests.support import invoke_http


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with moto_checkout(monkeypatch) as client:
        yield client


# --- event ids ------------------------------------------------------------------------------------
def test_an_event_id_reused_with_a_different_body_is_a_409(store: Any) -> None:
    order = new_order()
    other = new_order()
    first = order_event(order["id"], "sending_token_from_vault", "evt_reused", transaction=deposit())
    assert post_event(first).status == 200

    same_again = post_event(dict(first))
    assert same_again.status == 200
    assert same_again.body["message"] == "Order event already recorded"

    for changed in (
        {**first, "status": "executing"},
        {**first, "orderId": other["id"]},
        {**first, "transaction": deposit("cd")},
    ):
        response = post_event(changed)
        assert_error_envelope(response, 409, "event_id_reused")
        assert response.body["error"]["type"] == "conflict_error"
    assert get_order(other["id"]).data["order"]["status"] == "scanning_deposit_transaction"
    assert get_order(order["id"]).data["order"]["status"] == "sending_token_from_vault"


def test_the_same_event_sent_with_keys_reordered_is_a_replay(store: Any) -> None:
    order = new_order()
    event = order_event(order["id"], "failure", "evt_order", errorDetails={"a": 1, "b": 2.5})
    assert post_event(event).status == 200
    reordered = {
        "errorDetails": {"b": 2.50, "a": 1},
        "status": "failure",
        "orderId": order["id"],
        "id": "evt_order",
    }
    assert post_event(reordered).body["message"] == "Order event already recorded"


# --- refunds need a deposit -----------------------------------------------------------------------
def test_refunding_is_impossible_without_a_deposit(store: Any) -> None:
    order = new_order()
    assert post_event(order_event(order["id"], "failure", "evt_fail")).status == 200

    response = post_event(order_event(order["id"], "refunding", "evt_refund"))

    assert_error_envelope(response, 409, "illegal_transition")
    assert get_order(order["id"]).data["order"]["status"] == "failure"
    assert post_event(order_event(order["id"], "refunded", "evt_refunded")).status == 409


def test_a_failure_after_a_deposit_can_be_refunded(store: Any) -> None:
    order = new_order()
    assert (
        post_event(
            order_event(order["id"], "scanning_deposit_transaction", "e1", transaction=deposit())
        ).status
        == 200
    )
    assert post_event(order_event(order["id"], "failure", "e2")).status == 200
    assert post_event(order_event(order["id"], "refunding", "e3")).status == 200
    refunded = post_event(
        order_event(order["id"], "refunded", "e4", transaction={**deposit("ee"), "kind": "refund"})
    )
    assert refunded.status == 200
    assert refunded.data["order"]["status"] == "refunded"
    assert refunded.data["order"]["receivedDepositAt"] is not None


def test_a_failed_deposit_transaction_is_not_a_received_deposit(store: Any) -> None:
    order = new_order()
    failed = deposit(status="failed")
    assert post_event(order_event(order["id"], "failure", "e1", transaction=failed)).status == 200
    assert get_order(order["id"]).data["order"]["receivedDepositAt"] is None
    assert post_event(order_event(order["id"], "refunding", "e2")).status == 409


def test_a_late_deposit_on_an_expired_order_can_be_refunded(store: Any) -> None:
    session = create_session()
    order = new_order(session["id"])
    expired = invoke_http(
        "expire_checkout_session", http_event("expire_checkout_session", session_id=session["id"])
    )
    assert expired.status == 200
    assert post_event(order_event(order["id"], "refunding", "e0")).status == 409  # nothing to refund yet

    assert post_event(order_event(order["id"], "expired", "e1", transaction=deposit())).status == 200
    assert post_event(order_event(order["id"], "refunding", "e2")).status == 200
