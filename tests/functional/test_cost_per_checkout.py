"""One whole checkout on moto, step by step, with every DynamoDB call the functions make counted and
costed (`metering.py`): the per-checkout figures of docs/scale.md are EXPECTED below, and the doc's
tables are rendered from it (`cost_model.py`), so neither can drift from the code.

The flow is a hosted-page checkout paid in crypto, with one webhook subscribed to every event: the
merchant creates the session on the platform surface (with an `Idempotency-Key`, as the published
SDK sends one), the buyer opens the hosted page, which polls the session; the buyer links an order
from the page; the payment watcher reports deposit → relay → execute; the table's stream runs the
sync function (the session follows its order; `payment.completed`), then again on the session's
final write (`checkout.completed`), and `deliver_webhooks` on the two new delivery jobs, which makes
the first attempts to a real receiver on loopback; the merchant reads the session. Stream records
are the writes the steps made, passed through each stream function's filter from template.yaml.

The merchant's API key is read once a minute per container (and `last_used_at` written at most once
a minute): a first call warms that cache before the meter counts, as a busy merchant's traffic does.
"""

from __future__ import annotations

import copy
import json
import secrets
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from checkout import composition
from checkout.domain.access import Permission
from devstack.filters import passes, patterns_of
from devstack.template import local_table_names, table_definition
from tests.builders import (
    ROOT,
    TABLE_NAME,
    http_event,
    linked_order_body,
    load_event,
    order_event_body,
    signed_order_event,
)
from tests.functional.conftest import Call
from tests.functional.cost_model import (
    EXPECTED,
    MERCHANT_PARTITION,
    RUNS,
    SHARED_PARTITIONS,
    STORED,
    WEBHOOK_PARTITION,
    Partition,
    Step,
    bill_table,
    partition_table,
    scale_table,
)
from tests.functional.metering import Meter, Usage, Write, indexes_of, item_size
from tests.support import function_specs, invoke, invoke_page
from tests.webhook_receiver import WebhookReceiver, receiver


@pytest.fixture
def endpoint() -> Iterator[WebhookReceiver]:
    with receiver() as running:
        yield running


@pytest.fixture
def meter(call: Call, dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Meter]:
    monkeypatch.setenv("WEBHOOK_ALLOW_LOOPBACK", "true")  # the receiver is on loopback
    composition.reset()
    names = local_table_names(TABLE_NAME)
    indexes = {names["Table"]: indexes_of(table_definition(names["Table"]))}
    meter = Meter(composition.repository().client, dynamodb, indexes)
    yield meter
    meter.close()


