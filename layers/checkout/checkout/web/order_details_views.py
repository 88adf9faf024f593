"""The order with its transactions (`GET /orders/{id}`, a session's `order` with `include=order`,
the answer to an order event), in the published SDK's shapes (DESIGN 13). Apart from the bare order
(`order_views`), which is all `create_order` answers with."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from checkout.domain.records import OrderDetails, SessionRecord, Transaction
from checkout.web.order_views import CamelView, OrderView
from checkout.web.session_views import SessionView, session_view


class TransactionView(CamelView):
    """The SDK's transaction shape, one for every kind: `{orderId, chain, txHash, amount, from,
    status, createdAt}`, with null for what the watcher did not report."""

    order_id: str
    chain: int
    tx_hash: str
    amount: str | None
    from_address: str | None = Field(serialization_alias="from")
    status: str | None
    created_at: int

    @classmethod
    def of(cls, tx: Transaction) -> TransactionView:
        return cls(
            order_id=tx.order_id,
            chain=tx.chain_id,
            tx_hash=tx.tx_hash,
            amount=tx.amount,
            from_address=tx.from_address,
            status=tx.status,
            created_at=tx.created_at,
        )


class OrderDetailsView(CamelView):
    """`GET /orders/{id}` data, also embedded as a session's `order` with `include=order`, and the
    answer to an order event."""

    order: OrderView
    deposit_txs: list[TransactionView]
    relay_txs: list[TransactionView]
    execute_tx: TransactionView | None
    refund_txs: list[TransactionView]
    points: None = None  # the SDK reads it; this service awards none

    @classmethod
    def of(cls, details: OrderDetails) -> OrderDetailsView:
        execute = details.latest("execute")
        return cls(
            order=OrderView.model_validate(details.order),
            deposit_txs=[TransactionView.of(tx) for tx in details.of_kind("deposit")],
            relay_txs=[TransactionView.of(tx) for tx in details.of_kind("relay")],
            execute_tx=None if execute is None else TransactionView.of(execute),
            refund_txs=[TransactionView.of(tx) for tx in details.of_kind("refund")],
        )


class SessionWithOrderView(SessionView):
    """A session read with `?include=order`: its order with the transactions, null until one is linked.
    (`session_with_order_view` builds it; this names its shape, for the OpenAPI document.)"""

    order: OrderDetailsView | None = None


def session_with_order_view(session: SessionRecord, order: OrderDetails | None) -> dict[str, Any]:
    """A session read with `?include=order`."""
    view = session_view(session)
    view["order"] = None if order is None else order_details_view(order)
    return view


def order_details_view(order: OrderDetails) -> dict[str, Any]:
    return OrderDetailsView.of(order).model_dump(by_alias=True)
