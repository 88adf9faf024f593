"""POST /order-events: signed payment progress from the watcher / onramp adapter."""

from __future__ import annotations

from checkout.observability import count
from checkout.services import order_event_service
from checkout.signatures import HEADER
from checkout.views import order_details_view
from checkout.web.handler import Ok, http_handler
from checkout.web.request import ApiRequest


def record_order_event(request: ApiRequest) -> Ok:
    outcome = order_event_service().record(request.headers.get(HEADER), request.body, request.json_object)
    count("OrderEventDuplicate" if outcome.duplicate else "OrderEventRecorded")
    message = "Order event already recorded" if outcome.duplicate else "Order event recorded"
    return Ok(message, order_details_view(outcome.order))


handler = http_handler(record_order_event)
