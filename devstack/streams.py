"""Polls the table's DynamoDB stream and invokes the stream-triggered function, as Lambda's
event source mapping does: batches per shard, filter criteria, partial-batch retries from the
lowest failed sequence number, bounded retries, and an on-failure destination (a local file)."""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from devstack.filters import passes, patterns_of
from devstack.lambda_runtime import Handler, context_for, load_handler
from devstack.template import FunctionSpec

logger = logging.getLogger("devstack")


DISCOVERY_SECONDS = 1.0


@dataclass
class _Shard:
    iterator: str | None
    pending: list[dict[str, Any]] = field(default_factory=list)
    attempts: int = 0


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A GetRecords record as Lambda delivers it: JSON-safe, with its source ARN."""
    out: dict[str, Any] = json.loads(json.dumps(record, default=_json_default))
    out["eventSourceARN"] = stream_arn
    for image in ("NewImage", "OldImage"):
        if image in out.get("dynamodb", {}):
            out["dynamodb"][image] = {k: _repaired(v) for k, v in out["dynamodb"][image].items()}
    return out


def _repaired(attribute: Any) -> Any:
    """botocore's parse of GetRecords turns an empty map `{"M": {}}` into `{}`; Lambda delivers
    `{"M": {}}`, so the records are put back in Lambda's shape here."""
    if attribute == {}:
        return {"M": {}}
    ((kind, value),) = attribute.items()
    if kind == "M":
        return {"M": {k: _repaired(v) for k, v in value.items()}}
    if kind == "L":
        return {"L": [_repaired(v) for v in value]}
    return attribute


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return int(value.timestamp())
    raise TypeError(f"unserializable {type(value).__name__}")


class StreamPoller:
    def __init__(
        self,
        spec: FunctionSpec,
        dynamodb: Any,
        streams: Any,
        table_name: str,
        failure_log: Path | None,
        interval: float = 0.25,
    ) -> None:
        props = spec.stream or {}
        self.spec = spec
        self.handler: Handler = load_handler(spec)
        self.dynamodb = dynamodb
        self.streams = streams
        self.table_name = table_name
        self.batch_size = int(props.get("BatchSize", 100))
        self.max_retries = int(props.get("MaximumRetryAttempts", 10))
        self.bisect = bool(props.get("BisectBatchOnFunctionError", False))
        self.patterns = patterns_of(props)
        self.failure_log = failure_log
        self.interval = interval
        self.shards: dict[str, _Shard] = {}
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="stream-poller", daemon=True)
        self.stream_arn = ""
        self._next_discovery = 0.0

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        self.thread.join(timeout=10)

    def _run(self) -> None:
        while not self.stop_event.is_set():
            try:
                self.poll_once()
            except Exception:
                if not self.stop_event.is_set():  # the emulator may already be gone at shutdown
                    logger.exception("stream poll failed")
            self.stop_event.wait(self.interval)

    def poll_once(self) -> int:
        """One pass over every shard; returns how many records were delivered."""
        self._discover_shards()
        delivered = 0
        for shard_id, shard in list(self.shards.items()):
            if not shard.pending and shard.iterator:
                response = self.streams.get_records(ShardIterator=shard.iterator, Limit=1000)
                shard.iterator = response.get("NextShardIterator")
                shard.pending = [
                    record
                    for record in response.get("Records", [])
                    if passes(self.patterns, lambda_record(record, self.stream_arn))
                ]
            if shard.pending:
                delivered += self._deliver(shard_id, shard)
        return delivered

    def _discover_shards(self) -> None:
        """Finds the stream once, then looks for new shards at most every DISCOVERY_SECONDS
        (not on every 0.25 s poll: two more round trips each time for nothing)."""
        if time.monotonic() < self._next_discovery:
            return
        self._next_discovery = time.monotonic() + DISCOVERY_SECONDS
        if not self.stream_arn:
            self.stream_arn = self.dynamodb.describe_table(TableName=self.table_name)["Table"].get(
                "LatestStreamArn", ""
            )
        arn = self.stream_arn
        if not arn:
            return
        description = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]
        for shard in description.get("Shards", []):
            shard_id = shard["ShardId"]
            if shard_id not in self.shards:
                iterator = self.streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
                self.shards[shard_id] = _Shard(iterator)

    def _deliver(self, shard_id: str, shard: _Shard) -> int:
        batch = shard.pending[: self.batch_size]
        event = {"Records": [lambda_record(record, self.stream_arn) for record in batch]}
        try:
            result = self.handler(event, context_for(self.spec)) or {}
            failures = [item["itemIdentifier"] for item in result.get("batchItemFailures", [])]
        except Exception:
            logger.exception("stream function raised", extra={"shard": shard_id})
            failures = [batch[0]["dynamodb"]["SequenceNumber"]]
            if self.bisect and len(batch) > 1:
                failures = [batch[len(batch) // 2]["dynamodb"]["SequenceNumber"]]
        if not failures:
            shard.pending = shard.pending[len(batch) :]
            shard.attempts = 0
            return len(batch)
        # Retry from the lowest failed sequence number; everything before it succeeded.
        lowest = min(failures, key=int)
        index = next(i for i, record in enumerate(batch) if record["dynamodb"]["SequenceNumber"] == lowest)
        shard.pending = shard.pending[index:]
        shard.attempts += 1
        if shard.attempts > self.max_retries:
            self._send_to_failure_destination(shard_id, shard.pending[: len(batch) - index])
            shard.pending = shard.pending[len(batch) - index :]
            shard.attempts = 0
        return index

    def _send_to_failure_destination(self, shard_id: str, records: list[dict[str, Any]]) -> None:
        logger.error(
            "stream records exhausted their retries", extra={"shard": shard_id, "count": len(records)}
        )
        if self.failure_log is not None:
            self.failure_log.parent.mkdir(parents=True, exist_ok=True)
            with self.failure_log.open("a") as handle:
                for record in records:
                    handle.write(json.dumps(lambda_record(record, self.stream_arn)) + "\n")
