"""The outbox (DESIGN 11): which transitions make which event, exactly one event per transition
however often it is seen, and one delivery job per subscribed webhook."""

from __future__ import annotations

import json
from typing import Any

import pytest

from checkout.domain.records import OrderRecord, SessionRecord
from checkout.domain.status import OrderStatus, SessionStatus
from checkout.domain.webhook_events import WebhookOutbox, event_id_for
from checkout.domain.webhook_records import EventType
from checkout.web.transition_payloads import event_renderer
from tests.builders import MERCHANT, NOW_MS, a_session, a_webhook, an_order
from tests.fakes import InMemoryRepository

BASE_URL = "https://api.example.com"


@pytest.fixture
def outbox(store: InMemoryRepository) -> WebhookOutbox:
    return WebhookOutbox(store, store, event_renderer(BASE_URL), clock=lambda: NOW_MS + 5)


def subscribe(store: InMemoryRepository, *events: str, **fields: Any) -> None:
    webhook = a_webhook(events=list(events), **fields)
    assert store.create_webhook(webhook, limit=16)


def complete_session(**fields: Any) -> SessionRecord:
    return a_session(status=SessionStatus.COMPLETE, completed_at=NOW_MS, **fields)


def test_a_completed_session_makes_one_checkout_completed_event_with_a_job_per_webhook(
    store: InMemoryRepository, outbox: WebhookOutbox
) -> None:
    subscribe(store, "checkout.completed", id="wh_" + "a" * 24)
    subscribe(store, "*", id="wh_" + "b" * 24)

    event = outbox.session_reached_final(complete_session())

    assert event is not None and event.type == EventType.CHECKOUT_COMPLETED
    assert {job.webhook_id for job in store.delivery_jobs.values()} == {"wh_" + "a" * 24, "wh_" + "b" * 24}
    assert all(job.status == "pending" and job.event_id == event.id for job in store.delivery_jobs.values())


def test_the_same_transition_seen_again_makes_no_second_event(
    store: InMemoryRepository, outbox: WebhookOutbox
) -> None:
    subscribe(store, "*")
    session = complete_session()

    first = outbox.session_reached_final(session)
    replays = [outbox.session_reached_final(session) for _ in range(3)]

    assert first is not None
    assert replays == [None, None, None]
    assert len(store.webhook_events) == len(store.delivery_jobs) == 1


def test_event_ids_are_derived_from_the_transition() -> None:
    assert event_id_for("session:s1:complete") == event_id_for("session:s1:complete")
    assert event_id_for("session:s1:complete") != event_id_for("session:s1:expired")
    assert event_id_for("x").startswith("evt_") and len(event_id_for("x")) == 36


def test_an_expired_session_makes_checkout_expired(store: InMemoryRepository, outbox: WebhookOutbox) -> None:
    subscribe(store, "checkout.expired")

    event = outbox.session_reached_final(a_session(status=SessionStatus.EXPIRED))

    assert event is not None and event.type == "checkout.expired"


@pytest.mark.parametrize("status", [SessionStatus.OPEN, SessionStatus.PROCESSING])
def test_a_session_that_is_not_final_makes_no_event(
    store: InMemoryRepository, outbox: WebhookOutbox, status: SessionStatus
) -> None:
    subscribe(store, "*")
    assert outbox.session_reached_final(a_session(status=status)) is None
    assert store.webhook_events == {}


def test_webhooks_that_did_not_subscribe_or_are_off_get_no_job(
    store: InMemoryRepository, outbox: WebhookOutbox
) -> None:
    subscribe(store, "payment.failed", id="wh_" + "a" * 24)
    subscribe(store, "*", id="wh_" + "b" * 24, is_active=False)

    assert outbox.session_reached_final(complete_session()) is None
    assert store.webhook_events == {} and store.delivery_jobs == {}


def test_another_merchants_transition_reaches_none_of_these_webhooks(
    store: InMemoryRepository, outbox: WebhookOutbox
) -> None:
    subscribe(store, "*")
    assert outbox.session_reached_final(complete_session(merchant_id="acct_other")) is None


