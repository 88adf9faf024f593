"""GET /orders/{id}: the order with its transactions (read-only)."""

from __future__ import annotations

from checkout.composition import order_lookup
from checkout.startup import check_settings
from checkout.web.handler import Ok, http_handler
from checkout.web.order_details_views import order_details_view
from checkout.web.request import ApiRequest

# Init phase: a misconfigured deployment stops here, once, with the reason in the log.
check_settings()


def get_order(request: ApiRequest) -> Ok:
    request.only_query({})
    order = order_lookup().get(request.path_parameter("id"), request.caller)
    return Ok("Order retrieved", order_details_view(order))


handler = http_handler(get_order)
