"""Powertools Logger and Metrics shared by every function.

Service name, namespace and log level come from the POWERTOOLS_* environment variables that
`template.yaml` sets in Globals, so constructing them here is cheap and reads no secrets.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger()
metrics = Metrics()


def count(name: str, value: int = 1) -> None:
    """Records a business event as an EMF metric (flushed by the handler's `log_metrics`)."""
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
