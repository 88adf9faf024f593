"""POST /orders: creates an order; with `checkoutSessionId` it is linked atomically (the buyer's
call, no key needed), without one it is the merchant's own standalone order (`write`)."""

from __future__ import annotations

from checkout.composition import order_service
from checkout.config import Settings
from checkout.domain.access import Permission
from checkout.observability import count
from checkout.requests.order_link import named_session
from checkout.requests.orders import CreateOrderRequest
from checkout.startup import check_settings
from checkout.web.handler import Ok, http_handler
from checkout.web.order_views import order_view
from checkout.web.request import ApiRequest

# Init phase: a misconfigured deployment stops here, once, with the reason in the log.
check_settings(Settings.deposit_contract)


def standalone_orders_need_write(request: ApiRequest) -> None:
    """A body that names no session is a standalone order, the merchant's own: `write`, checked
    before the endpoint runs or a kept answer is replayed (the order service checks it again)."""
    if named_session(request.json_object()) is None:
        request.caller.acting_merchant(Permission.WRITE)


def create_order(request: ApiRequest) -> Ok:
    order = order_service().create(request.parsed(CreateOrderRequest), request.caller)
    count("OrderCreated")
    return Ok("Order created", order_view(order))


handler = http_handler(create_order, guard=standalone_orders_need_write)
