"""The local stream poller behaves like Lambda's event source mapping: filter criteria, batch
size, batching window, retry from the lowest failed sequence number, bisect, bounded retries,
record age, on-failure destination, iterators re-acquired, shard splits, checkpoints."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from devstack.filters import matches, passes, patterns_of
from devstack.instances import FunctionError, Invocation
from devstack.stream_records import lambda_record
from devstack.streams import EventSourceMapping
from devstack.template import functions

SYNC = next(spec for spec in functions() if spec.stream)
ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/1"


def record(
    sequence: int, entity: str = "order", event_name: str = "MODIFY", created: float | None = None
) -> dict[str, Any]:
    image = {"entity": {"S": entity}, "id": {"S": f"id-{sequence}"}}
    dynamodb: dict[str, Any] = {"SequenceNumber": str(sequence), "Keys": {}}
    if created is not None:
        dynamodb["ApproximateCreationDateTime"] = datetime.fromtimestamp(created, UTC)
    if event_name != "REMOVE":
        dynamodb["NewImage"] = image
    return {"eventID": str(sequence), "eventName": event_name, "dynamodb": dynamodb}


@dataclass
class FakeShard:
    shard_id: str
    records: list[dict[str, Any]]
    parent: str | None = None
    closed: bool = False


@dataclass
class FakeStreams:
    """DynamoDB Streams over in-memory shards: an iterator is a position; pages of `page` records."""

    shards: list[FakeShard]
    page: int = 1000
    failures: list[Exception] = field(default_factory=list)  # raised by the next GetRecords calls
    iterator_requests: list[dict[str, Any]] = field(default_factory=list)

    def shard(self, shard_id: str) -> FakeShard:
        return next(shard for shard in self.shards if shard.shard_id == shard_id)

    def describe_table(self, TableName: str) -> dict[str, Any]:  # noqa: N803 - boto3's names
        return {"Table": {"LatestStreamArn": ARN}}

    def describe_stream(self, StreamArn: str) -> dict[str, Any]:  # noqa: N803
        listed = [
            {"ShardId": s.shard_id, **({"ParentShardId": s.parent} if s.parent else {})} for s in self.shards
        ]
        return {"StreamDescription": {"Shards": listed}}

    def get_shard_iterator(self, **request: Any) -> dict[str, Any]:
        self.iterator_requests.append(request)
        shard = self.shard(request["ShardId"])
        kind = request["ShardIteratorType"]
        if kind == "TRIM_HORIZON":
            position = 0
        elif kind == "LATEST":
            position = len(shard.records)
        else:
            sequences = [r["dynamodb"]["SequenceNumber"] for r in shard.records]
            position = sequences.index(request["SequenceNumber"]) + 1
        return {"ShardIterator": f"{shard.shard_id}|{position}"}

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:  # noqa: N803
        if self.failures:
            raise self.failures.pop(0)
        shard_id, position = ShardIterator.rsplit("|", 1)
        shard = self.shard(shard_id)
        start = int(position)
        records = shard.records[start : start + min(Limit, self.page)]
        end = start + len(records)
        response: dict[str, Any] = {"Records": records}
        if not (shard.closed and end >= len(shard.records)):
            response["NextShardIterator"] = f"{shard_id}|{end}"
        return response


class RecordingHandler:
    """Stands in for the function's instances: records each batch, fails some records."""

    def __init__(
        self, fail: set[str] | None = None, fail_times: int = 1, raise_on: set[str] | None = None
    ) -> None:
        self.batches: list[list[str]] = []
        self.fail = fail or set()
        self.fail_times = fail_times
        self.raise_on = raise_on or set()

    def __call__(self, event: dict[str, Any]) -> Invocation:
        sequences = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        assert all(r["eventSourceARN"] == ARN for r in event["Records"])
        self.batches.append(sequences)
        if self.raise_on & set(sequences):
            return Invocation("req", error=FunctionError("ValueError", "poison"))
        failed = [s for s in sequences if s in self.fail]
        if failed and self.fail_times > 0:
            self.fail_times -= 1
            return Invocation("req", result={"batchItemFailures": [{"itemIdentifier": s} for s in failed]})
        return Invocation("req", result={"batchItemFailures": []})

    @property
    def delivered(self) -> list[str]:
        return [sequence for batch in self.batches for sequence in batch]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def poller(
    records: list[dict[str, Any]] | FakeStreams,
    handler: RecordingHandler,
    tmp_path: Path,
    checkpoints: Path | None = None,
    spec_stream: dict[str, Any] | None = None,
    **stream: Any,
) -> EventSourceMapping:
    fake = records if isinstance(records, FakeStreams) else FakeStreams([FakeShard("shard-1", records)])
    spec = replace(SYNC, stream={**(spec_stream or SYNC.stream or {}), **stream})
    return EventSourceMapping(
        spec, handler, fake, fake, "t", tmp_path / "failures.jsonl", checkpoints,
        clock=FakeClock(), now=lambda: 10_000.0, pause=lambda seconds: True,
    )  # fmt: skip


