"""Reads the table's stream records (powertools' typed record) into session and order changes (the
outbox's delivery jobs: `webhook_stream`), from their images as the repository's own codec decodes
them (`stream_images`)."""

from __future__ import annotations

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
)

from checkout.adapters.dynamodb.codec import record_from_item
from checkout.adapters.dynamodb.items import ORDER_ENTITY, SESSION_ENTITY
from checkout.adapters.dynamodb.stream_images import record_images
from checkout.domain.ports import OrderStatusChanged
from checkout.domain.records import OrderRecord, SessionRecord
from checkout.domain.status import FINAL_SESSION_STATUSES, OrderStatus


def order_transition(record: DynamoDBRecord) -> OrderRecord | None:
    """The order as a write left it, when that write changed its status (not when it only
    appended a transaction); None for anything else."""
    images = record_images(record)
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
    images = record_images(record)
    if images is None:
        return None
    new, old = images
    if new.get("entity") != SESSION_ENTITY or new.get("status") == old.get("status"):
        return None
    session = record_from_item(SessionRecord, new)
    return session if session.status in FINAL_SESSION_STATUSES else None