def stream_event(writes: list[Write]) -> dict[str, Any]:
    """`writes` as the table's stream delivers them to a function (NEW_AND_OLD_IMAGES)."""
    records = []
    for number, write in enumerate(writes):
        record: dict[str, Any] = copy.deepcopy(load_event("deliver_webhooks")["Records"][0])
        images: dict[str, Any] = {"Keys": write.key, "SequenceNumber": str(number), "SizeBytes": 100}
        if write.new is not None:
            images["NewImage"] = write.new
        if write.old is not None:
            images["OldImage"] = write.old
        record["eventID"] = uuid.uuid4().hex
        record["eventName"] = write.event_name
        record["dynamodb"] = {**images, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        records.append(record)
    return {"Records": records}


def passing(function: str, writes: list[Write]) -> list[Write]:
    """The main table's writes whose records `function`'s filter lets through."""
    patterns = patterns_of(function_specs()[function].stream or {})
    on_main_table = [write for write in writes if write.table == TABLE_NAME]
    return [write for write in on_main_table if passes(patterns, stream_event([write])["Records"][0])]


def measured(usage: Usage, writes: list[Write], records_in: int) -> Step:
    return Step(
        dict(usage.calls),
        usage.write_units,
        usage.read_units,
        dict(usage.index_writes),
        len([write for write in writes if write.table == TABLE_NAME]),
        len(passing("sync_sessions", writes)),
        len(passing("deliver_webhooks", writes)),
        records_in,
    )


class Checkout:
    """Drives one checkout's steps, each measured under the next name of RUNS; adds up the load on
    the partitions every checkout of one merchant shares (its own, its webhook's), each step as
    many times as a checkout makes it."""

    def __init__(self, meter: Meter, merchant_id: str, webhook_id: str) -> None:
        self.meter = meter
        self.steps: dict[str, Step] = {}
        self.names = iter(RUNS)
        self.first_write = len(meter.writes)
        self.shared_names = {
            f"MERCHANT#{merchant_id}": MERCHANT_PARTITION,
            f"WEBHOOK#{webhook_id}": WEBHOOK_PARTITION,
        }
        self.shared: dict[str, Partition] = {}

    def step(self, action: Callable[[], Any], records_in: int = 0) -> Any:
        start = len(self.meter.writes)
        name = next(self.names)
        with self.meter.step() as usage:
            result = action()
        self.steps[name] = measured(usage, self.meter.writes[start:], records_in)
        for load, units in ((usage.partition_writes, "write_units"), (usage.partition_reads, "read_units")):
            for (_, partition), amount in load.items():
                if partition in self.shared_names:
                    shared = self.shared.setdefault(self.shared_names[partition], Partition(0, 0))
                    setattr(shared, units, getattr(shared, units) + amount * RUNS[name].times)
        return result

    def writes_since(self, start: int) -> list[Write]:
        return self.meter.writes[start:]

    def created_items(self) -> list[dict[str, Any]]:
        """The items the checkout created (not the merchant's, its key's or its webhook's), as they
        are at its end."""
        created: dict[str, dict[str, Any] | None] = {}
        for write in self.writes_since(self.first_write):
            name = json.dumps([write.table, write.key], sort_keys=True)
            if name in created or write.old is None:
                created[name] = write.new
        return [item for item in created.values() if item is not None]


def platform_event(name: str, key: str, **path: str) -> dict[str, Any]:
    event = load_event(name)
    event["headers"]["authorization"] = f"Bearer {key}"
    for parameter, value in path.items():
        event["rawPath"] = event["rawPath"].replace(event["pathParameters"][parameter], value)
        event["pathParameters"][parameter] = value
    return event


def run_checkout(call: Call, meter: Meter, endpoint: WebhookReceiver) -> Checkout:
    """One checkout, its steps measured in RUNS' order."""
    merchant = f"acct_cost{secrets.token_hex(6)}"
    key = composition.key_service().create(merchant, "cost model", Permission.ADMIN).secret
    webhook = composition.webhook_service().create(merchant, endpoint.url("/hooks"), ["*"], "every event")
    warm = call("platform_get_checkout_session", platform_event("platform_get_checkout_session", key))
    assert warm.status == 404  # the key is now cached, as a busy merchant's is
    flow = Checkout(meter, merchant, webhook.id)

    create = platform_event("platform_create_checkout_session", key)
    create["headers"]["idempotency-key"] = str(uuid.uuid4())
    created = flow.step(lambda: call("platform_create_checkout_session", create))
    assert created.status == 200, created.body
    session_id = created.body["id"]

    page = flow.step(lambda: invoke_page("hosted_page", http_event("hosted_page", session_id=session_id)))
    assert page.status == 200 and 'data-state="choose"' in page.text

    def poll() -> dict[str, Any]:
        polled = call("get_checkout_session", http_event("get_checkout_session", session_id=session_id))
        assert polled.status == 200, polled.body
        data: dict[str, Any] = polled.data
        return data

    assert flow.step(poll)["order"] is None

    link = http_event(
        "create_order", body=linked_order_body(session_id), headers={"idempotency-key": str(uuid.uuid4())}
    )
    linked = flow.step(lambda: call("create_order", link))
    assert linked.status == 200, linked.body
    order_id = linked.data["id"]

    assert flow.step(poll)["order"]["order"]["id"] == order_id

    for status, kind in (
        ("sending_token_from_vault", "deposit"),
        ("executing", "relay"),
        ("executed", "execute"),
    ):
        transaction = {"kind": kind, "chainId": 8453, "txHash": "0x" + secrets.token_hex(32)}
        event = order_event_body(
            order_id, status, event_id=f"evt_{secrets.token_hex(8)}", transaction=transaction
        )
        recorded = flow.step(lambda event=event: call("record_order_event", signed_order_event(event)))  # type: ignore[misc]
        assert recorded.status == 200, recorded.body

    # The stream: the sync function on the order's records, then on what that wrote (the session's
    # final write), then the delivery function on the jobs both passes wrote.
    first_sync = len(meter.writes)
    records = stream_event(passing("sync_sessions", flow.writes_since(0)))
    synced = flow.step(lambda: invoke("sync_sessions", records), len(records["Records"]))
    assert synced == {"batchItemFailures": []}
    records = stream_event(passing("sync_sessions", flow.writes_since(first_sync)))
    synced = flow.step(lambda: invoke("sync_sessions", records), len(records["Records"]))
    assert synced == {"batchItemFailures": []}
    # Each job is its own invocation: the two sync passes wrote them, so a quiet table's stream
    # shows them apart (and the meter sees one call at a time).
    jobs = [stream_event([job]) for job in passing("deliver_webhooks", flow.writes_since(first_sync))]
    attempts = flow.step(lambda: [invoke("deliver_webhooks", job) for job in jobs], len(jobs))
    assert attempts == [{"attempts": 1}, {"attempts": 1}]
    delivered = sorted(json.loads(request.body)["type"] for request in endpoint.at("/hooks"))
    assert delivered == ["checkout.completed", "payment.completed"]

    final = flow.step(
        lambda: call(
            "platform_get_checkout_session",
            platform_event("platform_get_checkout_session", key, id=session_id),
        )
    )
    assert final.status == 200 and final.body["status"] == "completed", final.body
    return flow


def test_one_checkout_makes_exactly_the_dynamodb_calls_the_cost_model_counts(
    call: Call, meter: Meter, endpoint: WebhookReceiver
) -> None:
    flow = run_checkout(call, meter, endpoint)

    assert flow.steps == EXPECTED


def test_the_partitions_a_merchants_checkouts_share_take_the_load_the_model_counts(
    call: Call, meter: Meter, endpoint: WebhookReceiver
) -> None:
    flow = run_checkout(call, meter, endpoint)

    assert flow.shared == SHARED_PARTITIONS


def test_ttl_purges_every_item_a_checkout_stores(call: Call, meter: Meter, endpoint: WebhookReceiver) -> None:
    flow = run_checkout(call, meter, endpoint)
    items = flow.created_items()

    assert [item for item in items if not {"purge_at", "expiration"} & set(item)] == []
    assert (len(items), round(sum(item_size(item) for item in items) / 1024)) == STORED


def test_the_scale_document_shows_the_model() -> None:
    document = (ROOT / "docs" / "scale.md").read_text()

    for table in (scale_table(EXPECTED), bill_table(EXPECTED), partition_table(EXPECTED)):
        assert table in document, (
            "docs/scale.md: put `python -m tests.functional.cost_model`'s tables in place"
        )
