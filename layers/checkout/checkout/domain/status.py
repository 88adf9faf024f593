"""The state machines of DESIGN section 3, as pure data and functions.

Every status write in the repository is conditional on the *source* statuses returned here, so
a duplicate, late or out-of-order report can never move a status backwards.
"""

from __future__ import annotations

from enum import StrEnum


class SessionStatus(StrEnum):
    OPEN = "open"
    PROCESSING = "processing"
    COMPLETE = "complete"
    EXPIRED = "expired"


class OrderStatus(StrEnum):
    SCANNING_DEPOSIT_TRANSACTION = "scanning_deposit_transaction"
    WAITING_STRIPE_PAYMENT = "waiting_stripe_payment"
    SENDING_TOKEN_FROM_VAULT = "sending_token_from_vault"
    QUOTING_AFTER_DEPOSIT = "quoting_after_deposit"
    RELAY = "relay"
    EXECUTING = "executing"
    EXECUTED = "executed"
    EXPIRED = "expired"
    REFUNDING = "refunding"
    REFUNDED = "refunded"
    FAILURE = "failure"


# --- session ---------------------------------------------------------------------------------
SESSION_EDGES: dict[SessionStatus, frozenset[SessionStatus]] = {
    SessionStatus.OPEN: frozenset({SessionStatus.PROCESSING, SessionStatus.EXPIRED}),
    SessionStatus.PROCESSING: frozenset({SessionStatus.COMPLETE, SessionStatus.EXPIRED}),
    SessionStatus.COMPLETE: frozenset(),
    SessionStatus.EXPIRED: frozenset(),
}
FINAL_SESSION_STATUSES = frozenset({SessionStatus.COMPLETE, SessionStatus.EXPIRED})


def _ahead(source: SessionStatus, target: SessionStatus) -> bool:
    """True when `target` lies strictly ahead of `source` along the session's edges."""
    frontier = set(SESSION_EDGES[source])
    seen: set[SessionStatus] = set()
    while frontier:
        status = frontier.pop()
        if status == target:
            return True
        seen.add(status)
        frontier |= SESSION_EDGES[status] - seen
    return False


# An order can skip steps (deposit straight to `executed`), so a session that is still `open`
# may have to reach `complete` in one write; it passes through `processing` on the way.
_SESSION_SOURCES = {
    target: frozenset(source for source in SessionStatus if _ahead(source, target))
    for target in SessionStatus
}


def session_reachable(source: SessionStatus, target: SessionStatus) -> bool:
    return source in _SESSION_SOURCES[target]


def session_sources_for(target: SessionStatus) -> frozenset[SessionStatus]:
    """The statuses a session may be in for a write that moves it to `target`."""
    return _SESSION_SOURCES[target]


def session_status_for_order(order_status: OrderStatus) -> SessionStatus:
    """The one mapping from an order's status to its session's status (DESIGN 3)."""
    return _ORDER_TO_SESSION[order_status]


_ORDER_TO_SESSION: dict[OrderStatus, SessionStatus] = {
    OrderStatus.SCANNING_DEPOSIT_TRANSACTION: SessionStatus.OPEN,
    OrderStatus.WAITING_STRIPE_PAYMENT: SessionStatus.OPEN,
    OrderStatus.SENDING_TOKEN_FROM_VAULT: SessionStatus.PROCESSING,
    OrderStatus.QUOTING_AFTER_DEPOSIT: SessionStatus.PROCESSING,
    OrderStatus.RELAY: SessionStatus.PROCESSING,
    OrderStatus.EXECUTING: SessionStatus.PROCESSING,
    OrderStatus.EXECUTED: SessionStatus.COMPLETE,
    OrderStatus.EXPIRED: SessionStatus.EXPIRED,
    OrderStatus.FAILURE: SessionStatus.EXPIRED,
    OrderStatus.REFUNDING: SessionStatus.EXPIRED,
    OrderStatus.REFUNDED: SessionStatus.EXPIRED,
}


