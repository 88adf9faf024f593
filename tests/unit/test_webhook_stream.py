"""The stream side of webhooks: the sync function writes the outbox for the transitions it sees
(a final session, an executed or failed order), once however often a record is delivered; the
delivery function sends each new job it sees, a batch's jobs side by side."""

from __future__ import annotations

import copy
import itertools
import json
import threading
from functools import lru_cache
from typing import Any

import pytest

from checkout import composition
from checkout.adapters.dynamodb.codec import to_attributes
from checkout.adapters.dynamodb.items import order_item, session_item
from checkout.adapters.dynamodb.webhook_items import delivery_job_item
from checkout.domain.records import OrderRecord, SessionRecord
from checkout.domain.status import OrderStatus, SessionStatus
from checkout.domain.webhook_delivery import Deliveries, SendResult
from tests.builders import (
    PUBLIC_BASE_URL,
    a_delivery_job,
    a_session,
    a_webhook,
    a_webhook_event,
    an_order,
    load_event,
    make_settings,
)
from tests.fake_webhooks import OK, ScriptedSender
from tests.fakes import InMemoryRepository
from tests.support import invoke

pytestmark = pytest.mark.usefixtures("function_env")
_sequence = itertools.count(200_000_000_000_000_000_000)


def record(new: dict[str, Any], old: dict[str, Any] | None, event_name: str = "MODIFY") -> dict[str, Any]:
    shaped: dict[str, Any] = copy.deepcopy(load_event("sync_sessions")["Records"][0])
    shaped["eventName"] = event_name
    stream = shaped["dynamodb"]
    stream["Keys"] = to_attributes({"pk": new["pk"], "sk": new["sk"]})
    stream["NewImage"] = to_attributes(new)
    if old is None:
        stream.pop("OldImage", None)
    else:
        stream["OldImage"] = to_attributes(old)
    stream["SequenceNumber"] = str(next(_sequence))
    return shaped


def session_change(before: SessionRecord, after: SessionRecord) -> dict[str, Any]:
    settings = make_settings()
    return record(session_item(after, settings), session_item(before, settings))


def order_change(before: OrderRecord, after: OrderRecord) -> dict[str, Any]:
    return record(order_item(after), order_item(before))


def subscribe(store: InMemoryRepository, *events: str) -> None:
    assert store.create_webhook(a_webhook(events=list(events)), limit=16)


def sync(*records: dict[str, Any]) -> None:
    result = invoke("sync_sessions", {"Records": list(records)})
    assert result == {"batchItemFailures": []}


def test_a_session_completing_writes_one_checkout_completed_event_however_often_it_is_seen(
    store: InMemoryRepository,
) -> None:
    subscribe(store, "checkout.completed")
    before = a_session(status=SessionStatus.PROCESSING)
    change = session_change(before, before.model_copy(update={"status": SessionStatus.COMPLETE}))

    sync(change, change)
    sync(change)

    (event,) = store.webhook_events.values()
    assert event.type == "checkout.completed"
    view = json.loads(event.payload)["data"]["checkout_session"]
    assert view["status"] == "completed" and view["url"] is None  # no payment config: no hosted page
    assert len(store.delivery_jobs) == 1


def test_a_final_session_written_again_makes_no_event(store: InMemoryRepository) -> None:
    subscribe(store, "*")
    expired = a_session(status=SessionStatus.EXPIRED)

    sync(session_change(expired, expired.model_copy(update={"updated_at": expired.updated_at + 1})))

    assert store.webhook_events == {}


def test_an_order_executing_moves_its_session_and_writes_payment_completed_with_it(
    store: InMemoryRepository,
) -> None:
    subscribe(store, "payment.completed", "checkout.completed")
    session = a_session(status=SessionStatus.PROCESSING)
    store.put_session(session)
    executing = an_order(status=OrderStatus.EXECUTING, checkout_session_id=session.id,
                         session_expires_at=session.expires_at)  # fmt: skip
    executed = executing.model_copy(
        update={"status": OrderStatus.EXECUTED, "updated_at": executing.updated_at + 5}
    )

    sync(order_change(executing, executed))

    (event,) = store.webhook_events.values()  # checkout.completed comes with the session's own record
    payload = json.loads(event.payload)
    assert payload["type"] == "payment.completed"
    assert payload["data"]["checkout_session"]["status"] == "completed"
    assert payload["data"]["order"]["status"] == "executed"


