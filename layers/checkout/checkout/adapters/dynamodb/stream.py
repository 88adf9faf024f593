"""Reads the table's stream records (powertools' typed record) into domain changes.

Images are decoded by the repository's own codec (`from_attributes`), so a record seen on the
stream is the very record the repository would read.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from checkout.adapters.dynamodb.codec import from_attributes, record_from_item
from checkout.adapters.dynamodb.items import ORDER_ENTITY, SESSION_ENTITY
from checkout.adapters.dynamodb.webhook_items import WEBHOOK_JOB_ENTITY
from checkout.domain.ports import OrderStatusChanged
from checkout.domain.records import OrderRecord, SessionRecord
from checkout.domain.status import FINAL_SESSION_STATUSES, OrderStatus
from checkout.domain.webhook_records import DeliveryJob


def _images(record: DynamoDBRecord) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(new, old) images of an insert or a change; None for a removal (TTL purges move nothing)."""
    stream = record.dynamodb
    if record.event_name == DynamoDBRecordEventName.REMOVE or stream is None:
        return None
    raw = stream.raw_event
    return from_attributes(raw.get("NewImage") or {}), from_attributes(raw.get("OldImage") or {})


def order_transition(record: DynamoDBRecord) -> OrderRecord | None:
    """The order as a write left it, when that write changed its status (not when it only
    appended a transaction); None for anything else."""
    images = _images(record)
    if images is None:
        return None
    new, old = images
    if new.get("entity") != ORDER_ENTITY or old.get("status") == new.get("status"):
        return None
    return record_from_item(OrderRecord, new)


def order_status_change(order: OrderRecord) -> OrderStatusChanged | None:
    """What the order's session must follow; None for a standalone order."""
    if not order.checkout_session_id:
        return None
    return OrderStatusChanged(
        order_id=order.id,
        session_id=order.checkout_session_id,
        status=OrderStatus(order.status),
        session_expires_at=order.session_expires_at or 0,
        execute_tx_hash=order.execute_tx_hash,
    )


def session_finalized(record: DynamoDBRecord) -> SessionRecord | None:
    """The session, when this write took it to a final status (complete or expired)."""
    images = _images(record)
    if images is None:
        return None
    new, old = images
    if new.get("entity") != SESSION_ENTITY or new.get("status") == old.get("status"):
        return None
    session = record_from_item(SessionRecord, new)
    return session if session.status in FINAL_SESSION_STATUSES else None


def new_delivery_job(record: DynamoDBRecord) -> DeliveryJob | None:
    """A delivery job as the outbox wrote it (a pending job's first appearance)."""
    if record.event_name != DynamoDBRecordEventName.INSERT:
        return None
    images = _images(record)
    if images is None or images[0].get("entity") != WEBHOOK_JOB_ENTITY:
        return None
    job = record_from_item(DeliveryJob, images[0])
    return job if job.status == "pending" else None
