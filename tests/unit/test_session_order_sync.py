"""A session follows its order: on GET (synced and stored), and when it is expired."""

from __future__ import annotations

from typing import Any

import pytest

from checkout.domain.errors import PaymentInProgress
from checkout.domain.order_lookup import OrderLookup
from checkout.domain.sessions import SessionService
from checkout.domain.status import OrderStatus
from tests.builders import MERCHANT
from tests.fakes import InMemoryRepository
from tests.unit.conftest import BUYER, Shop


@pytest.mark.parametrize(
    ("order_status", "session_status"),
    [
        (OrderStatus.SCANNING_DEPOSIT_TRANSACTION, "open"),
        (OrderStatus.SENDING_TOKEN_FROM_VAULT, "processing"),
        (OrderStatus.EXECUTING, "processing"),
        (OrderStatus.EXECUTED, "complete"),
        (OrderStatus.EXPIRED, "expired"),
        (OrderStatus.FAILURE, "expired"),
    ],
)
def test_get_syncs_the_session_from_its_order_and_stores_it(
    shop: Shop,
    sessions: SessionService,
    store: InMemoryRepository,
    order_status: OrderStatus,
    session_status: str,
) -> None:
    session, order = shop.session_with_order()
    if order_status != OrderStatus.SCANNING_DEPOSIT_TRANSACTION:
        shop.report(order.id, order_status)

    record, _ = sessions.get(session.id, BUYER)

    assert record.status == session_status
    assert store.sessions[session.id].status == session_status


def test_a_completed_session_has_completed_at_and_is_stored_so(
    shop: Shop,
    sessions: SessionService,
    clock: Any,
    store: InMemoryRepository,
) -> None:
    session, order = shop.session_with_order()
    shop.report(order.id, OrderStatus.EXECUTED)
    clock.now += 5000

    record, _ = sessions.get(session.id, BUYER)

    assert record.completed_at == clock.now
    assert store.sessions[session.id] == record


def test_a_processing_session_is_never_expired_by_the_clock(
    shop: Shop,
    sessions: SessionService,
    clock: Any,
) -> None:
    session, order = shop.session_with_order(expires_in=300)
    shop.report(order.id, OrderStatus.SENDING_TOKEN_FROM_VAULT)
    clock.now += 3600 * 1000

    record, _ = sessions.get(session.id, BUYER)

    assert record.status == "processing"


def test_expiring_a_session_expires_its_awaiting_order_in_the_same_transaction(
    shop: Shop,
    sessions: SessionService,
    order_lookup: OrderLookup,
) -> None:
    session, order = shop.session_with_order()

    expired = sessions.expire(session.id, MERCHANT)

    assert expired.status == "expired"
    assert order_lookup.get(order.id, BUYER).order.status == "expired"


def test_a_session_whose_deadline_passed_expires_its_awaiting_order_on_get(
    shop: Shop,
    sessions: SessionService,
    clock: Any,
) -> None:
    session, _ = shop.session_with_order(expires_in=300)
    clock.now += 300 * 1000

    record, linked = sessions.get(session.id, BUYER)

    assert record.status == "expired"
    assert linked is not None
    assert linked.order.status == "expired"


def test_expire_is_refused_once_the_payment_arrived_even_before_the_sync(
    shop: Shop,
    sessions: SessionService,
    order_lookup: OrderLookup,
    store: InMemoryRepository,
) -> None:
    session, order = shop.session_with_order()
    shop.report(order.id, OrderStatus.SENDING_TOKEN_FROM_VAULT)

    with pytest.raises(PaymentInProgress):
        sessions.expire(session.id, MERCHANT)

    assert store.sessions[session.id].status == "open"
    assert order_lookup.get(order.id, BUYER).order.status == "sending_token_from_vault"


def test_expire_is_refused_once_a_deposit_is_reported_while_the_order_still_scans(
    shop: Shop,
    sessions: SessionService,
    order_lookup: OrderLookup,
    store: InMemoryRepository,
) -> None:
    session, order = shop.session_with_order()
    shop.report(order.id, OrderStatus.SCANNING_DEPOSIT_TRANSACTION, kind="deposit")

    with pytest.raises(PaymentInProgress):
        sessions.expire(session.id, MERCHANT)

    assert store.sessions[session.id].status == "open"
    assert order_lookup.get(order.id, BUYER).order.status == "scanning_deposit_transaction"


def test_expire_after_the_deadline_with_the_payment_received_says_so(
    shop: Shop,
    sessions: SessionService,
    order_lookup: OrderLookup,
    clock: Any,
) -> None:
    session, order = shop.session_with_order(expires_in=300)
    shop.report(order.id, OrderStatus.SENDING_TOKEN_FROM_VAULT)
    clock.now += 301 * 1000

    with pytest.raises(PaymentInProgress):
        sessions.expire(session.id, MERCHANT)
    assert order_lookup.get(order.id, BUYER).order.status == "sending_token_from_vault"
