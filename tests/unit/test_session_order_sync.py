"""A session follows its order: on GET (synced and stored), and when it is expired."""

from __future__ import annotations

from typing import Any

import pytest

from checkout import lifecycle
from checkout.config import Settings
from checkout.errors import PaymentInProgress
from checkout.orders import OrderService
from checkout.repository import Repository
from checkout.sessions import SessionService
from checkout.status import OrderStatus
from tests.unit.conftest import TABLE_NAME
from tests.unit.test_create_order import order_body


def set_order_status(
    repository: Repository, settings: Settings, order_id: str, status: OrderStatus, now: int
) -> None:
    repository.change_status(lifecycle.order_change(order_id, now, status, now, settings))


def session_item(dynamodb: Any, session_id: str) -> dict[str, Any]:
    item: dict[str, Any] = dynamodb.get_item(
        TableName=TABLE_NAME, Key={"pk": {"S": f"SESSION#{session_id}"}, "sk": {"S": "SESSION"}}
    )["Item"]
    return item


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
    sessions: SessionService,
    orders: OrderService,
    repository: Repository,
    settings: Settings,
    clock: Any,
    dynamodb: Any,
    order_status: OrderStatus,
    session_status: str,
) -> None:
    session = sessions.create({})
    order = orders.create(order_body(checkoutSessionId=session.id))
    if order_status != OrderStatus.SCANNING_DEPOSIT_TRANSACTION:
        set_order_status(repository, settings, order.id, order_status, clock.now)

    record, _ = sessions.get(session.id)

    assert record.status == session_status
    assert session_item(dynamodb, session.id)["status"] == {"S": session_status}


def test_a_completed_session_has_completed_at_and_leaves_the_expiry_index(
    sessions: SessionService,
    orders: OrderService,
    repository: Repository,
    settings: Settings,
    clock: Any,
    dynamodb: Any,
) -> None:
    session = sessions.create({})
    order = orders.create(order_body(checkoutSessionId=session.id))
    set_order_status(repository, settings, order.id, OrderStatus.EXECUTED, clock.now)
    clock.now += 5000

    record, _ = sessions.get(session.id)

    assert record.completed_at == clock.now
    item = session_item(dynamodb, session.id)
    assert "open_shard" not in item
    assert int(item["purge_at"]["N"]) == session.expires_at + 30 * 86400


def test_a_processing_session_is_never_expired_by_the_clock(
    sessions: SessionService, orders: OrderService, repository: Repository, settings: Settings, clock: Any
) -> None:
    session = sessions.create({"expires_in": 300})
    order = orders.create(order_body(checkoutSessionId=session.id))
    set_order_status(repository, settings, order.id, OrderStatus.SENDING_TOKEN_FROM_VAULT, clock.now)
    clock.now += 3600 * 1000

    record, _ = sessions.get(session.id)

    assert record.status == "processing"


def test_a_processing_session_carries_no_purge_time(
    sessions: SessionService,
    orders: OrderService,
    repository: Repository,
    settings: Settings,
    clock: Any,
    dynamodb: Any,
) -> None:
    session = sessions.create({})
    order = orders.create(order_body(checkoutSessionId=session.id))
    set_order_status(repository, settings, order.id, OrderStatus.RELAY, clock.now)

    sessions.get(session.id)

    assert "purge_at" not in session_item(dynamodb, session.id)


def test_expiring_a_session_expires_its_awaiting_order_in_the_same_transaction(
    sessions: SessionService, orders: OrderService
) -> None:
    session = sessions.create({})
    order = orders.create(order_body(checkoutSessionId=session.id))

    expired = sessions.expire(session.id)

    assert expired.status == "expired"
    assert orders.get(order.id).status == "expired"


def test_a_session_whose_deadline_passed_expires_its_awaiting_order_on_get(
    sessions: SessionService, orders: OrderService, clock: Any
) -> None:
    session = sessions.create({"expires_in": 300})
    orders.create(order_body(checkoutSessionId=session.id))
    clock.now += 300 * 1000

    record, linked = sessions.get(session.id)

    assert record.status == "expired"
    assert linked is not None
    assert linked.status == "expired"


def test_expire_is_refused_once_the_payment_arrived_even_before_the_sync(
    sessions: SessionService, orders: OrderService, repository: Repository, settings: Settings, clock: Any
) -> None:
    session = sessions.create({})
    order = orders.create(order_body(checkoutSessionId=session.id))
    set_order_status(repository, settings, order.id, OrderStatus.SENDING_TOKEN_FROM_VAULT, clock.now)

    with pytest.raises(PaymentInProgress):
        sessions.expire(session.id)

    assert repository.get_session(session.id)["status"] == "open"  # type: ignore[index]
    assert orders.get(order.id).status == "sending_token_from_vault"


def test_expire_after_the_deadline_with_the_payment_received_says_so(
    sessions: SessionService, orders: OrderService, repository: Repository, settings: Settings, clock: Any
) -> None:
    session = sessions.create({"expires_in": 300})
    order = orders.create(order_body(checkoutSessionId=session.id))
    set_order_status(repository, settings, order.id, OrderStatus.SENDING_TOKEN_FROM_VAULT, clock.now)
    clock.now += 301 * 1000

    with pytest.raises(PaymentInProgress):
        sessions.expire(session.id)
    assert orders.get(order.id).status == "sending_token_from_vault"
