"""The state machines and the order → session mapping of DESIGN 3, as pure functions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkout.domain.status import (
    AWAITING_DEPOSIT,
    OrderStatus,
    SessionStatus,
    order_sources_for,
    order_transition_allowed,
    session_reachable,
    session_sources_for,
    session_status_for_order,
)

Order = OrderStatus
Session = SessionStatus


@pytest.mark.parametrize(
    ("order", "session"),
    [
        (Order.SCANNING_DEPOSIT_TRANSACTION, Session.OPEN),
        (Order.WAITING_STRIPE_PAYMENT, Session.OPEN),
        (Order.SENDING_TOKEN_FROM_VAULT, Session.PROCESSING),
        (Order.QUOTING_AFTER_DEPOSIT, Session.PROCESSING),
        (Order.RELAY, Session.PROCESSING),
        (Order.EXECUTING, Session.PROCESSING),
        (Order.EXECUTED, Session.COMPLETE),
        (Order.EXPIRED, Session.EXPIRED),
        (Order.FAILURE, Session.EXPIRED),
        (Order.REFUNDING, Session.EXPIRED),
        (Order.REFUNDED, Session.EXPIRED),
    ],
)
def test_order_status_maps_to_session_status(order: OrderStatus, session: SessionStatus) -> None:
    assert session_status_for_order(order) == session


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (Session.OPEN, Session.PROCESSING),
        (Session.OPEN, Session.EXPIRED),
        (Session.PROCESSING, Session.COMPLETE),
        (Session.PROCESSING, Session.EXPIRED),
        (Session.OPEN, Session.COMPLETE),
    ],
)
def test_session_moves_forward(source: SessionStatus, target: SessionStatus) -> None:
    assert session_reachable(source, target)


@pytest.mark.parametrize("final", [Session.COMPLETE, Session.EXPIRED])
def test_final_session_statuses_never_move(final: SessionStatus) -> None:
    assert not any(session_reachable(final, target) for target in SessionStatus)


def test_a_session_never_returns_to_open_or_stays_put() -> None:
    assert session_sources_for(Session.OPEN) == frozenset()
    assert all(not session_reachable(status, status) for status in SessionStatus)


def test_order_statuses_after_deposit_never_return_to_awaiting() -> None:
    for awaiting in AWAITING_DEPOSIT:
        assert order_sources_for(awaiting) == frozenset()


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        (Order.SCANNING_DEPOSIT_TRANSACTION, Order.SENDING_TOKEN_FROM_VAULT, True),
        (Order.SCANNING_DEPOSIT_TRANSACTION, Order.EXECUTED, True),  # steps may be skipped
        (Order.RELAY, Order.EXECUTING, True),
        (Order.EXECUTING, Order.RELAY, False),  # never backwards
        (Order.SCANNING_DEPOSIT_TRANSACTION, Order.EXPIRED, True),
        (Order.RELAY, Order.EXPIRED, False),  # only an order awaiting deposit expires
        (Order.EXECUTING, Order.FAILURE, True),
        (Order.EXECUTED, Order.FAILURE, False),
        (Order.REFUNDING, Order.FAILURE, True),  # failure from any non-final status
        (Order.REFUNDED, Order.FAILURE, False),
        (Order.EXPIRED, Order.FAILURE, False),
        (Order.FAILURE, Order.REFUNDING, True),
        (Order.EXPIRED, Order.REFUNDING, True),  # a late deposit must be returned
        (Order.RELAY, Order.REFUNDING, True),
        (Order.EXECUTED, Order.REFUNDING, False),
        (Order.REFUNDING, Order.REFUNDED, True),
        (Order.FAILURE, Order.REFUNDED, False),
        (Order.REFUNDED, Order.REFUNDING, False),
        (Order.EXPIRED, Order.SENDING_TOKEN_FROM_VAULT, False),
    ],
)
def test_order_transitions_once_a_deposit_arrived(
    source: OrderStatus, target: OrderStatus, allowed: bool
) -> None:
    assert order_transition_allowed(source, target, deposit_received=True) is allowed


@pytest.mark.parametrize("source", [Order.FAILURE, Order.EXPIRED])
def test_no_refund_without_a_deposit(source: OrderStatus) -> None:
    assert not order_transition_allowed(source, Order.REFUNDING, deposit_received=False)


def _apply_session(status: SessionStatus, target: SessionStatus) -> SessionStatus:
    """What the conditional write does: move only from an allowed source."""
    return target if status in session_sources_for(target) else status


_RANK = {Session.OPEN: 0, Session.PROCESSING: 1, Session.COMPLETE: 2, Session.EXPIRED: 2}


@given(st.lists(st.sampled_from(list(OrderStatus)), max_size=30))
def test_any_sequence_of_order_reports_only_moves_a_session_forward(reports: list[OrderStatus]) -> None:
    status = Session.OPEN
    for report in reports:
        after = _apply_session(status, session_status_for_order(report))
        assert _RANK[after] >= _RANK[status]
        if status in (Session.COMPLETE, Session.EXPIRED):
            assert after == status
        status = after


@given(
    st.permutations(
        [
            Order.SENDING_TOKEN_FROM_VAULT,
            Order.QUOTING_AFTER_DEPOSIT,
            Order.RELAY,
            Order.EXECUTING,
            Order.EXECUTED,
        ]
    )
)
def test_a_successful_payment_completes_the_session_in_any_delivery_order(reports: list[OrderStatus]) -> None:
    status = Session.OPEN
    for report in reports:
        status = _apply_session(status, session_status_for_order(report))
    assert status == Session.COMPLETE


@given(st.lists(st.sampled_from(list(OrderStatus)), max_size=30))
def test_an_order_never_leaves_a_final_status(reports: list[OrderStatus]) -> None:
    status = Order.SCANNING_DEPOSIT_TRANSACTION
    for report in reports:
        before = status
        if order_transition_allowed(status, report, deposit_received=True):
            status = report
        if before in (Order.EXECUTED, Order.REFUNDED):
            assert status == before