def drain(instance: EventSourceMapping, rounds: int = 20) -> None:
    """Polls like the mapping's threads do, half a second apart."""
    for _ in range(rounds):
        instance.poll_once()
        instance.clock.now += 0.5  # type: ignore[attr-defined]


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


def test_a_backlog_is_drained_without_waiting(tmp_path: Path) -> None:
    handler = RecordingHandler()
    instance = poller([record(n) for n in range(1, 2501)], handler, tmp_path, BatchSize=100)

    rounds = 0
    while len(handler.delivered) < 2500 and rounds < 100:
        assert instance.poll_once(), "a poll with records waiting did some work"
        rounds += 1  # the clock never moves: no batching window, no sleep was needed

    assert handler.delivered == [str(n) for n in range(1, 2501)]
    assert {len(batch) for batch in handler.batches} == {100}


def test_a_partial_batch_waits_for_the_batching_window(tmp_path: Path) -> None:
    handler = RecordingHandler()
    instance = poller([record(1), record(2)], handler, tmp_path, MaximumBatchingWindowInSeconds=2)

    instance.poll_once()
    instance.clock.now += 1.9  # type: ignore[attr-defined]
    instance.poll_once()
    assert handler.batches == []

    instance.clock.now += 0.2  # type: ignore[attr-defined]
    instance.poll_once()
    assert handler.batches == [["1", "2"]]


def test_a_function_error_bisects_the_batch(tmp_path: Path) -> None:
    handler = RecordingHandler(raise_on={"3"})

    drain(poller([record(n) for n in range(1, 5)], handler, tmp_path, MaximumRetryAttempts=2))

    assert handler.batches == [["1", "2", "3", "4"], ["1", "2"], ["3", "4"], ["3"], ["4"]]
    dead = [json.loads(line) for line in (tmp_path / "failures.jsonl").read_text().splitlines()]
    assert [r["dynamodb"]["SequenceNumber"] for r in dead] == ["3"]


def test_without_bisect_a_function_error_retries_the_whole_batch(tmp_path: Path) -> None:
    handler = RecordingHandler(raise_on={"2"})

    drain(
        poller(
            [record(1), record(2)],
            handler,
            tmp_path,
            BisectBatchOnFunctionError=False,
            MaximumRetryAttempts=1,
        )
    )

    assert handler.batches == [["1", "2"], ["1", "2"]]


def test_records_older_than_the_maximum_age_are_set_aside_unread(tmp_path: Path) -> None:
    handler = RecordingHandler()
    old, fresh = record(1, created=10_000.0 - 120), record(2, created=10_000.0 - 5)

    drain(poller([old, fresh], handler, tmp_path, MaximumRecordAgeInSeconds=60))

    assert handler.batches == [["2"]]
    dead = [json.loads(line) for line in (tmp_path / "failures.jsonl").read_text().splitlines()]
    assert [r["dynamodb"]["SequenceNumber"] for r in dead] == ["1"]


def test_batch_item_failures_are_ignored_unless_the_mapping_reports_them(tmp_path: Path) -> None:
    handler = RecordingHandler(fail={"2"})
    drain(poller([record(1), record(2)], handler, tmp_path, FunctionResponseTypes=[]))
    assert handler.batches == [["1", "2"]]


def test_an_unknown_item_identifier_fails_the_whole_batch(tmp_path: Path) -> None:
    class Confused(RecordingHandler):
        def __call__(self, event: dict[str, Any]) -> Invocation:
            super().__call__(event)
            first = len(self.batches) == 1
            return Invocation(
                "req", result={"batchItemFailures": [{"itemIdentifier": "nope"}] if first else []}
            )

    handler = Confused()
    drain(poller([record(1), record(2)], handler, tmp_path))
    assert handler.batches == [["1", "2"], ["1", "2"]]


