"""The public surface's wire objects (DESIGN 2), built from the records by field name.

Sessions are snake_case with ISO-8601 timestamps; orders camelCase (an alias generator derives
each wire name) with epoch-millisecond timestamps. Orders are dumped in Python mode: their
free-form values keep `Decimal` numbers, which the handler writes as exact JSON numbers (pydantic's
JSON mode would turn them into strings).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema
from pydantic.alias_generators import to_camel

from checkout.domain.clock import iso_from_ms
from checkout.domain.json_text import canonical
from checkout.domain.records import OrderDetails, OrderRecord, SessionRecord, Transaction
from checkout.domain.status import OrderStatus, SessionStatus

_ISO_8601 = WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization")
IsoFromMs = Annotated[int, PlainSerializer(iso_from_ms, return_type=str), _ISO_8601]
IsoFromSeconds = Annotated[
    int, PlainSerializer(lambda seconds: iso_from_ms(seconds * 1000), return_type=str), _ISO_8601
]


class _View(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)


class _CamelView(_View):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class SessionView(_View):
    id: str
    status: SessionStatus
    success_url: str | None
    cancel_url: str | None
    metadata: dict[str, str]
    client_reference_id: str | None
    order_id: str | None
    expires_at: IsoFromSeconds
    created_at: IsoFromMs
    updated_at: IsoFromMs
    completed_at: IsoFromMs | None


class TransactionView(_CamelView):
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


def _error_details_text(details: str | dict[str, Any] | None) -> str | None:
    """The SDK reads `errorDetails` as a string: the watcher's text, or its object as JSON text."""
    return details if details is None or isinstance(details, str) else canonical(details)


ErrorDetailsText = Annotated[
    str | dict[str, Any] | None, PlainSerializer(_error_details_text, return_type=str | None)
]


class OrderView(_CamelView):
    id: str
    status: OrderStatus
    type: str
    recipient_address: str
    global_address: str
    src_chain: int
    dst_chain: int
    src_token_address: str
    dst_token_address: str
    src_amount: str
    payload: dict[str, Any]
    metadata: dict[str, Any]
    onramp_metadata: dict[str, Any] | None
    one_click_buy_url: str | None
    checkout_session_id: str | None
    error_details: ErrorDetailsText
    creator_address: str | None
    partner_id: str | None
    client_reference_id: str | None
    callback_metadata: dict[str, Any] | None
    fee_on_top: bool | None
    created_at: int
    expired_at: int
    filled_at: int | None
    received_deposit_at: int | None


class OrderDetailsView(_CamelView):
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
    (`session_view` builds it; this names its shape, for the OpenAPI document.)"""

    order: OrderDetailsView | None = None


def session_view(
    session: SessionRecord, order: OrderDetails | None = None, *, include_order: bool = False
) -> dict[str, Any]:
    view = SessionView.model_validate(session).model_dump(mode="json")
    if include_order:
        view["order"] = None if order is None else order_details_view(order)
    return view


def order_view(order: OrderRecord) -> dict[str, Any]:
    return OrderView.model_validate(order).model_dump(by_alias=True)


def order_details_view(order: OrderDetails) -> dict[str, Any]:
    return OrderDetailsView.of(order).model_dump(by_alias=True)
