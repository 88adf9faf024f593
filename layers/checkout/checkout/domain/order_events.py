"""Payment progress reported by the watcher (DESIGN 5), applied to the order under its state
machine; the event record, the order update and the transaction are one write, so a replay changes
nothing and the same id with another body is refused.

The signature is checked in `web/` before the body is even parsed; this service takes the parsed event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from checkout.domain.clock import now_ms as system_now_ms
from checkout.domain.errors import EventIdReused, IllegalOrderTransition, OrderNotFound
from checkout.domain.json_text import canonical
from checkout.domain.ports import Duplicate, Illegal, Missing, OrderProgress, Recorded, Repository, Reused
from checkout.domain.records import OrderDetails, Transaction
from checkout.domain.status import (
    POST_DEPOSIT_STATUSES,
    OrderStatus,
    order_sources_after_deposit,
    order_sources_for,
)
from checkout.requests.order_events import OrderEventRequest

DEFAULT_FAILURE = "The payment failed"


@dataclass(frozen=True)
class EventOutcome:
    order: OrderDetails
    duplicate: bool


def event_fingerprint(event: OrderEventRequest) -> str:
    """SHA-256 of the event's canonical body: the same event sent again, however its JSON is laid
    out, has the same fingerprint; any change of order, status, transaction or details has another."""
    body = event.model_dump(by_alias=True, exclude_none=True)
    return hashlib.sha256(canonical(body).encode()).hexdigest()


class OrderEventService:
    def __init__(self, repository: Repository, clock: Callable[[], int] = system_now_ms) -> None:
        self.repository = repository
        self.clock = clock

    def record(self, event: OrderEventRequest) -> EventOutcome:
        match self.repository.record_order_event(self._progress(event)):
            case Recorded():
                return EventOutcome(self._order(event.order_id), duplicate=False)
            case Duplicate():
                return EventOutcome(self._order(event.order_id), duplicate=True)
            case Reused():
                raise EventIdReused(
                    f"Event id {event.id!r} was already recorded with a different body", param="id"
                )
            case Illegal(current_status=current, deposit_received=deposit_received):
                refund_without_deposit = event.status == OrderStatus.REFUNDING and not deposit_received
                why = " and received no deposit" if refund_without_deposit else ""
                raise IllegalOrderTransition(
                    f"Order is {current}{why}; it cannot move to {event.status}", param="status"
                )
            case Missing():
                raise _order_not_found(event.order_id)

    def _progress(self, event: OrderEventRequest) -> OrderProgress:
        now = self.clock()
        tx = event.transaction
        transaction = (
            None
            if tx is None
            else Transaction(
                order_id=event.order_id,
                kind=tx.kind,
                chain_id=tx.chain_id,
                tx_hash=tx.tx_hash,
                amount=tx.amount,
                from_address=tx.from_address,
                status=tx.status,
                created_at=now,
            )
        )
        reports_deposit = event.status in POST_DEPOSIT_STATUSES or (
            transaction is not None and transaction.is_received_deposit
        )
        # Reporting the status an order already has (another deposit, a second relay) is not a
        # transition: it only records the transaction.
        allowed_from = order_sources_for(event.status) | {event.status}
        after_deposit = order_sources_after_deposit(event.status)
        return OrderProgress(
            event_id=event.id,
            fingerprint=event_fingerprint(event),
            order_id=event.order_id,
            status=event.status,
            # An event that itself reports the deposit needs no earlier one.
            allowed_from=allowed_from | after_deposit if reports_deposit else allowed_from,
            allowed_from_after_deposit=frozenset() if reports_deposit else after_deposit - allowed_from,
            transaction=transaction,
            reports_deposit=reports_deposit,
            error_details=(event.error_details or DEFAULT_FAILURE)
            if event.status == OrderStatus.FAILURE
            else None,
            received_at=now,
        )

    def _order(self, order_id: str) -> OrderDetails:
        order = self.repository.get_order_details(order_id)
        if order is None:
            raise _order_not_found(order_id)
        return order


def _order_not_found(order_id: str) -> OrderNotFound:
    return OrderNotFound(f"No order found with id {order_id!r}", param="orderId")
