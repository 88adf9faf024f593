"""GET /orders/{id} and GET /checkout-sessions/{id}?include=order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from checkout.orders import OrderService
from checkout.sessions import SessionService
from tests.support import ApiResponse, http_event, load_event
from tests.unit.test_create_order import order_body

Call = Callable[[str, dict[str, Any]], ApiResponse]


def test_returns_the_order_with_its_transaction_lists(call: Call, orders: OrderService) -> None:
    order = orders.create(order_body())

    response = call("get_order", http_event("get_order", order_id=order.id))

    assert response.status == 200
    assert response.body["message"] == "Order retrieved"
    assert response.data["order"]["id"] == order.id
    assert response.data["depositTxs"] == []
    assert response.data["relayTxs"] == []
    assert response.data["executeTx"] is None
    assert response.data["refundTxs"] == []


def test_the_event_file_names_an_unknown_order(call: Call) -> None:
    response = call("get_order", load_event("get_order"))
    assert response.status == 404
    assert response.error == {"type": "invalid_request_error", "code": "resource_missing", "param": "id"}


@pytest.mark.parametrize(
    "order_id", ["x", "9c1e5d7a3b2f4e6d8a9b0c1d2e3f4a5b", "9c1e5d7a-3b2f-4e6d-8a9b-0c1d2e3f4a5"]
)
def test_a_malformed_order_id_is_a_404(call: Call, order_id: str) -> None:
    assert call("get_order", http_event("get_order", order_id=order_id)).status == 404


def test_include_order_embeds_the_same_structure(
    call: Call, sessions: SessionService, orders: OrderService
) -> None:
    session = sessions.create({})
    order = orders.create(order_body(checkoutSessionId=session.id))

    embedded = call(
        "get_checkout_session",
        http_event("get_checkout_session", session_id=session.id, query={"include": "order"}),
    ).data["order"]
    direct = call("get_order", http_event("get_order", order_id=order.id)).data

    assert embedded == direct


def test_include_order_is_null_without_an_order(call: Call, sessions: SessionService) -> None:
    session = sessions.create({})
    response = call(
        "get_checkout_session",
        http_event("get_checkout_session", session_id=session.id, query={"include": "order"}),
    )
    assert response.data["order"] is None


def test_without_include_there_is_no_order_key(call: Call, sessions: SessionService) -> None:
    session = sessions.create({})
    response = call(
        "get_checkout_session", http_event("get_checkout_session", session_id=session.id, query={})
    )
    assert "order" not in response.data
