"""Merchant webhook events (DESIGN 11): which transitions make which event, and the outbox.

A transition a merchant subscribed to becomes exactly one event — its id derived from the
transition itself, so stream replays, duplicate records and parallel workers never make a second —
and one delivery job per subscribed webhook, written together with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from checkout.domain.clock import now_ms as system_now_ms
from checkout.domain.records import OrderRecord, SessionRecord
from checkout.domain.status import OrderStatus, SessionStatus
from checkout.domain.webhook_records import DeliveryJob, EventType, Webhook, WebhookEventRecord

if TYPE_CHECKING:
    from checkout.domain.ports import Repository
    from checkout.domain.webhook_ports import WebhookRepository


Render = Callable[[str, str, int, SessionRecord | None, OrderRecord | None], str]
"""(event id, type, created_at, session, order) -> the JSON body every delivery of the event sends."""


def event_id_for(transition: str) -> str:
    """The same transition, the same id."""
    return "evt_" + hashlib.sha256(transition.encode()).hexdigest()[:32]


def session_event(session: SessionRecord) -> EventType | None:
    if session.status == SessionStatus.COMPLETE:
        return EventType.CHECKOUT_COMPLETED
    if session.status == SessionStatus.EXPIRED:
        return EventType.CHECKOUT_EXPIRED
    return None


def order_event(order: OrderRecord) -> EventType | None:
    if order.status == OrderStatus.EXECUTED:
        return EventType.PAYMENT_COMPLETED
    if order.status == OrderStatus.FAILURE:
        return EventType.PAYMENT_FAILED
    return None


def new_job(webhook: Webhook, event: WebhookEventRecord, now_ms: int) -> DeliveryJob:
    """Pending and due at once: the stream attempts it as it appears; if that never happens (the
    endpoint is degraded, the worker died), the retry job finds it due."""
    return DeliveryJob(
        webhook_id=webhook.id,
        event_id=event.id,
        merchant_id=webhook.merchant_id,
        event_type=event.type,
        status="pending",
        next_attempt_at=now_ms,
        created_at=now_ms,
        updated_at=now_ms,
    )


class WebhookOutbox:
    """Turns the transitions the table's stream shows into events owed to subscribed webhooks."""

    def __init__(
        self,
        repository: Repository,
        webhook_store: WebhookRepository,
        render: Render,
        clock: Callable[[], int] = system_now_ms,
        webhooks_of: Callable[[str], list[Webhook]] | None = None,
    ) -> None:
        """`repository`: the sessions (a payment event carries its order's); `webhook_store`: where
        the events and their deliveries go. `webhooks_of(merchant_id)`: a merchant's webhooks (by
        default a consistent read each time)."""
        self.repository = repository
        self.webhook_store = webhook_store
        self.render = render
        self.clock = clock
        self.webhooks_of = webhooks_of or webhook_store.merchant_webhooks

    def for_batch(self) -> WebhookOutbox:
        """This outbox for one batch of stream records: each merchant's webhooks are read once, at
        its first event in the batch, instead of once per event. The batch's transitions all
        happened before it was read, so they see the webhooks as they were when it was handled,
        as one event read alone would; the next batch (a retry included) reads them afresh."""
        return WebhookOutbox(
            self.repository,
            self.webhook_store,
            self.render,
            self.clock,
            cache(self.webhook_store.merchant_webhooks),
        )

    def session_reached_final(self, session: SessionRecord) -> WebhookEventRecord | None:
        """`checkout.completed` / `checkout.expired`: a session reaches its final status once."""
        event_type = session_event(session)
        if event_type is None:
            return None
        transition = f"session:{session.id}:{session.status}"
        return self._emit(session.merchant_id, event_type, transition, lambda: (session, None))

    def order_moved(self, order: OrderRecord) -> WebhookEventRecord | None:
        """`payment.completed` / `payment.failed`, with the order's session as it is now (the sync
        has moved it first). An order can fail twice (a refund that fails), each its own
        transition, told apart by the write that made it (`updated_at`)."""
        event_type = order_event(order)
        if event_type is None:
            return None

        def subject() -> tuple[SessionRecord | None, OrderRecord | None]:
            linked = order.checkout_session_id
            return (self.repository.get_session(linked) if linked else None), order

        transition = f"order:{order.id}:{order.status}:{order.updated_at}"
        return self._emit(order.merchant_id, event_type, transition, subject)

    def _emit(
        self,
        merchant_id: str,
        event_type: EventType,
        transition: str,
        subject: Callable[[], tuple[SessionRecord | None, OrderRecord | None]],
    ) -> WebhookEventRecord | None:
        """`subject` is read only when some webhook wants the event."""
        subscribed = [hook for hook in self.webhooks_of(merchant_id) if hook.wants(event_type)]
        if not subscribed:
            return None
        now = self.clock()
        event_id = event_id_for(transition)
        session, order = subject()
        event = WebhookEventRecord(
            id=event_id,
            merchant_id=merchant_id,
            type=event_type,
            created_at=now,
            payload=self.render(event_id, event_type, now, session, order),
        )
        jobs = [new_job(webhook, event, now) for webhook in subscribed]
        return event if self.webhook_store.record_webhook_event(event, jobs) else None
