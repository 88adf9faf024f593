"""Payment progress reported by the watcher (DESIGN 5): verified, deduplicated, and applied to
the order under its state machine, the event record and the order update in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from checkout import lifecycle, signatures
from checkout.clock import now_ms as system_now_ms
from checkout.config import Settings
from checkout.errors import IllegalOrderTransition, OrderNotFound
from checkout.models.event import TX_LISTS, OrderEventRequest
from checkout.models.order import OrderRecord
from checkout.models.parsing import parse_model
from checkout.repository import Repository, StatusChange, TransactionConflict
from checkout.retry import retry_on_contention
from checkout.status import OrderStatus, order_sources_for

DEFAULT_FAILURE = {"code": "payment_failed", "message": "The payment failed"}


@dataclass(frozen=True)
class EventOutcome:
    order: OrderRecord
    duplicate: bool


class OrderEventService:
    def __init__(
        self,
        repository: Repository,
        settings: Settings,
        secrets: Callable[[], Iterable[str]],
        clock: Callable[[], int] = system_now_ms,
    ) -> None:
        self.repository = repository
        self.settings = settings
        self.secrets = secrets
        self.clock = clock

    def record(
        self, signature_header: str | None, raw_body: bytes, body: Callable[[], Mapping[str, Any]]
    ) -> EventOutcome:
        """Verifies the signature over the raw body before anything is parsed, then applies it."""
        signatures.verify(
            signature_header,
            raw_body,
            self.secrets(),
            self.clock() // 1000,
            self.settings.signature_tolerance_seconds,
        )
        event = parse_model(OrderEventRequest, body(), {"settings": self.settings})
        return retry_on_contention(lambda: self._apply(event))

    def _apply(self, event: OrderEventRequest) -> EventOutcome:
        now = self.clock()
        try:
            self.repository.record_event(self._event_item(event, now), self._order_change(event, now))
        except TransactionConflict as conflict:
            if conflict.failed[0]:
                return EventOutcome(self._order(event.orderId), duplicate=True)  # seen before: no change
            current = conflict.current[1]
            if current is None:
                raise OrderNotFound(f"No order found with id {event.orderId!r}", param="orderId") from None
            raise IllegalOrderTransition(
                f"Order is {current['status']}; it cannot move to {event.status}", param="status"
            ) from None
        return EventOutcome(self._order(event.orderId), duplicate=False)

    def _order(self, order_id: str) -> OrderRecord:
        item = self.repository.get_order(order_id)
        if item is None:
            raise OrderNotFound(f"No order found with id {order_id!r}", param="orderId")
        return OrderRecord.from_item(item)

    def _event_item(self, event: OrderEventRequest, now: int) -> dict[str, Any]:
        return {
            "id": event.id,
            "order_id": event.orderId,
            "status": event.status,
            "received_at": now,
            "purge_at": lifecycle.purge_at(now, 0, self.settings),
        }

    def _order_change(self, event: OrderEventRequest, now: int) -> StatusChange:
        extra: dict[str, object] = {}
        if_absent: dict[str, object] = {}
        lists: dict[str, list[object]] = {}
        if event.transaction is not None:
            tx = {"chainId": event.transaction.chainId, "txHash": event.transaction.txHash, "createdAt": now}
            attribute = TX_LISTS[event.transaction.kind]
            if attribute == "execute_tx":
                extra[attribute] = tx
            else:
                lists[attribute] = [tx]
        if event.status == OrderStatus.EXECUTED:
            if_absent["filled_at"] = now
        if event.status == OrderStatus.FAILURE:
            extra["error_details"] = event.errorDetails or DEFAULT_FAILURE
        # Reporting the status an order already has (another deposit, a second relay) is not a
        # transition: it only records the transaction.
        sources = order_sources_for(event.status) | {event.status}
        return lifecycle.order_change(
            event.orderId,
            now,
            event.status,
            now,
            self.settings,
            sources=sources,
            extra_fields=extra,
            set_if_absent=if_absent,
            append_to_lists=lists,
        )
