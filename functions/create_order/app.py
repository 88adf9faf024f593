"""POST /orders: creates an order; with `checkoutSessionId` it is linked atomically."""

from __future__ import annotations

from checkout.observability import count
from checkout.services import order_service
from checkout.views import order_view
from checkout.web.handler import Ok, http_handler
from checkout.web.request import ApiRequest


def create_order(request: ApiRequest) -> Ok:
    order = order_service().create(request.json_object())
    count("OrderCreated")
    return Ok("Order created", order_view(order))


handler = http_handler(create_order)
