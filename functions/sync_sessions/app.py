"""DynamoDB stream → sessions: moves each session as its order's status changes."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from checkout.clock import now_ms
from checkout.config import get_settings
from checkout.observability import count, logger, metrics
from checkout.services import repository
from checkout.sync import sync_session_from_stream_record

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def sync_record(record: DynamoDBRecord) -> None:
    moved = sync_session_from_stream_record(record.raw_event, repository(), get_settings(), now_ms())
    if moved is not None:
        count(f"CheckoutSession{moved.value.title()}")


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=sync_record, processor=processor, context=context
    )
