"""The merchant webhooks' records (DESIGN 11): a webhook, an event, the job that owes the event to
one webhook, and each attempt to deliver it; the event types; and the changes a PATCH makes to a
webhook. Apart from the session and order records (and from their storage port, `ports`), so
the functions that manage or send webhooks load only these."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from checkout.domain.record_base import Record


class EventType(StrEnum):
    CHECKOUT_COMPLETED = "checkout.completed"
    CHECKOUT_EXPIRED = "checkout.expired"  # by the clock, the merchant, or a failed payment
    PAYMENT_COMPLETED = "payment.completed"  # the order executed
    PAYMENT_FAILED = "payment.failed"  # the order failed


EVERY_EVENT = "*"
TEST_EVENT = "webhook.test"  # what `POST /webhooks/{id}/test` sends; no transition makes one


class Webhook(Record):
    """A webhook as everything but its sender reads it: without the signing secret. Listing a
    merchant's webhooks (for the management API, or to find who wants an event) reads no secret."""

    id: str
    merchant_id: str
    url: str
    events: list[str]  # event types, or ["*"]
    description: str | None = None
    is_active: bool = True
    success_count: int = 0
    failure_count: int = 0
    last_triggered_at: int | None = None
    # Set when an attempt failed or was slow: until then the stream leaves this webhook's first
    # attempts to the retry job, so a slow or dead endpoint never holds up other merchants' batches.
    degraded_until: int | None = None
    created_at: int
    updated_at: int

    def wants(self, event_type: str) -> bool:
        return self.is_active and ("*" in self.events or event_type in self.events)

    def degraded(self, now_ms: int) -> bool:
        return self.degraded_until is not None and self.degraded_until > now_ms


class WebhookRecord(Webhook):
    """The whole stored webhook, read by the functions that create it or send to it."""

    secret: str  # whsec_…: signs every delivery; shown once, at creation


class WebhookEventRecord(Record):
    """One event: `payload` is the exact body every delivery of it sends."""

    id: str
    merchant_id: str
    type: str
    created_at: int
    payload: str


DeliveryStatus = Literal["pending", "success", "failed"]


class DeliveryJob(Record):
    """An event owed to one webhook, until delivered or out of attempts."""

    webhook_id: str
    event_id: str
    merchant_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int = 0  # scheduled attempts made (a manual retry or a test is not one)
    next_attempt_at: int | None = None  # epoch ms, while pending
    created_at: int
    updated_at: int


class DeliveryAttempt(Record):
    """One POST of an event to a webhook (the SDK's `WebhookDelivery`)."""

    id: str
    webhook_id: str
    event_id: str
    event_type: str
    url: str
    status: Literal["success", "failed"]
    status_code: int | None = None
    response_body: str | None = None  # its first 1 KiB
    error_message: str | None = None
    duration_ms: int = 0
    attempted_at: int
    created_at: int


@dataclass(frozen=True)
class WebhookChanges:
    """A webhook's settings as a PATCH gives them: None leaves a setting as it is."""

    url: str | None = None
    events: list[str] | None = None
    is_active: bool | None = None
    description: str | None = None