def test_without_subscribers_the_order_event_reads_nothing_more(
    store: InMemoryRepository, outbox: WebhookOutbox
) -> None:
    outbox.order_moved(an_order(status=OrderStatus.EXECUTED, checkout_session_id=a_session().id))
    assert "get_session" not in store.calls


def test_an_executed_order_makes_payment_completed_with_its_session_as_it_is_now(
    store: InMemoryRepository, outbox: WebhookOutbox
) -> None:
    subscribe(store, "payment.completed")
    session = complete_session(client_reference_id="order-42", metadata={"cart": "c1"})
    store.put_session(session)
    order = an_order(status=OrderStatus.EXECUTED, checkout_session_id=session.id)

    event = outbox.order_moved(order)

    assert event is not None
    payload = json.loads(event.payload)
    assert payload["type"] == "payment.completed"
    assert payload["data"]["checkout_session"]["status"] == "completed"
    assert payload["data"]["checkout_session"]["client_reference_id"] == "order-42"
    assert payload["data"]["order"]["id"] == order.id


def test_a_standalone_orders_payment_event_has_no_session(
    store: InMemoryRepository, outbox: WebhookOutbox
) -> None:
    subscribe(store, "payment.failed")

    event = outbox.order_moved(an_order(status=OrderStatus.FAILURE))

    assert event is not None
    assert json.loads(event.payload)["data"]["checkout_session"] is None


def test_an_order_that_fails_twice_makes_two_events_and_each_only_once(
    store: InMemoryRepository, outbox: WebhookOutbox
) -> None:
    subscribe(store, "payment.failed")
    failed: OrderRecord = an_order(status=OrderStatus.FAILURE, updated_at=NOW_MS + 1)
    refund_failed = failed.model_copy(update={"updated_at": NOW_MS + 9})

    made = [outbox.order_moved(failed), outbox.order_moved(failed), outbox.order_moved(refund_failed)]

    assert [event is not None for event in made] == [True, False, True]


@pytest.mark.parametrize(
    "status", [OrderStatus.SCANNING_DEPOSIT_TRANSACTION, OrderStatus.EXECUTING, OrderStatus.REFUNDED]
)
def test_other_order_statuses_make_no_event(
    store: InMemoryRepository, outbox: WebhookOutbox, status: OrderStatus
) -> None:
    subscribe(store, "*")
    assert outbox.order_moved(an_order(status=status)) is None


def test_the_payload_is_the_designs_event(store: InMemoryRepository, outbox: WebhookOutbox) -> None:
    subscribe(store, "*")
    session = complete_session(tx_hash="0x" + "ef" * 32)

    event = outbox.session_reached_final(session)

    assert event is not None
    payload = json.loads(event.payload)
    assert payload == {
        "id": event.id,
        "object": "event",
        "type": "checkout.completed",
        "created_at": NOW_MS + 5,
        "data": {"checkout_session": payload["data"]["checkout_session"]},
    }
    view = payload["data"]["checkout_session"]
    assert view["object"] == "checkout_session" and view["id"] == session.id
    assert view["tx_hash"] == "0x" + "ef" * 32
    assert event.merchant_id == MERCHANT


def test_a_batch_reads_each_merchants_webhooks_once_and_still_makes_one_event_per_transition(
    store: InMemoryRepository, outbox: WebhookOutbox
) -> None:
    subscribe(store, "*")
    batch = outbox.for_batch()
    store.calls.clear()

    made = [batch.session_reached_final(complete_session(id=f"cs_{n}")) for n in range(3)]
    made.append(batch.order_moved(an_order(status=OrderStatus.EXECUTED)))
    replayed = batch.session_reached_final(complete_session(id="cs_0"))

    assert all(event is not None for event in made) and replayed is None
    assert store.calls.count("merchant_webhooks") == 1
    assert len(store.webhook_events) == len(store.delivery_jobs) == 4


def test_each_batch_reads_the_webhooks_afresh(store: InMemoryRepository, outbox: WebhookOutbox) -> None:
    assert outbox.for_batch().session_reached_final(complete_session(id="cs_before")) is None
    subscribe(store, "checkout.completed")

    assert outbox.for_batch().session_reached_final(complete_session(id="cs_after")) is not None