def test_a_record_that_only_appends_a_transaction_makes_no_event(store: InMemoryRepository) -> None:
    subscribe(store, "*")
    failed = an_order(status=OrderStatus.FAILURE)

    sync(order_change(failed, failed.model_copy(update={"updated_at": failed.updated_at + 1})))

    assert store.webhook_events == {}


def test_a_payment_url_in_the_payload_is_the_public_base_url(store: InMemoryRepository) -> None:
    from checkout.domain.records import PaymentConfig

    subscribe(store, "checkout.expired")
    payment = PaymentConfig(
        amount="5", token_address="0x" + "11" * 20, chain_id=8453, recipient_address="0x" + "22" * 20
    )
    before = a_session(payment=payment)

    sync(session_change(before, before.model_copy(update={"status": SessionStatus.EXPIRED})))

    (event,) = store.webhook_events.values()
    view = json.loads(event.payload)["data"]["checkout_session"]
    assert view["url"] == f"{PUBLIC_BASE_URL}/pay/{before.id}"


# --- the delivery function -----------------------------------------------------------------------
class SlowUntilOthersAreDone:
    """Holds the slow URL's send until another send has finished (or 5 s pass): it sees the other
    finish only if the sends run side by side."""

    def __init__(self, slow_url: str) -> None:
        self.slow_url = slow_url
        self.other_done = threading.Event()
        self.slow_saw_other_done = False

    def send(self, url: str, payload: str, secret: str) -> SendResult:
        if url == self.slow_url:
            self.slow_saw_other_done = self.other_done.wait(timeout=5)
        else:
            self.other_done.set()
        return OK


def use_sender(monkeypatch: pytest.MonkeyPatch, store: InMemoryRepository, sender: Any) -> None:
    deliveries = Deliveries(store, sender, (60,))
    monkeypatch.setattr(composition, "deliveries", lru_cache(maxsize=1)(lambda: deliveries))


def new_job_record(webhook_id: str, event_id: str) -> dict[str, Any]:
    event = a_webhook_event(id=event_id)
    return record(
        delivery_job_item(a_delivery_job(event, webhook_id=webhook_id), make_settings()), None, "INSERT"
    )


def test_each_new_job_is_sent_and_settled(monkeypatch: pytest.MonkeyPatch, store: InMemoryRepository) -> None:
    sender = ScriptedSender(OK)
    use_sender(monkeypatch, store, sender)
    subscribe(store, "*")
    event = a_webhook_event()
    job = a_delivery_job(event)
    assert store.record_webhook_event(event, [job])

    result = invoke("deliver_webhooks", {"Records": [new_job_record(job.webhook_id, event.id)]})

    assert result == {"attempts": 1}
    assert store.delivery_jobs[(job.webhook_id, job.event_id)].status == "success"
    assert len(sender.sent) == 1


def test_a_slow_endpoint_does_not_hold_up_the_others_in_its_batch(
    monkeypatch: pytest.MonkeyPatch, store: InMemoryRepository
) -> None:
    slow_url, fast_url = "https://slow.example.com/h", "https://fast.example.com/h"
    sender = SlowUntilOthersAreDone(slow_url)
    use_sender(monkeypatch, store, sender)
    records = []
    for n, url in enumerate((slow_url, fast_url)):
        webhook = a_webhook(id=f"wh_{n:024x}", url=url)
        assert store.create_webhook(webhook, limit=16)
        event = a_webhook_event(id=f"evt_{n:032x}")
        assert store.record_webhook_event(event, [a_delivery_job(event, webhook_id=webhook.id)])
        records.append(new_job_record(webhook.id, event.id))

    result = invoke("deliver_webhooks", {"Records": records})

    assert result == {"attempts": 2}
    assert sender.slow_saw_other_done


def test_records_that_are_not_new_pending_jobs_are_ignored(
    monkeypatch: pytest.MonkeyPatch, store: InMemoryRepository
) -> None:
    sender = ScriptedSender(OK)
    use_sender(monkeypatch, store, sender)
    job_item = delivery_job_item(a_delivery_job(), make_settings())

    result = invoke(
        "deliver_webhooks",
        {
            "Records": [
                record(job_item, job_item, "MODIFY"),
                record({**job_item, "status": "failed"}, None, "INSERT"),
            ]
        },
    )

    assert result == {"attempts": 0}
    assert sender.sent == []
