"""Webhook records <-> table items (DESIGN 11): apart from the session and order items, so the
webhook functions never load those records, nor the session functions these."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from checkout.adapters.dynamodb.keys import (
    attempt_key,
    delivery_job_key,
    due_shard,
    webhook_event_key,
    webhook_key,
)
from checkout.adapters.dynamodb.retention import purge_at

if TYPE_CHECKING:
    from checkout.config import Settings
    from checkout.domain.webhook_records import (
        DeliveryAttempt,
        DeliveryJob,
        WebhookEventRecord,
        WebhookRecord,
    )

WEBHOOK_JOB_ENTITY = "webhook_job"


def webhook_item(webhook: WebhookRecord) -> dict[str, Any]:
    return {
        **webhook.model_dump(exclude_none=True),
        **webhook_key(webhook.merchant_id, webhook.id),
        "entity": "webhook",
    }


def webhook_event_item(event: WebhookEventRecord, settings: Settings) -> dict[str, Any]:
    """Kept for the retention period: a merchant can re-send it until then."""
    return {
        **event.model_dump(),
        **webhook_event_key(event.id),
        "entity": "webhook_event",
        "purge_at": purge_at(event.created_at, 0, settings),
    }


def delivery_job_item(job: DeliveryJob, settings: Settings) -> dict[str, Any]:
    item = {
        **job.model_dump(exclude_none=True),
        **delivery_job_key(job.webhook_id, job.event_id),
        "entity": WEBHOOK_JOB_ENTITY,
        # Kept past the last scheduled retry (24 h) for the retention period.
        "purge_at": purge_at(job.created_at, 0, settings),
    }
    if job.status == "pending" and job.next_attempt_at is not None:
        # Listed in the sparse due index while pending: the retry job finds it even if the
        # stream's attempt never happens.
        item |= due_index_attributes(job, job.next_attempt_at, settings)
    return item


def due_index_attributes(job: DeliveryJob, due_at: int, settings: Settings) -> dict[str, Any]:
    return {"due_shard": due_shard(job.webhook_id, job.event_id, settings.retry_shards), "due_at": due_at}


def attempt_item(attempt: DeliveryAttempt, settings: Settings) -> dict[str, Any]:
    return {
        **attempt.model_dump(exclude_none=True),
        **attempt_key(attempt.webhook_id, attempt.id),
        "entity": "webhook_attempt",
        "purge_at": purge_at(attempt.attempted_at, 0, settings),
    }
