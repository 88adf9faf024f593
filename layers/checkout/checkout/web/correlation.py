"""Each request's id: API Gateway's own (a fresh one when an event has none), answered as
`X-Request-Id` and logged as the correlation id, so a client's report finds its log lines."""

from __future__ import annotations

import uuid
from typing import Any

from checkout.observability import logger


def correlate(event: dict[str, Any]) -> str:
    """The request's id, set as the correlation id of every log line the request writes from now
    on (read straight from the event: powertools' JMESPath path costs more than two dict reads)."""
    request_id = str(event.get("requestContext", {}).get("requestId") or uuid.uuid4())
    logger.set_correlation_id(request_id)
    return request_id
