"""Scheduled (every minute): moves `open` sessions past their deadline to `expired`."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from checkout import composition
from checkout.coldstart import ends_cold_path
from checkout.domain.clock import now_ms
from checkout.domain.expiry import expire_due_sessions
from checkout.observability import count, logger, metrics
from checkout.startup import check_settings

# Init phase: a misconfigured deployment stops here, once, with the reason in the log.
check_settings()


@ends_cold_path
@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = expire_due_sessions(
        composition.session_service(),
        composition.repository(),
        now_ms(),
        context.get_remaining_time_in_millis,
    )
    count("CheckoutSessionsExpiredByClock", run.expired)
    logger.info(
        "expiry run", extra={"examined": run.examined, "expired": run.expired, "finished": run.finished}
    )
    return {"examined": run.examined, "expired": run.expired, "finished": run.finished}
