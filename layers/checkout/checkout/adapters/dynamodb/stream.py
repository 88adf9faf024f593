"""Reads the table's stream records (powertools' typed record) into domain changes."""

from __future__ import annotations

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from checkout.domain.ports import OrderStatusChanged
from checkout.domain.status import OrderStatus


def order_status_change(record: DynamoDBRecord) -> OrderStatusChanged | None:
    """The status change an order linked to a session went through, or None for anything else:
    another entity, a standalone order, a write that only appended a transaction, or a removal
    (TTL purges never move a session)."""
    stream = record.dynamodb
    if record.event_name == DynamoDBRecordEventName.REMOVE or stream is None:
        return None
    new = stream.new_image
    session_id = new.get("checkout_session_id")
    if new.get("entity") != "order" or not session_id:
        return None
    if stream.old_image.get("status") == new["status"]:
        return None
    return OrderStatusChanged(
        order_id=str(new["id"]),
        session_id=str(session_id),
        status=OrderStatus(new["status"]),
        session_expires_at=int(new.get("session_expires_at") or 0),
        execute_tx_hash=new.get("execute_tx_hash"),
    )
