"""A stream record's images, decoded by the repository's own codec (`from_attributes`), so a record
seen on the stream is the very record the repository would read."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from checkout.adapters.dynamodb.codec import from_attributes


def record_images(record: DynamoDBRecord) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(new, old) images of an insert or a change; None for a removal (TTL purges move nothing)."""
    stream = record.dynamodb
    if record.event_name == DynamoDBRecordEventName.REMOVE or stream is None:
        return None
    raw = stream.raw_event
    return from_attributes(raw.get("NewImage") or {}), from_attributes(raw.get("OldImage") or {})
