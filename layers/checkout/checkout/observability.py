"""Powertools Logger and Metrics shared by every function.

Service name, namespace and log level come from the POWERTOOLS_* environment variables that
`template.yaml` sets in Globals; the defaults below keep a function usable (and its metrics
valid) wherever it is imported without them, e.g. a test or a one-off invoke.
"""

from __future__ import annotations

import os
import warnings

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", "checkout")
NAMESPACE = os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Checkout")

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)

# An invocation that records no business metric (a GET, a rejection) is normal. powertools warns
# about it on stderr, which would put a line of plain text among the function's JSON log lines.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)


def count(name: str, value: int = 1) -> None:
    """Records a business event as an EMF metric (flushed by the handler's `log_metrics`)."""
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
