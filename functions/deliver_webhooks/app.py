"""DynamoDB stream → first webhook attempts: each delivery job the outbox writes is sent as it
appears, the batch's jobs side by side, so one slow endpoint does not hold up another's."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBStreamEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from checkout import composition
from checkout.adapters.dynamodb.webhook_stream import new_delivery_job
from checkout.coldstart import ends_cold_path
from checkout.domain.webhook_delivery import Deliveries
from checkout.domain.webhook_records import DeliveryAttempt, DeliveryJob
from checkout.observability import count, logger, metrics
from checkout.startup import check_settings

# Init phase: a misconfigured deployment stops here, once, with the reason in the log.
check_settings()

MAX_PARALLEL_SENDS = 32  # the template's BatchSize: a whole batch at once


@ends_cold_path
@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    jobs = [job for record in DynamoDBStreamEvent(event).records if (job := new_delivery_job(record))]
    if not jobs:
        return {"attempts": 0}
    deliveries = composition.deliveries()
    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_SENDS, len(jobs))) as pool:
        made = [attempt for attempt in pool.map(lambda job: _first_attempt(deliveries, job), jobs) if attempt]
    count("WebhookDelivered", sum(1 for attempt in made if attempt.status == "success"))
    count("WebhookDeliveryFailed", sum(1 for attempt in made if attempt.status == "failed"))
    return {"attempts": len(made)}


def _first_attempt(deliveries: Deliveries, job: DeliveryJob) -> DeliveryAttempt | None:
    """Never raises: a job whose attempt failed here (the store unreachable) is still due, and the
    retry job makes it. The batch is never retried, so a batch retry never sends a job twice."""
    try:
        return deliveries.first_attempt(job)
    except Exception:
        logger.exception(
            "first attempt not made", extra={"webhook_id": job.webhook_id, "event_id": job.event_id}
        )
        return None
