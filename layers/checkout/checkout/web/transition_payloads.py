"""The payloads of the events a session's or an order's transition makes (`checkout.*`, `payment.*`).

Every delivery of an event sends the same bytes: the payload is written once, when the event is
recorded, from the platform view of the session (with `client_reference_id` and `metadata`, for
the merchant to match its own records) and, for `payment.*`, the order.
"""

from __future__ import annotations

from typing import Any

from checkout.domain.records import OrderRecord, SessionRecord
from checkout.domain.webhook_events import Render
from checkout.web.order_views import order_view
from checkout.web.platform_views import platform_session
from checkout.web.webhook_payloads import event_payload


def event_renderer(base_url: str) -> Render:
    """Payloads for the transitions' events; `base_url` is where buyers reach the hosted page."""

    def render(
        event_id: str,
        event_type: str,
        created_at: int,
        session: SessionRecord | None,
        order: OrderRecord | None,
    ) -> str:
        data: dict[str, Any] = {
            "checkout_session": None if session is None else platform_session(session, base_url, created_at)
        }
        if event_type.startswith("payment."):
            data["order"] = None if order is None else order_view(order)
        return event_payload(event_id, event_type, created_at, data)

    return render
