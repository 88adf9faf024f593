"""The stream side of the local Lambda service: one event-source mapping per stream-triggered
function, each with its own settings, filter, checkpoints and on-failure destination.

A mapping finds the table's stream, follows its shards (a child only once its parent was read to
its end, as Lambda keeps a key's records in order across a split), reads each shard on its own
thread, and reports how it keeps up: a log line every LAG_REPORT_SECONDS while records flow, and
a summary when it stops.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from devstack.batches import BatchDelivery, FailureDestination, SourceSettings, Stopped
from devstack.checkpoints import CheckpointStore
from devstack.draining import join_threads
from devstack.instances import Invocation
from devstack.shards import LagStats, ShardConsumer
from devstack.specs import FunctionSpec

logger = logging.getLogger("devstack")

DISCOVERY_SECONDS = 1.0
LAG_REPORT_SECONDS = 10.0


class EventSourceMapping:
    def __init__(
        self,
        spec: FunctionSpec,
        invoke: Callable[[dict[str, Any]], Invocation],
        dynamodb: Any,
        streams: Any,
        table_name: str,
        failure_log: Path | None,
        checkpoint_folder: Path | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], float] = time.time,
        pause: Callable[[float], bool] | None = None,
    ) -> None:
        """`checkpoint_folder` None keeps checkpoints in memory (a stack whose data is in memory);
        `pause(seconds)` waits between retries (tests pass one that does not)."""
        self.spec = spec
        self.function = spec.logical_id
        self.settings = SourceSettings.from_properties(spec.stream or {})
        self.dynamodb = dynamodb
        self.streams = streams
        self.table_name = table_name
        self.checkpoint_folder = checkpoint_folder
        self.clock = clock
        self.stop_event = threading.Event()
        self.destination = FailureDestination(self.function, failure_log)
        self.delivery = BatchDelivery(invoke, self.settings, self.destination, pause or self._pause, now)
        self.stats = LagStats()
        self.stream_arn = ""
        self.checkpoints: CheckpointStore | None = None
        self.consumers: dict[str, ShardConsumer] = {}
        self._threads: list[threading.Thread] = []
        self._thread = threading.Thread(target=self._run, name=f"stream-{self.function}", daemon=True)

    def _pause(self, seconds: float) -> bool:
        return not self.stop_event.wait(seconds)

    # Threads: a discovery loop, and one reader per shard.

    def start(self) -> None:
        if self.settings.enabled:
            self._thread.start()

    def request_stop(self) -> None:
        self.stop_event.set()

    def wait_stopped(self, timeout: float) -> bool:
        """A batch being delivered goes on to its end; a shard's checkpoint moves only past it."""
        deadline = time.monotonic() + timeout
        # The discovery thread first: once it has ended, no shard reader can start.
        if not join_threads([self._thread], timeout):
            return False
        if not join_threads(list(self._threads), deadline - time.monotonic()):
            return False
        logger.info(
            "stream %s: delivered %d records in %d batches this run (%d set aside)",
            self.function, self.stats.delivered, self.stats.batches, self.destination.count,
        )  # fmt: skip
        return True

    def _run(self) -> None:
        next_report = self.clock() + LAG_REPORT_SECONDS
        failing = False
        while not self.stop_event.is_set():
            try:
                for consumer in self._discover():
                    thread = threading.Thread(
                        target=self._consume, args=(consumer,), name=f"shard-{consumer.shard_id}", daemon=True
                    )
                    self._threads.append(thread)
                    thread.start()
                if failing:
                    logger.info("stream %s: the stream is reachable again", self.function)
                failing = False
            except (ClientError, BotoCoreError) as error:
                if not failing and not self.stop_event.is_set():
                    logger.warning(
                        "stream %s: cannot describe the stream (%s); retrying", self.function, error
                    )
                failing = True
            if self.clock() >= next_report:
                self._report()
                next_report = self.clock() + LAG_REPORT_SECONDS
            self.stop_event.wait(DISCOVERY_SECONDS)

    def _consume(self, consumer: ShardConsumer) -> None:
        while not self.stop_event.is_set() and not consumer.finished:
            try:
                worked = consumer.step()
            except Stopped:
                return
            except Exception:
                logger.exception("stream %s: shard %s failed; retrying", self.function, consumer.shard_id)
                worked = False
            if not worked:
                self.stop_event.wait(consumer.rest_seconds())

    def _report(self) -> None:
        waits = self.stats.take_waits()
        if waits:
            waiting = sum(len(consumer.buffer) for consumer in self.consumers.values())
            logger.info(
                "stream %s: over %.0f s %s (from read to delivered); %d read, not yet delivered",
                self.function, LAG_REPORT_SECONDS, LagStats.describe(waits), waiting,
            )  # fmt: skip

    # Shards

    def _discover(self) -> list[ShardConsumer]:
        """Finds new shards; returns the consumers that may start (their parent is done)."""
        if not self.stream_arn:
            table = self.dynamodb.describe_table(TableName=self.table_name)["Table"]
            self.stream_arn = table.get("LatestStreamArn", "")
            if not self.stream_arn:
                return []
            self.checkpoints = CheckpointStore(self.checkpoint_folder, self.function, self.stream_arn)
        assert self.checkpoints is not None
        first_look = not self.consumers
        fresh_mapping = first_look and self.checkpoints.empty
        for shard in self._shards():
            shard_id = shard["ShardId"]
            if shard_id in self.consumers:
                continue
            # LATEST applies to the shards open when the mapping is created; later ones start at
            # their beginning.
            position = self.settings.starting_position if fresh_mapping else "TRIM_HORIZON"
            consumer = ShardConsumer(
                shard_id, shard.get("ParentShardId"), self.stream_arn, self.streams, self.settings,
                self.delivery, self.checkpoints, self.stats, position, self.clock,
            )  # fmt: skip
            self.consumers[shard_id] = consumer
            if not consumer.finished:
                logger.info("stream %s: shard %s %s", self.function, shard_id, consumer.describe_start())
        return [consumer for consumer in self.consumers.values() if self._may_start(consumer)]

    def _shards(self) -> list[dict[str, Any]]:
        shards: list[dict[str, Any]] = []
        arguments: dict[str, Any] = {"StreamArn": self.stream_arn}
        while True:
            description = self.streams.describe_stream(**arguments)["StreamDescription"]
            shards += description.get("Shards", [])
            if not description.get("LastEvaluatedShardId"):
                return shards
            arguments["ExclusiveStartShardId"] = description["LastEvaluatedShardId"]

    def _may_start(self, consumer: ShardConsumer) -> bool:
        if consumer.finished or consumer.started:
            return False
        parent = self.consumers.get(consumer.parent_id or "")
        if parent is not None and not parent.finished:
            return False
        consumer.started = True
        return True

    # Synchronous use (tests): one pass over every shard that may run, without threads.

    def poll_once(self) -> bool:
        """Discovers shards and steps each unfinished one once; True when anything was done."""
        self._discover()
        worked = False
        for consumer in list(self.consumers.values()):
            parent = self.consumers.get(consumer.parent_id or "")
            if not consumer.finished and (parent is None or parent.finished):
                worked = consumer.step() or worked
        return worked
