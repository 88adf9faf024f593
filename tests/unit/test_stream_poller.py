"""The local stream poller behaves like Lambda's event source mapping: filter criteria, batch
size, retry from the lowest failed sequence number, bounded retries, on-failure destination."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from devstack.filters import matches, passes, patterns_of
from devstack.streams import StreamPoller
from devstack.template import functions

SYNC = next(spec for spec in functions() if spec.stream)
ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/1"


pytestmark = pytest.mark.usefixtures("function_env")  # the poller loads the function


def record(sequence: int, entity: str = "order", event_name: str = "MODIFY") -> dict[str, Any]:
    image = {"entity": {"S": entity}, "id": {"S": f"id-{sequence}"}}
    dynamodb: dict[str, Any] = {"SequenceNumber": str(sequence), "Keys": {}}
    if event_name != "REMOVE":
        dynamodb["NewImage"] = image
    return {"eventID": str(sequence), "eventName": event_name, "dynamodb": dynamodb}


class FakeStreams:
    """One shard whose records arrive in one GetRecords page."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records

    def describe_table(self, TableName: str) -> dict[str, Any]:  # noqa: N803 - boto3's names
        return {"Table": {"LatestStreamArn": ARN}}

    def describe_stream(self, StreamArn: str) -> dict[str, Any]:  # noqa: N803
        return {"StreamDescription": {"Shards": [{"ShardId": "shard-1"}]}}

    def get_shard_iterator(self, **_: Any) -> dict[str, Any]:
        return {"ShardIterator": "it-0"}

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:  # noqa: N803
        records, self.records = self.records, []
        return {"Records": records, "NextShardIterator": "it-next"}


class RecordingHandler:
    def __init__(self, fail: set[str] | None = None, fail_times: int = 1) -> None:
        self.batches: list[list[str]] = []
        self.fail = fail or set()
        self.fail_times = fail_times

    def __call__(self, event: dict[str, Any], _context: Any) -> dict[str, Any]:
        sequences = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        assert all(r["eventSourceARN"] == ARN for r in event["Records"])
        self.batches.append(sequences)
        failed = [s for s in sequences if s in self.fail]
        if failed and self.fail_times > 0:
            self.fail_times -= 1
            return {"batchItemFailures": [{"itemIdentifier": s} for s in failed]}
        return {"batchItemFailures": []}


def poller(
    records: list[dict[str, Any]], handler: RecordingHandler, tmp_path: Path, **stream: Any
) -> StreamPoller:
    fake = FakeStreams(records)
    spec = replace(SYNC, stream={**(SYNC.stream or {}), **stream})
    instance = StreamPoller(spec, fake, fake, "t", failure_log=tmp_path / "failures.jsonl")
    instance.handler = handler
    return instance


def drain(instance: StreamPoller, rounds: int = 20) -> None:
    for _ in range(rounds):
        instance.poll_once()


def test_only_records_passing_the_templates_filter_are_delivered(tmp_path: Path) -> None:
    handler = RecordingHandler()
    records = [record(1), record(2, entity="session"), record(3, event_name="REMOVE"), record(4)]

    drain(poller(records, handler, tmp_path))

    assert handler.batches == [["1", "4"]]


def test_batches_respect_the_batch_size(tmp_path: Path) -> None:
    handler = RecordingHandler()
    drain(poller([record(n) for n in range(1, 6)], handler, tmp_path, BatchSize=2))
    assert handler.batches == [["1", "2"], ["3", "4"], ["5"]]


def test_a_partial_failure_is_retried_from_the_lowest_failed_sequence_number(tmp_path: Path) -> None:
    handler = RecordingHandler(fail={"3", "5"})

    drain(poller([record(n) for n in range(1, 7)], handler, tmp_path))

    assert handler.batches == [["1", "2", "3", "4", "5", "6"], ["3", "4", "5", "6"]]


def test_records_that_exhaust_their_retries_go_to_the_failure_destination(tmp_path: Path) -> None:
    handler = RecordingHandler(fail={"2"}, fail_times=99)

    drain(poller([record(1), record(2), record(3)], handler, tmp_path, MaximumRetryAttempts=2))

    # one delivery and two retries, then the failed part of the batch is set aside
    assert handler.batches == [["1", "2", "3"], ["2", "3"], ["2", "3"]]
    dead = [json.loads(line) for line in (tmp_path / "failures.jsonl").read_text().splitlines()]
    assert [r["dynamodb"]["SequenceNumber"] for r in dead] == ["2", "3"]


@pytest.mark.parametrize(
    ("pattern", "event", "expected"),
    [
        ({"a": ["x"]}, {"a": "x"}, True),
        ({"a": ["x"]}, {"a": "y"}, False),
        ({"a": ["x"]}, {}, False),
        ({"a": {"b": ["1"]}}, {"a": {"b": "1"}}, True),
        ({"a": [{"exists": False}]}, {}, True),
        ({"a": [{"prefix": "OR"}]}, {"a": "ORDER#1"}, True),
        ({"a": [{"anything-but": ["x"]}]}, {"a": "y"}, True),
        ({"a": [{"anything-but": ["x"]}]}, {"a": "x"}, False),
    ],
)
def test_filter_patterns(pattern: dict[str, Any], event: dict[str, Any], expected: bool) -> None:
    assert matches(pattern, event) is expected


def test_the_templates_filter_selects_order_items() -> None:
    patterns = patterns_of(SYNC.stream or {})
    assert passes(patterns, {"dynamodb": {"NewImage": {"entity": {"S": "order"}}}})
    assert not passes(patterns, {"dynamodb": {"NewImage": {"entity": {"S": "session"}}}})
