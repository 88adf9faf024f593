"""Payment progress reported by the watcher (DESIGN 5), applied to the order under its state
machine; the event record and the order update are one write, so a replay changes nothing.

The signature is checked in `web/` before the body is even parsed; this service takes the parsed event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from checkout.domain.clock import now_ms as system_now_ms
from checkout.domain.errors import IllegalOrderTransition, OrderNotFound
from checkout.domain.ports import Duplicate, Illegal, Missing, OrderProgress, Recorded, Repository
from checkout.domain.records import OrderRecord, Transaction
from checkout.domain.status import OrderStatus, order_sources_for
from checkout.requests.order_events import OrderEventRequest

DEFAULT_FAILURE = {"code": "payment_failed", "message": "The payment failed"}


@dataclass(frozen=True)
class EventOutcome:
    order: OrderRecord
    duplicate: bool


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
            case Illegal(current_status=current):
                raise IllegalOrderTransition(
                    f"Order is {current}; it cannot move to {event.status}", param="status"
                )
            case Missing():
                raise _order_not_found(event.order_id)

    def _progress(self, event: OrderEventRequest) -> OrderProgress:
        now = self.clock()
        tx = event.transaction
        return OrderProgress(
            event_id=event.id,
            order_id=event.order_id,
            status=event.status,
            # Reporting the status an order already has (another deposit, a second relay) is not
            # a transition: it only records the transaction.
            allowed_from=order_sources_for(event.status) | {event.status},
            transaction=None
            if tx is None
            else Transaction(chain_id=tx.chain_id, tx_hash=tx.tx_hash, created_at=now),
            transaction_kind=None if tx is None else tx.kind,
            error_details=(event.error_details or DEFAULT_FAILURE)
            if event.status == OrderStatus.FAILURE
            else None,
            received_at=now,
        )

    def _order(self, order_id: str) -> OrderRecord:
        order = self.repository.get_order(order_id)
        if order is None:
            raise _order_not_found(order_id)
        return order


def _order_not_found(order_id: str) -> OrderNotFound:
    return OrderNotFound(f"No order found with id {order_id!r}", param="orderId")
