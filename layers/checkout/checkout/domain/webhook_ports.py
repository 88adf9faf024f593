"""What the webhooks (DESIGN 11) need from storage: `WebhookRepository`, beside `Repository` for
sessions and orders.

Apart so that a function loads only the storage it uses: the session and order functions never load
the webhook records, and the webhook functions never load the session and order records (the
DynamoDB adapter implements each in its own class: `WebhookStore`, `DynamoDBRepository`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from checkout.domain.webhook_records import (
        DeliveryAttempt,
        DeliveryJob,
        DeliveryStatus,
        Webhook,
        WebhookChanges,
        WebhookEventRecord,
        WebhookRecord,
    )


@dataclass(frozen=True)
class DeliveryOutcome:
    """What to write after an attempt: the attempt, the job's next state, the webhook's health."""

    attempt: DeliveryAttempt
    job_status: DeliveryStatus | None  # None: the job stays as it is (a manual send)
    next_attempt_at: int | None = None  # when pending: the next scheduled attempt
    degraded_until: int | None = None  # None: the endpoint answered well and quickly


@dataclass(frozen=True)
class AttemptPage:
    attempts: list[DeliveryAttempt]
    has_more: bool
    total_count: int  # exact up to a bound past the page (as session lists count)


class WebhookRepository(Protocol):
    def create_webhook(self, webhook: WebhookRecord, limit: int) -> bool:
        """Stores a new webhook unless the merchant already has `limit` of them (counted on the
        merchant's item in the same transaction: two creates never both take the last place)."""

    def get_webhook(self, merchant_id: str, webhook_id: str) -> WebhookRecord | None: ...

    def merchant_webhooks(self, merchant_id: str) -> list[Webhook]:
        """Every webhook of the merchant (a handful: their number is bounded at creation), without
        their secrets: the read itself leaves them out."""

    def update_webhook(
        self, merchant_id: str, webhook_id: str, changes: WebhookChanges, now_ms: int
    ) -> WebhookRecord | None:
        """Applies the changes (never to the counters or the secret); None if there is no such webhook."""

    def delete_webhook(self, merchant_id: str, webhook_id: str) -> bool: ...

    def degrade_merchant(self, merchant_id: str, until_ms: int) -> None:
        """Every webhook of the merchant degraded until `until_ms` at least (none made shorter), and
        those it creates before then start degraded."""

    def record_webhook_event(self, event: WebhookEventRecord, jobs: list[DeliveryJob]) -> bool:
        """Stores the event and one delivery job per webhook, all or nothing; False when the event
        was recorded before (a replayed transition): exactly one event per transition."""

    def get_webhook_event(self, event_id: str) -> WebhookEventRecord | None: ...

    def get_delivery_job(self, webhook_id: str, event_id: str) -> DeliveryJob | None: ...

    def claim_delivery(self, job: DeliveryJob, lease_until: int, now_ms: int) -> DeliveryJob | None:
        """Takes the pending job for one scheduled attempt if it is still as `job` saw it: its
        attempt count goes up and it is not due again before `lease_until`, so a worker that dies
        mid-way leaves it to the retry job. None when it was taken, or settled, meanwhile."""

    def finish_attempt(self, job: DeliveryJob, outcome: DeliveryOutcome) -> None:
        """Records a scheduled attempt and the job's next state (if the job is still this attempt's
        claim), and counts it on the webhook."""

    def record_manual_attempt(self, job: DeliveryJob, outcome: DeliveryOutcome) -> None:
        """Records a test or a merchant's retry: the attempt, the job's new status if any (a success
        settles a pending job), and the count on the webhook."""

    def due_deliveries(self, now_ms: int, page_size: int) -> Iterator[list[DeliveryJob]]:
        """Pages of pending jobs whose next attempt is due (a sparse index: never a Scan)."""

    def webhook_attempts(self, webhook_id: str, limit: int, skip: int) -> AttemptPage:
        """The webhook's delivery attempts, newest first."""

    def get_attempt(self, webhook_id: str, attempt_id: str) -> DeliveryAttempt | None: ...
