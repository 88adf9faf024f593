"""The public surface's wire objects (DESIGN 2), built from the records by field name.

Sessions are snake_case with ISO-8601 timestamps; orders camelCase (an alias generator derives
each wire name) with epoch-millisecond timestamps. Orders are dumped in Python mode: their
free-form values keep `Decimal` numbers, which the handler writes as exact JSON numbers (pydantic's
JSON mode would turn them into strings).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer
from pydantic.alias_generators import to_camel

from checkout.domain.clock import iso_from_ms
from checkout.domain.records import OrderRecord, SessionRecord
from checkout.domain.status import OrderStatus, SessionStatus

IsoFromMs = Annotated[int, PlainSerializer(iso_from_ms, return_type=str)]
IsoFromSeconds = Annotated[int, PlainSerializer(lambda seconds: iso_from_ms(seconds * 1000), return_type=str)]


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
    chain_id: int
    tx_hash: str
    created_at: int


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
    error_details: dict[str, Any] | None
    creator_address: str | None
    partner_id: str | None
    client_reference_id: str | None
    created_at: int
    expired_at: int
    filled_at: int | None


class OrderDetailsView(_CamelView):
    """`GET /orders/{id}` data, also embedded as a session's `order` with `include=order`."""

    order: OrderView
    deposit_txs: list[TransactionView]
    relay_txs: list[TransactionView]
    execute_tx: TransactionView | None
    refund_txs: list[TransactionView]

    @classmethod
    def of(cls, order: OrderRecord) -> OrderDetailsView:
        return cls.model_validate(
            {
                "order": order,
                "deposit_txs": order.deposit_txs,
                "relay_txs": order.relay_txs,
                "execute_tx": order.execute_tx,
                "refund_txs": order.refund_txs,
            }
        )


def session_view(
    session: SessionRecord, order: OrderRecord | None = None, *, include_order: bool = False
) -> dict[str, Any]:
    view = SessionView.model_validate(session).model_dump(mode="json")
    if include_order:
        view["order"] = None if order is None else order_details_view(order)
    return view


def order_view(order: OrderRecord) -> dict[str, Any]:
    return OrderView.model_validate(order).model_dump(by_alias=True)


def order_details_view(order: OrderRecord) -> dict[str, Any]:
    return OrderDetailsView.of(order).model_dump(by_alias=True)
