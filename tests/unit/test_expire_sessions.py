"""The scheduled expiry job: due sessions only (via the sparse index), conditional writes,
orders awaiting deposit expired with their session, paging, and stopping before the timeout."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from checkout.config import Settings
from checkout.expiry import expire_due_sessions
from checkout.keys import open_shard, session_key
from checkout.orders import OrderService
from checkout.repository import Repository, to_attributes
from checkout.sessions import SessionService
from checkout.status import OrderStatus
from tests.support import invoke, load_event
from tests.unit.conftest import TABLE_NAME, Shop
from tests.unit.test_create_order import order_body

PLENTY_OF_TIME = lambda: 60_000  # noqa: E731 - a remaining-time callback


def run_job(
    sessions: SessionService, repository: Repository, settings: Settings, clock: Any, **kwargs: Any
) -> Any:
    return expire_due_sessions(
        sessions, repository, settings, clock.now, kwargs.pop("time", PLENTY_OF_TIME), **kwargs
    )


def stored(repository: Repository, session_id: str) -> dict[str, Any]:
    item = repository.get_session(session_id)
    assert item is not None
    return item


def test_due_sessions_are_expired_without_any_read(
    sessions: SessionService, repository: Repository, settings: Settings, clock: Any
) -> None:
    due = sessions.create({"expires_in": 300})
    clock.now += 300 * 1000

    run = run_job(sessions, repository, settings, clock)

    assert (run.examined, run.expired, run.finished) == (1, 1, True)
    item = stored(repository, due.id)
    assert item["status"] == "expired"
    assert "open_shard" not in item
    assert item["purge_at"] == max(clock.now // 1000, due.expires_at) + 30 * 86400


def test_sessions_not_yet_due_are_untouched(
    sessions: SessionService, repository: Repository, settings: Settings, clock: Any
) -> None:
    later = sessions.create({"expires_in": 600})
    clock.now += 300 * 1000

    run = run_job(sessions, repository, settings, clock)

    assert run.examined == 0
    assert stored(repository, later.id)["status"] == "open"


def test_an_awaiting_order_is_expired_with_its_session(
    shop: Shop,
    sessions: SessionService,
    orders: OrderService,
    repository: Repository,
    settings: Settings,
    clock: Any,
) -> None:
    session, order = shop.session_with_order(expires_in=300)
    clock.now += 300 * 1000

    assert run_job(sessions, repository, settings, clock).expired == 1

    assert stored(repository, session.id)["status"] == "expired"
    assert orders.get(order.id).status == "expired"


def test_a_processing_session_past_its_deadline_stays_processing(
    shop: Shop,
    sessions: SessionService,
    repository: Repository,
    settings: Settings,
    clock: Any,
) -> None:
    session, order = shop.session_with_order(expires_in=300)
    shop.report(order.id, OrderStatus.RELAY)
    sessions.get(session.id)  # the sync moves it to processing (and out of the index)
    clock.now += 3600 * 1000

    run = run_job(sessions, repository, settings, clock)

    assert run.examined == 0
    assert stored(repository, session.id)["status"] == "processing"


def test_a_payment_that_arrived_before_the_sync_wins_over_the_clock(
    shop: Shop,
    sessions: SessionService,
    orders: OrderService,
    repository: Repository,
    settings: Settings,
    clock: Any,
) -> None:
    session, order = shop.session_with_order(expires_in=300)
    shop.report(order.id, OrderStatus.SENDING_TOKEN_FROM_VAULT)
    clock.now += 300 * 1000

    run = run_job(sessions, repository, settings, clock)

    assert (run.examined, run.expired) == (1, 0)
    assert stored(repository, session.id)["status"] == "open"  # the stream will make it processing
    assert orders.get(order.id).status == "sending_token_from_vault"


def test_a_session_linked_after_the_query_is_not_expired_blindly(
    sessions: SessionService, orders: OrderService, repository: Repository, settings: Settings, clock: Any
) -> None:
    """The index said "no order"; an order linked since. The condition on `order_id` catches it."""
    session = sessions.create({"expires_in": 300})
    clock.now += 300 * 1000

    linked_meanwhile = order_body(checkoutSessionId=session.id)
    clock.now -= 1000
    orders.create(linked_meanwhile)
    clock.now += 1000

    stale_view_of_the_index = (session.id, session.expires_at, None)  # read before the link
    assert sessions.expire_due(*stale_view_of_the_index) is False
    assert run_job(sessions, repository, settings, clock).expired == 1  # next run sees the order
    assert orders.get(str(stored(repository, session.id)["order_id"])).status == "expired"


def test_pages_through_every_shard(
    sessions: SessionService, repository: Repository, settings: Settings, clock: Any
) -> None:
    created = [sessions.create({"expires_in": 300}).id for _ in range(23)]
    clock.now += 300 * 1000

    run = run_job(sessions, repository, settings, clock, page_size=5)

    assert (run.expired, run.finished) == (23, True)
    assert {stored(repository, session_id)["status"] for session_id in created} == {"expired"}


def test_stops_cleanly_when_time_runs_low_and_the_next_run_carries_on(
    sessions: SessionService, repository: Repository, settings: Settings, clock: Any
) -> None:
    created = [sessions.create({"expires_in": 300}).id for _ in range(12)]
    clock.now += 300 * 1000
    budget = iter([60_000, 60_000, 1_000])

    first = run_job(sessions, repository, settings, clock, page_size=3, time=lambda: next(budget, 1_000))
    second = run_job(sessions, repository, settings, clock, page_size=3)

    assert first.finished is False
    assert 0 < first.expired < 12
    assert second.finished is True
    assert first.expired + second.expired == 12
    assert {stored(repository, session_id)["status"] for session_id in created} == {"expired"}


class CountingClient:
    """The DynamoDB client, counting the items every Query read (its ScannedCount)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.scanned = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def query(self, **kwargs: Any) -> Any:
        response = self.client.query(**kwargs)
        self.scanned += response["ScannedCount"]
        return response


