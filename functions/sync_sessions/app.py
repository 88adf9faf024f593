"""DynamoDB stream → sessions and merchant webhooks: moves each session as its order's status
changes, and writes the webhook events (the outbox) for the transitions merchants subscribe to:
an order executed or failed, a session complete or expired."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from checkout import composition
from checkout.adapters.dynamodb.stream import order_status_change, order_transition, session_finalized
from checkout.coldstart import ends_cold_path
from checkout.config import Settings, get_settings
from checkout.domain.clock import now_ms
from checkout.domain.sync import follow_order_change
from checkout.observability import count, logger, metrics
from checkout.startup import check_settings

if TYPE_CHECKING:
    from checkout.domain.webhook_events import WebhookOutbox

# Init phase: a misconfigured deployment stops here, once, with the reason in the log.
check_settings(Settings.webhook_base_url)

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def sync_record(record: DynamoDBRecord, outbox: WebhookOutbox) -> None:
    if (order := order_transition(record)) is not None:
        if (change := order_status_change(order)) is not None:
            moved = follow_order_change(change, composition.repository(), now_ms())
            if moved is not None:
                count(f"CheckoutSession{moved.value.title()}")
        if outbox.order_moved(order) is not None:
            count("WebhookEventRecorded")
    elif (session := session_finalized(record)) is not None and outbox.session_reached_final(session):
        count("WebhookEventRecorded")


@ends_cold_path
@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    # The records of a batch are handled one after another on one shard: a merchant's webhooks
    # are read once per batch, not once per event (docs/decisions.md, stream lag).
    outbox = composition.webhook_outbox(get_settings().webhook_base_url()).for_batch()
    return process_partial_response(
        event=event, record_handler=partial(sync_record, outbox=outbox), processor=processor, context=context
    )