def test_an_expired_iterator_is_re_acquired_after_the_last_record_read(tmp_path: Path) -> None:
    streams = FakeStreams([FakeShard("shard-1", [record(n) for n in range(1, 4)])], page=2)
    handler = RecordingHandler()
    instance = poller(streams, handler, tmp_path, MaximumBatchingWindowInSeconds=0)
    instance.poll_once()  # reads 1, 2 and delivers them
    expired = ClientError({"Error": {"Code": "ExpiredIteratorException", "Message": "expired"}}, "GetRecords")
    streams.failures = [expired, EndpointConnectionError(endpoint_url="http://127.0.0.1:1")]

    drain(instance, rounds=30)

    assert handler.delivered == ["1", "2", "3"]  # nothing lost, nothing twice
    after = [r for r in streams.iterator_requests if r["ShardIteratorType"] == "AFTER_SEQUENCE_NUMBER"]
    assert [r["SequenceNumber"] for r in after] == ["2", "2"]


def test_a_child_shard_is_read_only_after_its_parent(tmp_path: Path) -> None:
    child = FakeShard("shard-2", [record(4), record(5)], parent="shard-1")
    parent = FakeShard("shard-1", [record(1), record(2), record(3)], closed=True)
    handler = RecordingHandler()

    drain(poller(FakeStreams([child, parent]), handler, tmp_path))

    assert handler.batches == [["1", "2", "3"], ["4", "5"]]


def test_a_restart_resumes_from_the_checkpoint_without_replaying(tmp_path: Path) -> None:
    shard = FakeShard("shard-1", [record(1), record(2), record(3)])
    first = RecordingHandler()
    drain(poller(FakeStreams([shard]), first, tmp_path, checkpoints=tmp_path / "checkpoints"))
    shard.records += [record(4), record(5)]

    second = RecordingHandler()
    drain(poller(FakeStreams([shard]), second, tmp_path, checkpoints=tmp_path / "checkpoints"))

    assert first.delivered == ["1", "2", "3"]
    assert second.delivered == ["4", "5"]
    (saved,) = (tmp_path / "checkpoints").iterdir()
    assert json.loads(saved.read_text()) == {"shard-1": {"finished": False, "sequence": "5"}}


def test_filtered_out_records_move_the_checkpoint_too(tmp_path: Path) -> None:
    shard = FakeShard("shard-1", [record(1), record(2, entity="session")])
    drain(poller(FakeStreams([shard]), RecordingHandler(), tmp_path, checkpoints=tmp_path / "checkpoints"))
    (saved,) = (tmp_path / "checkpoints").iterdir()
    assert json.loads(saved.read_text())["shard-1"]["sequence"] == "2"


def test_two_functions_on_one_stream_keep_their_own_filter_and_checkpoints(tmp_path: Path) -> None:
    shard = FakeShard("shard-1", [record(1), record(2, entity="session"), record(3)])
    orders, everything = RecordingHandler(), RecordingHandler()
    folder = tmp_path / "checkpoints"
    by_order = poller(FakeStreams([shard]), orders, tmp_path, folder)
    other = replace(
        SYNC,
        logical_id="DeliverWebhooksFunction",
        stream={"BatchSize": 10, "StartingPosition": "TRIM_HORIZON"},
    )
    fake = FakeStreams([shard])
    unfiltered = EventSourceMapping(
        other, everything, fake, fake, "t", None, folder, clock=FakeClock(), pause=lambda seconds: True
    )

    drain(by_order)
    drain(unfiltered)

    assert orders.delivered == ["1", "3"]
    assert everything.delivered == ["1", "2", "3"]
    assert len(list(folder.iterdir())) == 2


def test_records_reach_the_function_in_lambdas_shape_with_empty_maps_typed() -> None:
    botocore_record = {
        "eventID": "e1",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": datetime(2026, 11, 24, 5, 55, tzinfo=UTC),
            "Keys": {"pk": {"S": "ORDER#1"}, "sk": {"S": "ORDER"}},
            "NewImage": {
                "pk": {"S": "ORDER#1"},
                "payload": {},
                "metadata": {"M": {"nested": {}, "list": {"L": [{}, {"S": "x"}]}}},
            },
            "SequenceNumber": "000000000000000000001",
            "SizeBytes": 37,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }

    shaped = lambda_record(botocore_record, ARN)

    assert shaped == {
        "eventID": "e1",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": 1795499700,
            "Keys": {"pk": {"S": "ORDER#1"}, "sk": {"S": "ORDER"}},
            "NewImage": {
                "pk": {"S": "ORDER#1"},
                "payload": {"M": {}},
                "metadata": {"M": {"nested": {"M": {}}, "list": {"L": [{"M": {}}, {"S": "x"}]}}},
            },
            "SequenceNumber": "000000000000000000001",
            "SizeBytes": 37,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": ARN,
    }
    assert json.loads(json.dumps(shaped)) == shaped


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
