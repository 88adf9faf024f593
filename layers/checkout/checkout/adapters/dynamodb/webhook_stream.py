"""Reads the table's stream records into the outbox's delivery jobs: apart from the session and
order changes (`stream`), so `deliver_webhooks` loads no session or order records."""

from __future__ import annotations

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from checkout.adapters.dynamodb.codec import record_from_item
from checkout.adapters.dynamodb.stream_images import record_images
from checkout.adapters.dynamodb.webhook_items import WEBHOOK_JOB_ENTITY
from checkout.domain.webhook_records import DeliveryJob


def new_delivery_job(record: DynamoDBRecord) -> DeliveryJob | None:
    """A delivery job as the outbox wrote it (a pending job's first appearance)."""
    if record.event_name != DynamoDBRecordEventName.INSERT:
        return None
    images = record_images(record)
    if images is None or images[0].get("entity") != WEBHOOK_JOB_ENTITY:
        return None
    job = record_from_item(DeliveryJob, images[0])
    return job if job.status == "pending" else None
