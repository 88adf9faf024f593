"""POST /order-events: signed payment progress from the watcher / onramp adapter."""

from __future__ import annotations

from checkout.composition import order_event_secrets, order_event_service
from checkout.config import Settings
from checkout.observability import count
from checkout.requests.order_events import OrderEventRequest
from checkout.startup import check_settings
from checkout.web.handler import Ok, http_handler
from checkout.web.order_details_views import order_details_view
from checkout.web.request import ApiRequest
from checkout.web.signatures import signature_required

# Init phase: a misconfigured deployment stops here, once, with the reason in the log.
check_settings(Settings.order_events_secret_source)


def record_order_event(request: ApiRequest) -> Ok:
    outcome = order_event_service().record(request.parsed(OrderEventRequest))
    count("OrderEventDuplicate" if outcome.duplicate else "OrderEventRecorded")
    message = "Order event already recorded" if outcome.duplicate else "Order event recorded"
    return Ok(message, order_details_view(outcome.order))


handler = http_handler(
    record_order_event, api_keys=False, guard=signature_required(secrets=order_event_secrets)
)
