"""Managing merchant webhooks (DESIGN 11): create (the signing secret is shown then, and only
then), list, read, change, delete, send a test event, list a webhook's deliveries, re-send one.

Every call is scoped to the caller's merchant: another merchant's webhook does not exist for it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from checkout.domain.clock import now_ms as system_now_ms
from checkout.domain.errors import DeliveryNotFound, InvalidParameter, WebhookLimitReached, WebhookNotFound
from checkout.domain.listing import MAX_DEPTH
from checkout.domain.webhook_delivery import Deliveries
from checkout.domain.webhook_ports import AttemptPage, WebhookRepository
from checkout.domain.webhook_records import (
    TEST_EVENT,
    DeliveryAttempt,
    DeliveryJob,
    Webhook,
    WebhookChanges,
    WebhookEventRecord,
    WebhookRecord,
)

MAX_WEBHOOKS = 16  # per merchant
SECRET_PREFIX = "whsec_"
_WEBHOOK_ID = re.compile(r"wh_[0-9a-f]{24}")
_ATTEMPT_ID = re.compile(r"dlv_[0-9]{13}[0-9a-f]{12}")

RenderTest = Callable[[str, int, WebhookRecord], str]
"""(event id, created_at, webhook) -> the test event's JSON body."""


def new_webhook_id() -> str:
    return "wh_" + secrets.token_hex(12)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


class WebhookService:
    def __init__(
        self,
        webhook_store: WebhookRepository,
        deliveries: Callable[[], Deliveries],
        render_test: RenderTest,
        clock: Callable[[], int] = system_now_ms,
    ) -> None:
        self.webhook_store = webhook_store
        self.deliveries = deliveries  # made only by the calls that send
        self.render_test = render_test
        self.clock = clock

    def create(self, merchant_id: str, url: str, events: list[str], description: str | None) -> WebhookRecord:
        now = self.clock()
        webhook = WebhookRecord(
            id=new_webhook_id(),
            merchant_id=merchant_id,
            url=url,
            events=events,
            description=description,
            secret=new_secret(),
            created_at=now,
            updated_at=now,
        )
        if not self.webhook_store.create_webhook(webhook, MAX_WEBHOOKS):
            raise WebhookLimitReached(
                f"A merchant can have at most {MAX_WEBHOOKS} webhooks; delete one before adding another"
            )
        return webhook

    def list(self, merchant_id: str) -> list[Webhook]:
        return sorted(self.webhook_store.merchant_webhooks(merchant_id), key=lambda hook: -hook.created_at)

    def get(self, merchant_id: str, webhook_id: str) -> WebhookRecord:
        webhook = (
            self.webhook_store.get_webhook(merchant_id, webhook_id)
            if _WEBHOOK_ID.fullmatch(webhook_id)
            else None
        )
        if webhook is None:
            raise _not_found(webhook_id)
        return webhook

    def update(self, merchant_id: str, webhook_id: str, changes: WebhookChanges) -> WebhookRecord:
        if not _WEBHOOK_ID.fullmatch(webhook_id):
            raise _not_found(webhook_id)
        updated = self.webhook_store.update_webhook(merchant_id, webhook_id, changes, self.clock())
        if updated is None:
            raise _not_found(webhook_id)
        return updated

    def delete(self, merchant_id: str, webhook_id: str) -> None:
        if not _WEBHOOK_ID.fullmatch(webhook_id) or not self.webhook_store.delete_webhook(
            merchant_id, webhook_id
        ):
            raise _not_found(webhook_id)

    def send_test(self, merchant_id: str, webhook_id: str) -> DeliveryAttempt:
        """A `webhook.test` event, sent at once (to an inactive webhook too: a merchant checks an
        endpoint before turning it on), kept in the deliveries like any other."""
        webhook = self.get(merchant_id, webhook_id)
        now = self.clock()
        event_id = "evt_" + secrets.token_hex(16)
        event = WebhookEventRecord(
            id=event_id,
            merchant_id=merchant_id,
            type=TEST_EVENT,
            created_at=now,
            payload=self.render_test(event_id, now, webhook),
        )
        # Settled from the start (never pending): no one but this call sends it.
        job = DeliveryJob(
            webhook_id=webhook.id,
            event_id=event_id,
            merchant_id=merchant_id,
            event_type=TEST_EVENT,
            status="failed",
            created_at=now,
            updated_at=now,
        )
        self.webhook_store.record_webhook_event(event, [job])
        return self.deliveries().send_now(webhook, event, job)

    def deliveries_of(self, merchant_id: str, webhook_id: str, page: int, limit: int) -> AttemptPage:
        self.get(merchant_id, webhook_id)
        skip = (page - 1) * limit
        if skip + limit > MAX_DEPTH:
            raise InvalidParameter(f"page * limit must be at most {MAX_DEPTH}", param="page")
        return self.webhook_store.webhook_attempts(webhook_id, limit, skip)

    def resend(self, merchant_id: str, webhook_id: str, delivery_id: str) -> DeliveryAttempt:
        """Sends a delivery's event again, with the same event id, as a new delivery."""
        webhook = self.get(merchant_id, webhook_id)
        previous = (
            self.webhook_store.get_attempt(webhook_id, delivery_id)
            if _ATTEMPT_ID.fullmatch(delivery_id)
            else None
        )
        if previous is None:
            raise DeliveryNotFound("No such delivery of this webhook", param="delivery_id")
        event = self.webhook_store.get_webhook_event(previous.event_id)
        job = self.webhook_store.get_delivery_job(webhook_id, previous.event_id)
        if event is None or job is None:
            raise DeliveryNotFound("This delivery's event is no longer kept", param="delivery_id")
        return self.deliveries().send_now(webhook, event, job)


def _not_found(webhook_id: str) -> WebhookNotFound:
    shown = webhook_id if _WEBHOOK_ID.fullmatch(webhook_id) else "(malformed id)"
    return WebhookNotFound(f"No such webhook: {shown}", param="id")
