"""Domain records <-> table items: the keys and bookkeeping attributes live only here."""

from __future__ import annotations

from typing import Any, TypeVar

from checkout.adapters.dynamodb.keys import (
    api_key_id_key,
    api_key_key,
    attempt_key,
    delivery_job_key,
    due_shard,
    event_key,
    merchant_list_key,
    open_shard,
    order_key,
    session_key,
    webhook_event_key,
    webhook_key,
)
from checkout.config import Settings
from checkout.domain.ports import OrderProgress
from checkout.domain.record_base import Record
from checkout.domain.records import ApiKeyRecord, OrderRecord, SessionRecord, Transaction
from checkout.domain.webhook_records import DeliveryAttempt, DeliveryJob, WebhookEventRecord, WebhookRecord

RecordT = TypeVar("RecordT", bound=Record)
SECONDS_PER_DAY = 86_400
SESSION_ENTITY = "session"
ORDER_ENTITY = "order"
TRANSACTION_ENTITY = "transaction"
WEBHOOK_JOB_ENTITY = "webhook_job"


def purge_at(final_at_ms: int, deadline_s: int, settings: Settings) -> int:
    """TTL epoch seconds: retention after the item became final or after its deadline, whichever is later."""
    return max(final_at_ms // 1000, deadline_s) + settings.session_retention_days * SECONDS_PER_DAY


def record_from_item(model: type[RecordT], item: dict[str, Any]) -> RecordT:
    return model.model_validate({key: item[key] for key in model.model_fields if key in item})


def session_item(session: SessionRecord, settings: Settings) -> dict[str, Any]:
    return {
        **session.model_dump(exclude_none=True),
        **session_key(session.id),
        "entity": SESSION_ENTITY,
        "merchant_list": merchant_list_key(session.merchant_id, session.id, settings.list_shards),
        # While open, the session is listed in the expiry index ...
        "open_shard": open_shard(session.id, settings.open_shards),
        # ... and purged even if the expiry job never ran.
        "purge_at": purge_at(session.created_at, session.expires_at, settings),
    }


def order_item(order: OrderRecord) -> dict[str, Any]:
    return {**order.model_dump(exclude_none=True), **order_key(order.id), "entity": ORDER_ENTITY}


def transaction_purge_at(recorded_at_ms: int, settings: Settings) -> int:
    """An order is purged `SESSION_RETENTION_DAYS` after it becomes final; its transactions, which
    cannot be touched all at once then, are kept twice that long after they were reported, so
    they outlive any order that became final within the retention period of its transaction."""
    return recorded_at_ms // 1000 + 2 * settings.session_retention_days * SECONDS_PER_DAY


def transaction_from_item(item: dict[str, Any]) -> Transaction:
    return record_from_item(Transaction, item)


def event_item(progress: OrderProgress, settings: Settings) -> dict[str, Any]:
    return {
        **event_key(progress.event_id),
        "entity": "event",
        "id": progress.event_id,
        "order_id": progress.order_id,
        "status": progress.status.value,
        "fingerprint": progress.fingerprint,
        "received_at": progress.received_at,
        "purge_at": purge_at(progress.received_at, 0, settings),  # the replay window
    }


def api_key_item(key: ApiKeyRecord) -> dict[str, Any]:
    return {
        **key.model_dump(mode="json", exclude_none=True),
        **api_key_key(key.key_hash),
        "entity": "api_key",
    }


def api_key_id_item(key: ApiKeyRecord) -> dict[str, Any]:
    """Finds a key's hash from its id (for revocation), without a scan."""
    return {
        **api_key_id_key(key.id),
        "entity": "api_key_id",
        "key_hash": key.key_hash,
        "merchant_id": key.merchant_id,
    }


# --- merchant webhooks -------------------------------------------------------------------------
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