def test_cost_grows_with_due_sessions_not_table_size(
    sessions: SessionService, repository: Repository, settings: Settings, clock: Any, dynamodb: Any
) -> None:
    not_due_expires_at = clock.now // 1000 + 3600
    for _ in range(200):  # 5,000 open sessions that are not due
        requests = []
        for _ in range(25):
            session_id = str(uuid.uuid4())
            item = {
                **session_key(session_id),
                "entity": "session",
                "id": session_id,
                "status": "open",
                "expires_at": not_due_expires_at,
                "open_shard": open_shard(session_id, settings.open_shards),
                "created_at": clock.now,
                "updated_at": clock.now,
            }
            requests.append({"PutRequest": {"Item": to_attributes(item)}})
        dynamodb.batch_write_item(RequestItems={TABLE_NAME: requests})
    for _ in range(50):
        sessions.create({"expires_in": 300})
    clock.now += 300 * 1000

    counting = CountingClient(dynamodb)
    job_repository = Repository(TABLE_NAME, counting)  # type: ignore[arg-type]
    job_sessions = SessionService(job_repository, settings, clock)

    run = run_job(job_sessions, job_repository, settings, clock)

    assert run.expired == 50
    assert counting.scanned == 50  # items read from the index: the due ones, none of the 5,000 others


def test_the_handler_runs_the_job_with_its_event_file(monkeypatch: pytest.MonkeyPatch, dynamodb: Any) -> None:
    from checkout import services

    monkeypatch.setenv("MIN_EXPIRES_IN", "1")
    services.reset()
    service = services.session_service()
    session = service.create({"expires_in": 1})
    import time

    time.sleep(max(0.0, session.expires_at - time.time()) + 0.05)

    result = invoke("expire_sessions", load_event("expire_sessions"))

    assert result == {"examined": 1, "expired": 1, "finished": True}
    assert services.repository().get_session(session.id)["status"] == "expired"  # type: ignore[index]
