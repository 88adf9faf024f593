"""GET /orders/{id} and GET /checkout-sessions/{id}?include=order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from checkout.domain.orders import OrderService
from checkout.domain.sessions import SessionService
from tests.builders import http_event, load_event
from tests.support import ApiResponse
from tests.unit.conftest import Shop

Call = Callable[[str, dict[str, Any]], ApiResponse]


def test_returns_the_order_with_its_transaction_lists(shop: Shop, call: Call, orders: OrderService) -> None:
    order = shop.order()

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
    shop: Shop, call: Call, sessions: SessionService, orders: OrderService
) -> None:
    session = shop.session()
    order = shop.order(checkoutSessionId=session.id)

    embedded = call(
        "get_checkout_session",
        http_event("get_checkout_session", session_id=session.id, query={"include": "order"}),
    ).data["order"]
    direct = call("get_order", http_event("get_order", order_id=order.id)).data

    assert embedded == direct


def test_include_order_is_null_without_an_order(shop: Shop, call: Call, sessions: SessionService) -> None:
    session = shop.session()
    response = call(
        "get_checkout_session",
        http_event("get_checkout_session", session_id=session.id, query={"include": "order"}),
    )
    assert response.data["order"] is None


def test_without_include_there_is_no_order_key(shop: Shop, call: Call, sessions: SessionService) -> None:
    session = shop.session()
    response = call(
        "get_checkout_session", http_event("get_checkout_session", session_id=session.id, query={})
    )
    assert "order" not in response.data
