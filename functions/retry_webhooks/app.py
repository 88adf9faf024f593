"""Scheduled (every minute): attempts the webhook deliveries that are due — retries on their
schedule, and first attempts the stream left (a degraded endpoint, a worker that died)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from checkout import composition
from checkout.coldstart import ends_cold_path
from checkout.observability import count, logger, metrics
from checkout.startup import check_settings

# Init phase: a misconfigured deployment stops here, once, with the reason in the log.
check_settings()


@ends_cold_path
@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    attempts = composition.deliveries().run_due(context.get_remaining_time_in_millis)
    count("WebhookRetryAttempts", attempts)
    logger.info("webhook retry run", extra={"attempts": attempts})
    return {"attempts": attempts}
