"""POST /orders: creates an order; with `checkoutSessionId` it is linked atomically (the buyer's
call, no key needed), without one it is the merchant's own standalone order (`write`)."""

from __future__ import annotations

from checkout.composition import order_service
from checkout.observability import count
from checkout.requests.orders import CreateOrderRequest
from checkout.web.handler import Ok, http_handler
from checkout.web.request import ApiRequest
from checkout.web.views import order_view


def create_order(request: ApiRequest) -> Ok:
    order = order_service().create(request.parsed(CreateOrderRequest), request.caller)
    count("OrderCreated")
    return Ok("Order created", order_view(order))


handler = http_handler(create_order)
