"""Delivering webhook events (DESIGN 11): at least once, the same event every time, on the retry
schedule, each attempt kept; a slow or dead endpoint never holds up another's deliveries."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from checkout.domain.webhook_delivery import DEGRADED_MS, LEASE_MS, Deliveries, SendResult
from checkout.domain.webhook_records import DeliveryJob, WebhookEventRecord
from tests.builders import NOW_MS, WEBHOOK_SECRET, a_delivery_job, a_webhook, a_webhook_event
from tests.fake_webhooks import NO_ANSWER, OK, SERVER_ERROR, ScriptedSender
from tests.fakes import InMemoryRepository

SCHEDULE = (60, 300, 1800)


class Clock:
    def __init__(self) -> None:
        self.now = NOW_MS

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def deliveries(store: InMemoryRepository, sender: ScriptedSender, clock: Clock) -> Deliveries:
    return Deliveries(store, sender, SCHEDULE, clock, jitter=lambda: 0.05)


def owed(store: InMemoryRepository, **webhook: Any) -> tuple[WebhookEventRecord, DeliveryJob]:
    """A subscribed webhook and one event owed to it, as the outbox leaves them."""
    assert store.create_webhook(a_webhook(**webhook), limit=16)
    event = a_webhook_event()
    job = a_delivery_job(event, webhook_id=a_webhook(**webhook).id)
    assert store.record_webhook_event(event, [job])
    return event, job


def stored(store: InMemoryRepository, job: DeliveryJob) -> DeliveryJob:
    return store.delivery_jobs[(job.webhook_id, job.event_id)]


def test_a_2xx_delivers_the_events_payload_signed_with_the_webhooks_secret(
    store: InMemoryRepository, clock: Clock
) -> None:
    event, job = owed(store)
    sender = ScriptedSender(SendResult(204, "", None, 30))

    attempt = deliveries(store, sender, clock).first_attempt(job)

    assert attempt is not None and attempt.status == "success" and attempt.status_code == 204
    assert sender.sent == [("https://shop.example.com/webhooks", event.payload, WEBHOOK_SECRET)]
    assert stored(store, job).status == "success"
    assert store.webhooks[(job.merchant_id, job.webhook_id)].success_count == 1


def test_a_failure_is_retried_on_the_schedule_from_the_first_attempt(
    store: InMemoryRepository, clock: Clock
) -> None:
    _, job = owed(store)
    attempt = deliveries(store, ScriptedSender(SERVER_ERROR), clock).first_attempt(job)

    assert attempt is not None and attempt.status == "failed" and attempt.status_code == 500
    after = stored(store, job)
    assert after.status == "pending"
    assert after.next_attempt_at == job.created_at + int(60 * 1000 * 1.05)  # 1 min, with its jitter
    assert store.webhooks[(job.merchant_id, job.webhook_id)].failure_count == 1


def test_each_retry_takes_the_next_delay_and_after_the_last_the_delivery_fails(
    store: InMemoryRepository, clock: Clock
) -> None:
    _, job = owed(store)
    sending = deliveries(store, ScriptedSender(SERVER_ERROR), clock)
    sending.first_attempt(job)
    dues = []
    for _ in SCHEDULE:
        clock.now = stored(store, job).next_attempt_at or 0
        assert sending.retry(stored(store, job)) is not None
        dues.append(stored(store, job).next_attempt_at)

    assert dues[:-1] == [job.created_at + int(delay * 1000 * 1.05) for delay in SCHEDULE[1:]]
    assert stored(store, job).status == "failed" and dues[-1] is None
    assert len(store.attempts[job.webhook_id]) == 1 + len(SCHEDULE)


def test_fail_twice_then_succeed_is_three_attempts_of_the_same_event(
    store: InMemoryRepository, clock: Clock
) -> None:
    event, job = owed(store)
    sender = ScriptedSender(SERVER_ERROR, NO_ANSWER, OK)
    sending = deliveries(store, sender, clock)

    sending.first_attempt(job)
    for _ in range(2):
        clock.now = stored(store, job).next_attempt_at or 0
        sending.retry(stored(store, job))

    assert [payload for _, payload, _ in sender.sent] == [event.payload] * 3
    attempts = sorted(store.attempts[job.webhook_id].values(), key=lambda a: a.attempted_at)
    assert [a.status for a in attempts] == ["failed", "failed", "success"]
    assert {a.event_id for a in attempts} == {event.id}
    assert stored(store, job).status == "success"


def test_two_workers_on_one_job_make_one_attempt(store: InMemoryRepository, clock: Clock) -> None:
    _, job = owed(store)
    sender = ScriptedSender(OK)
    sending = deliveries(store, sender, clock)
    results: list[Any] = []
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        results.append(sending.first_attempt(job))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(1 for made in results if made is not None) == 1
    assert len(sender.sent) == 1


def test_a_settled_job_is_not_attempted_again(store: InMemoryRepository, clock: Clock) -> None:
    _, job = owed(store)
    sender = ScriptedSender(OK)
    sending = deliveries(store, sender, clock)
    sending.first_attempt(job)

    assert sending.retry(stored(store, job)) is None
    assert len(sender.sent) == 1


def test_a_claimed_job_comes_due_again_when_its_worker_dies(store: InMemoryRepository, clock: Clock) -> None:
    _, job = owed(store)
    claimed = store.claim_delivery(job, clock.now + LEASE_MS, clock.now)  # and then nothing

    assert claimed is not None
    assert list(store.due_deliveries(clock.now, 10)) == []
    assert [page[0].event_id for page in store.due_deliveries(clock.now + LEASE_MS, 10)] == [job.event_id]


def test_an_endpoint_that_did_not_answer_is_left_to_the_retry_job_for_a_while(
    store: InMemoryRepository, clock: Clock
) -> None:
    _, job = owed(store)
    sender = ScriptedSender(NO_ANSWER, OK)
    sending = deliveries(store, sender, clock)
    sending.first_attempt(job)
    webhook = store.webhooks[(job.merchant_id, job.webhook_id)]
    assert webhook.degraded_until == clock.now + DEGRADED_MS

    second = a_delivery_job(a_webhook_event(id="evt_" + "77" * 16), webhook_id=job.webhook_id)
    assert store.record_webhook_event(a_webhook_event(id=second.event_id), [second])
    assert sending.first_attempt(second) is None  # not by the stream ...
    assert len(sender.sent) == 1

    assert sending.run_due(lambda: 60_000) == 1  # ... by the retry job, which finds it due
    assert stored(store, second).status == "success"
    assert store.webhooks[(job.merchant_id, job.webhook_id)].degraded_until is None  # answered well


def test_a_slow_answer_degrades_the_endpoint_too(store: InMemoryRepository, clock: Clock) -> None:
    _, job = owed(store)
    deliveries(store, ScriptedSender(SendResult(200, "ok", None, 4_000)), clock).first_attempt(job)

    assert stored(store, job).status == "success"
    assert store.webhooks[(job.merchant_id, job.webhook_id)].degraded(clock.now)


def test_a_silent_endpoint_degrades_its_merchants_other_and_new_webhooks_not_others(
    store: InMemoryRepository, clock: Clock
) -> None:
    _, job = owed(store, url="https://slow.example.com/hook")
    sibling = a_webhook(id="wh_" + "b" * 24)
    elsewhere = a_webhook(id="wh_" + "c" * 24, merchant_id="acct_other")
    assert store.create_webhook(sibling, limit=16) and store.create_webhook(elsewhere, limit=16)
    sending = deliveries(store, ScriptedSender(NO_ANSWER, OK), clock)
    sending.first_attempt(job)
    clock.now += 1_000
    fresh = a_webhook(id="wh_" + "f" * 24, created_at=clock.now, updated_at=clock.now)
    assert store.create_webhook(fresh, limit=16)  # a new webhook does not escape it

    def new_job(webhook_id: str, merchant_id: str, mark: str) -> DeliveryJob:
        event = a_webhook_event(id="evt_" + mark * 32, merchant_id=merchant_id)
        owed_job = a_delivery_job(event, webhook_id=webhook_id)
        assert store.record_webhook_event(event, [owed_job])
        return owed_job

    assert sending.first_attempt(new_job(sibling.id, sibling.merchant_id, "1")) is None
    assert sending.first_attempt(new_job(fresh.id, fresh.merchant_id, "2")) is None
    assert sending.first_attempt(new_job(elsewhere.id, elsewhere.merchant_id, "3")) is not None


def test_the_retry_job_leaves_a_silent_endpoint_after_one_attempt_and_serves_the_others(
    store: InMemoryRepository, clock: Clock
) -> None:
    dead, alive = "https://dead.example.com/hook", "https://alive.example.com/hook"
    for webhook_id, url in (("wh_" + "d" * 24, dead), ("wh_" + "a" * 24, alive)):
        assert store.create_webhook(a_webhook(id=webhook_id, url=url), limit=16)
        for n in range(3):
            event = a_webhook_event(id=f"evt_{webhook_id[3:7]}{n:028d}")
            assert store.record_webhook_event(event, [a_delivery_job(event, webhook_id=webhook_id)])
    sender = ScriptedSender(by_url={dead: [NO_ANSWER], alive: [OK]})

    made = deliveries(store, sender, clock).run_due(lambda: 60_000)

    sent_to = [url for url, _, _ in sender.sent]
    assert sent_to.count(dead) == 1  # the others wait for the next run
    assert sent_to.count(alive) == 3
    assert made == 4


def test_the_retry_job_stops_taking_jobs_when_its_time_runs_out(
    store: InMemoryRepository, clock: Clock
) -> None:
    owed(store)
    sender = ScriptedSender(OK)

    assert deliveries(store, sender, clock).run_due(lambda: 10_000) == 0
    assert sender.sent == []


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ("deleted", "not sent: the webhook was deleted"),
        ("disabled", "not sent: the webhook is disabled"),
        ("event gone", "not sent: the event is no longer kept"),
    ],
)
def test_a_job_that_can_never_be_delivered_fails_at_once_without_a_send(
    store: InMemoryRepository, clock: Clock, change: str, error: str
) -> None:
    event, job = owed(store)
    if change == "deleted":
        store.delete_webhook(job.merchant_id, job.webhook_id)
    elif change == "disabled":
        store.webhooks[(job.merchant_id, job.webhook_id)] = a_webhook(is_active=False)
    else:
        del store.webhook_events[event.id]
    sender = ScriptedSender(OK)

    attempt = deliveries(store, sender, clock).retry(job)

    assert attempt is not None and attempt.error_message == error
    assert stored(store, job).status == "failed"
    assert sender.sent == []


def test_a_merchants_resend_that_fails_leaves_the_schedule_running(
    store: InMemoryRepository, clock: Clock
) -> None:
    event, job = owed(store)
    sending = deliveries(store, ScriptedSender(SERVER_ERROR), clock)
    sending.first_attempt(job)
    before = stored(store, job)

    attempt = sending.send_now(a_webhook(), event, before)

    assert attempt.status == "failed"
    assert stored(store, job) == before


def test_a_merchants_resend_that_succeeds_settles_the_delivery(
    store: InMemoryRepository, clock: Clock
) -> None:
    event, job = owed(store)
    sending = deliveries(store, ScriptedSender(SERVER_ERROR, OK), clock)
    sending.first_attempt(job)

    attempt = sending.send_now(a_webhook(), event, stored(store, job))

    assert attempt.status == "success" and attempt.event_id == event.id
    assert stored(store, job).status == "success"
    assert list(store.due_deliveries(clock.now + 10**9, 10)) == []


def test_a_resend_of_a_failed_delivery_can_settle_it(store: InMemoryRepository, clock: Clock) -> None:
    event, job = owed(store)
    store.delivery_jobs[(job.webhook_id, job.event_id)] = job.model_copy(update={"status": "failed"})

    deliveries(store, ScriptedSender(OK), clock).send_now(a_webhook(), event, stored(store, job))

    assert stored(store, job).status == "success"


def test_attempt_ids_order_a_webhooks_deliveries_by_time(store: InMemoryRepository, clock: Clock) -> None:
    _, job = owed(store)
    sending = deliveries(store, ScriptedSender(SERVER_ERROR), clock)
    sending.first_attempt(job)
    clock.now += 61_000
    sending.retry(stored(store, job))

    page = store.webhook_attempts(job.webhook_id, limit=10, skip=0)

    assert [a.attempted_at for a in page.attempts] == [clock.now, NOW_MS]
    assert all(a.id.startswith("dlv_") and len(a.id) == 29 for a in page.attempts)
