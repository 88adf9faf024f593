"""POST /order-events: signature first, then the order's state machine, dedup, atomicity."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from checkout.domain.orders import OrderService
from checkout.domain.sessions import SessionService
from tests.builders import ORDER_EVENTS_SECRET, load_event, order_event_body, signed_order_event
from tests.fakes import InMemoryRepository
from tests.support import ApiResponse
from tests.unit.conftest import BUYER, Shop

Call = Callable[[str, dict[str, Any]], ApiResponse]
SECRET = ORDER_EVENTS_SECRET  # what the function environment configures
TX = {"kind": "deposit", "chainId": 8453, "txHash": "0x" + "ab" * 32}


@pytest.fixture
def order_id(shop: Shop) -> str:
    return shop.order().id


def post_event(call: Call, body: dict[str, Any] | bytes, **kwargs: Any) -> ApiResponse:
    return call("record_order_event", signed_order_event(body, [SECRET], **kwargs))


def test_a_deposit_moves_the_order_and_records_the_transaction(call: Call, order_id: str) -> None:
    response = post_event(call, order_event_body(order_id, "sending_token_from_vault", transaction=TX))

    assert response.status == 200
    assert response.body["message"] == "Order event recorded"
    assert response.data["order"]["status"] == "sending_token_from_vault"
    assert [tx["txHash"] for tx in response.data["depositTxs"]] == [TX["txHash"]]
    assert response.data["relayTxs"] == []


@pytest.mark.parametrize(
    ("kind", "field"), [("deposit", "depositTxs"), ("relay", "relayTxs"), ("refund", "refundTxs")]
)
def test_each_transaction_kind_goes_to_its_list(call: Call, order_id: str, kind: str, field: str) -> None:
    status = {"deposit": "sending_token_from_vault", "relay": "relay", "refund": "refunding"}[kind]
    if kind == "refund":  # a refund returns a deposit that arrived, after a failure
        post_event(call, order_event_body(order_id, "sending_token_from_vault", event_id="evt_paid"))
        post_event(call, order_event_body(order_id, "failure", event_id="evt_failed"))
    response = post_event(call, order_event_body(order_id, status, transaction={**TX, "kind": kind}))
    assert response.status == 200, response.body
    assert len(response.data[field]) == 1


def test_an_execute_transaction_is_the_single_execute_tx_and_sets_filled_at(
    call: Call, order_id: str
) -> None:
    response = post_event(call, order_event_body(order_id, "executed", transaction={**TX, "kind": "execute"}))

    assert response.data["executeTx"]["txHash"] == TX["txHash"]
    assert response.data["order"]["status"] == "executed"
    assert isinstance(response.data["order"]["filledAt"], int)


def test_a_failure_records_error_details(call: Call, order_id: str) -> None:
    details = {"code": "slippage", "message": "price moved"}
    response = post_event(call, order_event_body(order_id, "failure", errorDetails=details))
    assert json.loads(response.data["order"]["errorDetails"]) == details  # a string, as the SDK reads it


def test_a_failure_without_details_gets_a_generic_one(call: Call, order_id: str) -> None:
    response = post_event(call, order_event_body(order_id, "failure"))
    assert response.data["order"]["errorDetails"] == "The payment failed"


def test_a_replayed_event_id_is_a_200_no_op(call: Call, order_id: str) -> None:
    first = post_event(call, order_event_body(order_id, "sending_token_from_vault", transaction=TX))
    post_event(call, order_event_body(order_id, "relay", event_id="evt_2"))

    replay = post_event(call, order_event_body(order_id, "sending_token_from_vault", transaction=TX))

    assert replay.status == 200
    assert replay.body["message"] == "Order event already recorded"
    assert replay.data["order"]["status"] == "relay"  # not moved back
    assert len(replay.data["depositTxs"]) == len(first.data["depositTxs"]) == 1


def test_an_illegal_transition_is_a_409_and_records_nothing(
    call: Call, order_id: str, store: InMemoryRepository
) -> None:
    post_event(call, order_event_body(order_id, "executing", event_id="evt_a"))

    response = post_event(call, order_event_body(order_id, "relay", event_id="evt_b"))

    assert response.status == 409
    assert response.error == {"type": "conflict_error", "code": "illegal_transition", "param": "status"}
    assert response.body["message"] == "Order is executing; it cannot move to relay"
    assert len(store.events) == 1  # the rejected event id is not burnt


def test_an_expired_order_cannot_receive_progress_but_can_be_refunded(call: Call, order_id: str) -> None:
    post_event(call, order_event_body(order_id, "expired", event_id="evt_x"))

    assert (
        post_event(call, order_event_body(order_id, "sending_token_from_vault", event_id="evt_y")).status
        == 409
    )
    late = post_event(call, order_event_body(order_id, "refunding", event_id="evt_z", transaction=TX))
    assert late.status == 200
    assert late.data["order"]["status"] == "refunding"
    assert len(late.data["depositTxs"]) == 1


def test_the_same_status_again_only_appends_the_transaction(call: Call, order_id: str) -> None:
    post_event(
        call, order_event_body(order_id, "relay", event_id="evt_1", transaction={**TX, "kind": "relay"})
    )
    second_tx = {**TX, "kind": "relay", "txHash": "0x" + "cd" * 32}

    response = post_event(call, order_event_body(order_id, "relay", event_id="evt_2", transaction=second_tx))

    assert response.status == 200
    assert len(response.data["relayTxs"]) == 2


def test_a_failed_refund_is_recorded_and_can_be_retried(call: Call, order_id: str) -> None:
    post_event(call, order_event_body(order_id, "sending_token_from_vault", event_id="evt_d", transaction=TX))
    post_event(call, order_event_body(order_id, "refunding", event_id="evt_r1"))

    failed = post_event(call, order_event_body(order_id, "failure", event_id="evt_f"))
    retried = post_event(call, order_event_body(order_id, "refunding", event_id="evt_r2"))

    assert failed.status == 200
    assert failed.data["order"]["status"] == "failure"
    assert retried.data["order"]["status"] == "refunding"


def test_a_refund_before_any_deposit_or_failure_is_a_409(call: Call, order_id: str) -> None:
    assert post_event(call, order_event_body(order_id, "refunding")).status == 409


def test_an_unknown_order_is_a_404(call: Call, store: InMemoryRepository) -> None:
    response = post_event(call, order_event_body("0d6f3e2a-1b4c-4d5e-8f9a-0b1c2d3e4f5a", "relay"))
    assert response.status == 404
    assert response.error["param"] == "orderId"
    assert len(store.events) == 0


# --- the signature comes before anything else ------------------------------------------------
def test_a_missing_signature_is_a_401(call: Call, order_id: str) -> None:
    raw = json.dumps(order_event_body(order_id, "relay")).encode()
    response = call("record_order_event", signed_order_event(raw, [SECRET], header=""))
    assert response.status == 401
    assert response.error == {"type": "authentication_error", "code": "invalid_signature"}
    assert response.body["message"] == "Missing Checkout-Signature header"


def test_the_signature_is_checked_before_the_body_is_parsed(call: Call) -> None:
    response = call("record_order_event", signed_order_event(b"{not json", ["whsec_wrong"]))
    assert response.status == 401


def test_a_stale_signature_is_a_401(call: Call, order_id: str) -> None:
    import time

    response = post_event(call, order_event_body(order_id, "relay"), timestamp=int(time.time()) - 301)
    assert response.status == 401
    assert "tolerance" in response.body["message"]


def test_a_body_tampered_after_signing_is_a_401(call: Call, order_id: str) -> None:
    signed = signed_order_event(order_event_body(order_id, "relay"), [SECRET])
    signed["body"] = signed["body"].replace("relay", "executed")
    assert call("record_order_event", signed).status == 401


def test_the_event_file_is_well_formed_but_its_signature_is_long_expired(call: Call) -> None:
    response = call("record_order_event", load_event("record_order_event"))
    assert response.status == 401


# --- body validation, once signed ------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "param"),
    [
        ({"status": "paid"}, "status"),
        ({"orderId": "nope"}, "orderId"),
        ({"id": ""}, "id"),
        ({"id": "evt 1"}, "id"),
        ({"transaction": {**TX, "kind": "bridge"}}, "transaction.kind"),
        ({"transaction": {**TX, "txHash": "0x12"}}, "transaction.txHash"),
        ({"transaction": {**TX, "chainId": 5}}, "transaction.chainId"),
        ({"amount": "1"}, "amount"),
    ],
)
def test_a_signed_but_invalid_event_is_a_400(
    call: Call, order_id: str, changes: dict[str, Any], param: str
) -> None:
    response = post_event(call, {**order_event_body(order_id, "relay"), **changes})
    assert response.status == 400
    assert response.error["param"] == param


def test_a_signed_malformed_body_is_a_400(call: Call) -> None:
    response = post_event(call, b"{not json")
    assert response.status == 400
    assert response.error["code"] == "invalid_json"


def test_the_session_follows_on_its_next_read(
    shop: Shop, call: Call, sessions: SessionService, orders: OrderService
) -> None:
    session = shop.session()
    order = shop.order(checkoutSessionId=session.id)

    post_event(call, order_event_body(order.id, "executed", transaction={**TX, "kind": "execute"}))

    assert sessions.get(session.id, BUYER)[0].status == "complete"


def test_an_unsigned_retry_of_a_kept_event_is_a_401_not_a_replay(call: Call, order_id: str) -> None:
    body = order_event_body(order_id, "sending_token_from_vault", transaction=TX)
    kept = signed_order_event(body, [SECRET])
    kept["headers"]["idempotency-key"] = "k-evt"
    assert call("record_order_event", kept).status == 200

    for unsigned_body in (body, {"x": 1}):
        unsigned = signed_order_event(unsigned_body, [SECRET])
        unsigned["headers"]["idempotency-key"] = "k-evt"
        del unsigned["headers"]["checkout-signature"]
        response = call("record_order_event", unsigned)

        assert response.status == 401
        assert "idempotent-replayed" not in response.headers


def test_an_answer_too_large_to_keep_is_answered_and_its_retry_is_a_no_op(
    call: Call, order_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from checkout.web import idempotency

    monkeypatch.setattr(idempotency, "MAX_KEPT_CHARACTERS", 100)
    event = signed_order_event(
        order_event_body(order_id, "sending_token_from_vault", transaction=TX), [SECRET]
    )
    event["headers"]["idempotency-key"] = "k-large"

    first, retry = call("record_order_event", event), call("record_order_event", event)

    assert (first.status, retry.status) == (200, 200)
    assert first.body["message"] == "Order event recorded"
    assert retry.body["message"] == "Order event already recorded"
    assert "idempotent-replayed" not in retry.headers
    assert len(retry.data["depositTxs"]) == 1
