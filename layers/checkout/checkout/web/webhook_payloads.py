"""The webhook events' payloads (DESIGN 11): `{"id", "object": "event", "type", "created_at", "data"}`,
and the test event's. The transitions' events carry the session and the order: their `data` is built
in `transition_payloads`, apart, so the functions that manage webhooks (one of which sends test
events) never load the session and order views.
"""

from __future__ import annotations

from typing import Any

from checkout.domain.json_text import dumps
from checkout.domain.webhook_records import WebhookRecord
from checkout.web.webhook_views import webhook_view


def event_payload(event_id: str, event_type: str, created_at: int, data: dict[str, Any]) -> str:
    """UTF-8 JSON text (non-ASCII written as itself): the event item that keeps it stays well under
    DynamoDB's 400 KB with the largest session and order the API accepts (docs/decisions.md)."""
    return dumps(
        {"id": event_id, "object": "event", "type": event_type, "created_at": created_at, "data": data},
        ensure_ascii=False,
    )


def render_test_event(event_id: str, created_at: int, webhook: WebhookRecord) -> str:
    return event_payload(event_id, "webhook.test", created_at, {"webhook": webhook_view(webhook)})
