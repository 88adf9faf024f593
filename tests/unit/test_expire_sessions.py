"""The scheduled expiry job: due sessions only, one conditional expiry each, orders awaiting their
deposit expired with their session, paging, and stopping before the timeout."""

from __future__ import annotations

from typing import Any

import pytest

from checkout.domain.expiry import ExpiryRun, expire_due_sessions
from checkout.domain.order_lookup import OrderLookup
from checkout.domain.ports import ExpiryReason, ExpiryTarget, LostRace
from checkout.domain.sessions import SessionService
from checkout.domain.status import OrderStatus
from tests.builders import a_session, load_event
from tests.fakes import InMemoryRepository
from tests.support import invoke
from tests.unit.conftest import BUYER, Clock, Shop

PLENTY_OF_TIME = lambda: 60_000  # noqa: E731 - a remaining-time callback


def run_job(sessions: SessionService, store: InMemoryRepository, clock: Clock, **kwargs: Any) -> ExpiryRun:
    return expire_due_sessions(sessions, store, clock.now, kwargs.pop("time", PLENTY_OF_TIME), **kwargs)


def test_due_sessions_are_expired(
    shop: Shop, sessions: SessionService, store: InMemoryRepository, clock: Clock
) -> None:
    due = shop.session(expires_in=300)
    clock.now += 300 * 1000

    run = run_job(sessions, store, clock)

    assert (run.examined, run.expired, run.finished) == (1, 1, True)
    assert store.sessions[due.id].status == "expired"
    assert "get_session" not in store.calls  # the index says enough: no read before the write


def test_sessions_not_yet_due_are_untouched(
    shop: Shop, sessions: SessionService, store: InMemoryRepository, clock: Clock
) -> None:
    later = shop.session(expires_in=600)
    clock.now += 300 * 1000

    run = run_job(sessions, store, clock)

    assert run.examined == 0
    assert store.sessions[later.id].status == "open"


def test_an_awaiting_order_is_expired_with_its_session(
    shop: Shop, sessions: SessionService, order_lookup: OrderLookup, store: InMemoryRepository, clock: Clock
) -> None:
    session, order = shop.session_with_order(expires_in=300)
    clock.now += 300 * 1000

    assert run_job(sessions, store, clock).expired == 1

    assert store.sessions[session.id].status == "expired"
    assert order_lookup.get(order.id, BUYER).order.status == "expired"


def test_a_processing_session_past_its_deadline_stays_processing(
    shop: Shop, sessions: SessionService, store: InMemoryRepository, clock: Clock
) -> None:
    session, order = shop.session_with_order(expires_in=300)
    shop.report(order.id, OrderStatus.RELAY)
    sessions.get(session.id, BUYER)  # the sync moves it to processing (and out of the index)
    clock.now += 3600 * 1000

    run = run_job(sessions, store, clock)

    assert run.examined == 0
    assert store.sessions[session.id].status == "processing"


def test_a_payment_that_arrived_before_the_sync_wins_over_the_clock(
    shop: Shop, sessions: SessionService, order_lookup: OrderLookup, store: InMemoryRepository, clock: Clock
) -> None:
    session, order = shop.session_with_order(expires_in=300)
    shop.report(order.id, OrderStatus.SENDING_TOKEN_FROM_VAULT)
    clock.now += 300 * 1000

    run = run_job(sessions, store, clock)

    assert (run.examined, run.expired) == (1, 0)
    assert store.sessions[session.id].status == "open"  # the stream will make it processing
    assert order_lookup.get(order.id, BUYER).order.status == "sending_token_from_vault"


def test_a_deposit_reported_while_the_order_still_scans_wins_over_the_clock(
    shop: Shop, sessions: SessionService, order_lookup: OrderLookup, store: InMemoryRepository, clock: Clock
) -> None:
    session, order = shop.session_with_order(expires_in=300)
    shop.report(order.id, OrderStatus.SCANNING_DEPOSIT_TRANSACTION, kind="deposit")
    clock.now += 300 * 1000

    run = run_job(sessions, store, clock)

    assert (run.examined, run.expired) == (1, 0)
    assert store.sessions[session.id].status == "open"
    assert order_lookup.get(order.id, BUYER).order.status == "scanning_deposit_transaction"


def test_a_session_linked_after_the_query_is_not_expired_blindly(
    shop: Shop, sessions: SessionService, order_lookup: OrderLookup, store: InMemoryRepository, clock: Clock
) -> None:
    """The index said "no order"; an order linked since. The condition on the order catches it."""
    session = shop.session(expires_in=300)
    order = shop.order(checkoutSessionId=session.id)
    clock.now += 300 * 1000

    stale_view_of_the_index = ExpiryTarget(session.id, session.expires_at, None)  # read before the link
    assert isinstance(sessions.try_expire(stale_view_of_the_index, ExpiryReason.CLOCK), LostRace)
    assert run_job(sessions, store, clock).expired == 1  # the next run sees the order
    assert order_lookup.get(order.id, BUYER).order.status == "expired"


def test_pages_through_every_due_session(
    shop: Shop, sessions: SessionService, store: InMemoryRepository, clock: Clock
) -> None:
    created = [shop.session(expires_in=300).id for _ in range(23)]
    clock.now += 300 * 1000

    run = run_job(sessions, store, clock, page_size=5)

    assert (run.expired, run.finished) == (23, True)
    assert {store.sessions[session_id].status for session_id in created} == {"expired"}


def test_stops_cleanly_when_time_runs_low_and_the_next_run_carries_on(
    shop: Shop, sessions: SessionService, store: InMemoryRepository, clock: Clock
) -> None:
    created = [shop.session(expires_in=300).id for _ in range(12)]
    clock.now += 300 * 1000
    budget = iter([60_000, 60_000, 1_000])

    first = run_job(sessions, store, clock, page_size=3, time=lambda: next(budget, 1_000))
    second = run_job(sessions, store, clock, page_size=3)

    assert first.finished is False
    assert 0 < first.expired < 12
    assert second.finished is True
    assert first.expired + second.expired == 12
    assert {store.sessions[session_id].status for session_id in created} == {"expired"}


@pytest.mark.usefixtures("function_env")
def test_the_handler_runs_the_job_with_its_event_file(store: InMemoryRepository) -> None:
    overdue = a_session(id="d2b7c1a4-3e5f-4a6b-8c7d-9e0f1a2b3c4d", expires_at=1_000_000_000)
    store.put_session(overdue)

    result = invoke("expire_sessions", load_event("expire_sessions"))

    assert result == {"examined": 1, "expired": 1, "finished": True}
    assert store.sessions[overdue.id].status == "expired"
