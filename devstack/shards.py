"""Reading one shard of a DynamoDB stream for one event-source mapping, as Lambda does.

Records are read as fast as the function takes them: while GetRecords returns full pages (a
backlog) and after every batch, the next read follows at once; only a shard that is caught up
(its last read returned a partial page or nothing) rests POLL_SECONDS, as Lambda polls an idle
shard four times a second. Filtered-out records never reach the function. A batch
goes out when it is full, when its oldest record has waited `MaximumBatchingWindowInSeconds`, or
when the shard has ended. A failed or expired iterator is re-acquired after the last record read
(`AFTER_SEQUENCE_NUMBER`), with a backoff while the failures last. After each batch the shard's
checkpoint moves to the last record handled.
"""

from __future__ import annotations

import logging
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from devstack.batches import BatchDelivery, SourceSettings
from devstack.checkpoints import Checkpoint, CheckpointStore
from devstack.filters import passes
from devstack.stream_records import lambda_record, sequence_of

logger = logging.getLogger("devstack")

POLL_SECONDS = 0.25  # Lambda polls each shard four times a second when it is caught up
GET_RECORDS_LIMIT = 1000
READ_RETRY_MAX_SECONDS = 5.0


@dataclass
class LagStats:
    """What a mapping has delivered, and how long records waited between read and delivery."""

    delivered: int = 0
    batches: int = 0
    waits: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, count: int, waits: list[float]) -> None:
        with self._lock:
            self.delivered += count
            self.batches += 1
            self.waits += waits

    def take_waits(self) -> list[float]:
        with self._lock:
            waits, self.waits = self.waits, []
            return waits

    @staticmethod
    def describe(waits: list[float]) -> str:
        if not waits:
            return "nothing delivered"
        ordered = sorted(waits)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        return f"{len(waits)} delivered, wait p50 {statistics.median(ordered):.2f} s, p95 {p95:.2f} s"


class ShardConsumer:
    def __init__(
        self,
        shard_id: str,
        parent_id: str | None,
        stream_arn: str,
        streams: Any,
        settings: SourceSettings,
        delivery: BatchDelivery,
        checkpoints: CheckpointStore,
        stats: LagStats,
        starting_position: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.shard_id = shard_id
        self.parent_id = parent_id
        self.stream_arn = stream_arn
        self.streams = streams
        self.settings = settings
        self.delivery = delivery
        self.checkpoints = checkpoints
        self.stats = stats
        self.starting_position = starting_position
        self.clock = clock
        checkpoint = checkpoints.get(shard_id)
        self.last_read: str | None = checkpoint.sequence if checkpoint else None
        self.finished = bool(checkpoint and checkpoint.finished)
        self.iterator: str | None = None
        self.closed = self.finished  # the shard has no more records to read
        self.buffer: list[tuple[float, dict[str, Any]]] = []  # (read at, record) passing the filter
        self.read_failures = 0
        self._read_again_at = 0.0
        self.started = False  # a reader thread has it

    def describe_start(self) -> str:
        if self.finished:
            return "was read to its end"
        if self.last_read:
            return f"resumes after sequence number {self.last_read} (checkpoint)"
        return f"starts at {self.starting_position}"

    def step(self) -> bool:
        """Reads once and delivers at most one batch; False when there was nothing to do."""
        worked = False
        if (
            not self.closed
            and len(self.buffer) < self.settings.batch_size
            and self.clock() >= self._read_again_at
        ):
            worked = self._read()
        if self._batch_ready():
            self._deliver()
            worked = True
        elif self.closed and not self.buffer and not self.finished:
            self.finished = True
            self.checkpoints.save(self.shard_id, Checkpoint(self.last_read, finished=True))
            worked = True
        return worked

    def rest_seconds(self) -> float:
        """How long the caller may sleep before stepping again: until the next read is due or
        the oldest waiting record's batching window ends, whichever comes first."""
        wake_at = []
        if not self.closed and len(self.buffer) < self.settings.batch_size:
            wake_at.append(self._read_again_at)
        if self.buffer:
            wake_at.append(self.buffer[0][0] + self.settings.batching_window)
        if not wake_at:
            return POLL_SECONDS
        return max(0.0, min(wake_at) - self.clock())

    def _batch_ready(self) -> bool:
        if not self.buffer:
            return False
        if len(self.buffer) >= self.settings.batch_size or self.closed:
            return True
        return self.clock() - self.buffer[0][0] >= self.settings.batching_window

    def _read(self) -> bool:
        try:
            if self.iterator is None:
                self.iterator = self._acquire_iterator()
            response = self.streams.get_records(ShardIterator=self.iterator, Limit=GET_RECORDS_LIMIT)
        except (ClientError, BotoCoreError) as error:
            self._read_failed(error)
            return False
        if self.read_failures:
            logger.info(
                "stream shard %s: reading again after %d failure(s)", self.shard_id, self.read_failures
            )
            self.read_failures = 0
        self.iterator = response.get("NextShardIterator")
        self.closed = self.iterator is None
        records = response.get("Records", [])
        read_at = self.clock()
        caught_up = len(records) < GET_RECORDS_LIMIT
        self._read_again_at = read_at + POLL_SECONDS if caught_up else 0.0
        for raw in records:
            record = lambda_record(raw, self.stream_arn)
            self.last_read = sequence_of(record)
            if passes(self.settings.patterns, record):
                self.buffer.append((read_at, record))
        if records and not self.buffer:
            self.checkpoints.save(self.shard_id, Checkpoint(self.last_read))  # all filtered out
        return bool(records)

    def _acquire_iterator(self) -> str:
        if self.last_read is not None:
            try:
                return str(
                    self.streams.get_shard_iterator(
                        StreamArn=self.stream_arn,
                        ShardId=self.shard_id,
                        ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                        SequenceNumber=self.last_read,
                    )["ShardIterator"]
                )
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "TrimmedDataAccessException":
                    raise
                logger.warning(
                    "stream shard %s: records after %s were trimmed", self.shard_id, self.last_read
                )
                self.last_read = None
        position = self.starting_position if self.last_read is None else "TRIM_HORIZON"
        return str(
            self.streams.get_shard_iterator(
                StreamArn=self.stream_arn, ShardId=self.shard_id, ShardIteratorType=position
            )["ShardIterator"]
        )

    def _read_failed(self, error: Exception) -> None:
        """Drops the iterator (expired, or unusable after an outage) and backs off."""
        self.iterator = None
        self.read_failures += 1
        delay = min(READ_RETRY_MAX_SECONDS, POLL_SECONDS * 2 ** (self.read_failures - 1))
        self._read_again_at = self.clock() + delay
        after = (
            f"after sequence number {self.last_read}" if self.last_read else f"at {self.starting_position}"
        )
        logger.warning(
            "stream shard %s: reading failed (%s); re-acquiring its iterator %s in %.2f s",
            self.shard_id, _reason(error), after, delay,
        )  # fmt: skip

    def _deliver(self) -> None:
        taken = self.buffer[: self.settings.batch_size]
        batch = [record for _, record in taken]
        self.delivery.deliver(batch)  # raises Stopped: nothing is checkpointed
        del self.buffer[: len(taken)]
        self._read_again_at = 0.0  # records may have arrived while the function ran
        delivered_at = self.clock()
        self.stats.record(len(batch), [delivered_at - read_at for read_at, _ in taken])
        handled = self.last_read if not self.buffer else sequence_of(batch[-1])
        self.checkpoints.save(self.shard_id, Checkpoint(handled))


def _reason(error: Exception) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", "ClientError"))
    return type(error).__name__