# --- order -----------------------------------------------------------------------------------
AWAITING_DEPOSIT = frozenset({OrderStatus.SCANNING_DEPOSIT_TRANSACTION, OrderStatus.WAITING_STRIPE_PAYMENT})
_PROGRESS = (
    OrderStatus.SENDING_TOKEN_FROM_VAULT,
    OrderStatus.QUOTING_AFTER_DEPOSIT,
    OrderStatus.RELAY,
    OrderStatus.EXECUTING,
    OrderStatus.EXECUTED,
)
_IN_FLIGHT = frozenset(_PROGRESS[:-1])  # deposit received, not yet executed
FINAL_ORDER_STATUSES = frozenset({OrderStatus.EXECUTED, OrderStatus.REFUNDED})
# Reaching one of these says the deposit arrived, whether or not its transaction was reported.
POST_DEPOSIT_STATUSES = frozenset(_PROGRESS)


def _order_sources(target: OrderStatus) -> frozenset[OrderStatus]:
    if target in AWAITING_DEPOSIT:
        return frozenset()  # an order is born awaiting; nothing moves back there
    if target in _PROGRESS:
        return AWAITING_DEPOSIT | frozenset(_PROGRESS[: _PROGRESS.index(target)])
    if target == OrderStatus.EXPIRED:
        return AWAITING_DEPOSIT
    if target == OrderStatus.FAILURE:
        # Any non-final status: a refund can fail too (and then be retried from `failure`).
        return AWAITING_DEPOSIT | _IN_FLIGHT | frozenset({OrderStatus.REFUNDING})
    if target == OrderStatus.REFUNDING:
        # Any status after a deposit; `failure` and `expired` only with a deposit received (see
        # `order_sources_after_deposit`): no deposit, nothing to refund.
        return _IN_FLIGHT
    if target == OrderStatus.REFUNDED:
        return frozenset({OrderStatus.REFUNDING})
    raise AssertionError(f"unhandled order status {target}")


_ORDER_SOURCES = {target: _order_sources(target) for target in OrderStatus}
# A failed payment (`failure`) or a late deposit on an `expired` order is refunded: only once the
# order knows a deposit was received (DESIGN 3). The write states it as a condition on the order.
_ORDER_SOURCES_AFTER_DEPOSIT = {
    target: frozenset({OrderStatus.FAILURE, OrderStatus.EXPIRED})
    if target == OrderStatus.REFUNDING
    else frozenset()
    for target in OrderStatus
}


def order_sources_for(target: OrderStatus) -> frozenset[OrderStatus]:
    """The statuses an order may be in for a write that moves it to `target`, whatever it received."""
    return _ORDER_SOURCES[target]


def order_sources_after_deposit(target: OrderStatus) -> frozenset[OrderStatus]:
    """Further statuses it may leave for `target`, but only if a deposit was received."""
    return _ORDER_SOURCES_AFTER_DEPOSIT[target]


def order_transition_allowed(source: OrderStatus, target: OrderStatus, *, deposit_received: bool) -> bool:
    return source in _ORDER_SOURCES[target] or (
        deposit_received and source in _ORDER_SOURCES_AFTER_DEPOSIT[target]
    )


# --- why a session expired, and the platform surface's view of a status ---------------------------
class ExpiryCause(StrEnum):
    CLOCK = "clock"  # its deadline passed while it was open
    MERCHANT = "merchant"  # the merchant expired it
    DEPOSIT_MISSED = "deposit_missed"  # its order's deposit window closed
    PAYMENT_FAILED = "payment_failed"  # its order failed or was refunded after the money arrived


class PlatformStatus(StrEnum):
    """`CheckoutSession.status` of the platform surface (DESIGN 10)."""

    OPEN = "open"
    PROCESSING = "processing"
    COMPLETED = "completed"
    EXPIRED = "expired"
    FAILED = "failed"


def expiry_cause_for_order(order_status: OrderStatus) -> ExpiryCause | None:
    """Why an order's status expires its session (None when it does not)."""
    if order_status == OrderStatus.EXPIRED:
        return ExpiryCause.DEPOSIT_MISSED
    if session_status_for_order(order_status) == SessionStatus.EXPIRED:
        return ExpiryCause.PAYMENT_FAILED
    return None


def platform_status(status: SessionStatus, cause: ExpiryCause | None) -> PlatformStatus:
    if status == SessionStatus.EXPIRED:
        return PlatformStatus.FAILED if cause == ExpiryCause.PAYMENT_FAILED else PlatformStatus.EXPIRED
    return {
        SessionStatus.OPEN: PlatformStatus.OPEN,
        SessionStatus.PROCESSING: PlatformStatus.PROCESSING,
        SessionStatus.COMPLETE: PlatformStatus.COMPLETED,
    }[status]
