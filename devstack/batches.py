"""Delivering one batch of stream records as Lambda's event-source mapping does.

- The function's result is read as a partial batch response only with `ReportBatchItemFailures`:
  the batch is retried from the lowest failed sequence number (everything before it succeeded);
  an empty, null or unknown `itemIdentifier` fails the whole batch.
- A function error (exception, timeout, crash) fails the whole batch; with
  `BisectBatchOnFunctionError` the batch is split in two and each half retried in order.
- Every retry, a split one included, counts against `MaximumRetryAttempts` (-1: no limit) and
  waits an exponential backoff first (0.5 s, doubling, at most 30 s); records older than
  `MaximumRecordAgeInSeconds` (-1: no limit) are not retried. Either way, records that cannot be
  delivered go to the on-failure destination (locally, a JSON-lines file).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devstack.filters import patterns_of
from devstack.instances import Invocation
from devstack.stream_records import sequence_of

logger = logging.getLogger("devstack")

RETRY_BASE_SECONDS = 0.5
RETRY_MAX_SECONDS = 30.0


class Stopped(Exception):
    """The stack is stopping: the batch was not (fully) delivered and must not be checkpointed."""


@dataclass(frozen=True)
class SourceSettings:
    """An event-source mapping's settings, with Lambda's defaults for DynamoDB streams."""

    batch_size: int = 100
    batching_window: float = 0.0
    bisect: bool = False
    max_retries: int | None = None  # None: retried until the record expires
    max_record_age: float | None = None
    report_item_failures: bool = False
    patterns: tuple[dict[str, Any], ...] = ()
    starting_position: str = "TRIM_HORIZON"
    enabled: bool = True

    @classmethod
    def from_properties(cls, properties: dict[str, Any]) -> SourceSettings:
        retries = int(properties.get("MaximumRetryAttempts", -1))
        age = int(properties.get("MaximumRecordAgeInSeconds", -1))
        return cls(
            batch_size=int(properties.get("BatchSize", 100)),
            batching_window=float(properties.get("MaximumBatchingWindowInSeconds", 0)),
            bisect=bool(properties.get("BisectBatchOnFunctionError", False)),
            max_retries=None if retries < 0 else retries,
            max_record_age=None if age < 0 else float(age),
            report_item_failures="ReportBatchItemFailures" in properties.get("FunctionResponseTypes", []),
            patterns=tuple(patterns_of(properties)),
            starting_position=str(properties.get("StartingPosition", "TRIM_HORIZON")),
            enabled=bool(properties.get("Enabled", True)),
        )


class FailureDestination:
    """The on-failure destination: one Lambda-shaped record per line (None: log only)."""

    def __init__(self, function: str, path: Path | None) -> None:
        self.function = function
        self.path = path
        self._lock = threading.Lock()
        self.count = 0

    def send(self, records: list[dict[str, Any]], condition: str) -> None:
        logger.error(
            "%s: %d stream record(s) set aside (%s), sequence numbers %s..%s",
            self.function, len(records), condition, sequence_of(records[0]), sequence_of(records[-1]),
        )  # fmt: skip
        with self._lock:
            self.count += len(records)
            if self.path is None:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a") as handle:
                for record in records:
                    handle.write(json.dumps(record) + "\n")


@dataclass(frozen=True)
class _Outcome:
    succeeded: bool
    function_error: bool = False
    retry_from: int = 0  # index of the first record to retry


def _outcome(invocation: Invocation, pending: list[dict[str, Any]], settings: SourceSettings) -> _Outcome:
    if invocation.error is not None:
        return _Outcome(False, function_error=True)
    result = invocation.result
    if not settings.report_item_failures or not isinstance(result, dict):
        return _Outcome(True)
    failures = result.get("batchItemFailures")
    if not failures:
        return _Outcome(True)
    positions = {sequence_of(record): index for index, record in enumerate(pending)}
    indexes = []
    for failure in failures if isinstance(failures, list) else [failures]:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not identifier or str(identifier) not in positions:
            return _Outcome(False)  # Lambda fails the whole batch
        indexes.append(positions[str(identifier)])
    return _Outcome(False, retry_from=min(indexes))


def backoff_seconds(attempt: int) -> float:
    return float(min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** (attempt - 1)))


class BatchDelivery:
    def __init__(
        self,
        invoke: Callable[[dict[str, Any]], Invocation],
        settings: SourceSettings,
        destination: FailureDestination,
        pause: Callable[[float], bool],
        now: Callable[[], float] = time.time,
    ) -> None:
        """`pause(seconds)` waits and says False when the stack is stopping; `now` is epoch seconds."""
        self.invoke = invoke
        self.settings = settings
        self.destination = destination
        self.pause = pause
        self.now = now
        self.invocations = 0

    def deliver(self, records: list[dict[str, Any]]) -> None:
        """Returns once every record succeeded or was set aside; raises Stopped otherwise."""
        segments: list[tuple[list[dict[str, Any]], int]] = [(records, 0)]
        while segments:
            pending, attempts = segments.pop(0)
            while pending:
                pending = self._without_expired(pending)
                if not pending:
                    break
                self.invocations += 1
                outcome = _outcome(self.invoke({"Records": pending}), pending, self.settings)
                if outcome.succeeded:
                    break
                attempts += 1
                pending = pending[outcome.retry_from :]
                if self.settings.max_retries is not None and attempts > self.settings.max_retries:
                    self.destination.send(pending, "RetryAttemptsExhausted")
                    break
                if not self.pause(backoff_seconds(attempts)):
                    raise Stopped
                if outcome.function_error and self.settings.bisect and len(pending) > 1:
                    half = len(pending) // 2
                    segments[0:0] = [(pending[:half], attempts), (pending[half:], attempts)]
                    break

    def _without_expired(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self.settings.max_record_age is None:
            return records
        oldest_allowed = self.now() - self.settings.max_record_age
        kept: list[dict[str, Any]] = []
        expired: list[dict[str, Any]] = []
        for record in records:
            created = record["dynamodb"].get("ApproximateCreationDateTime")
            (expired if created is not None and created < oldest_allowed else kept).append(record)
        if expired:
            self.destination.send(expired, "RecordAgeExceeded")
        return kept
