"""The public surface's order object (DESIGN 2, 13), built from the record by field name: camelCase
(an alias generator derives each wire name) with epoch-millisecond timestamps. Orders are dumped in
Python mode: their free-form values keep `Decimal` numbers, which the handler writes as exact JSON
numbers (pydantic's JSON mode would turn them into strings). The order with its transactions is
`order_details_views`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer
from pydantic.alias_generators import to_camel

from checkout.domain.json_text import canonical
from checkout.domain.records import OrderRecord
from checkout.domain.status import OrderStatus


class CamelView(BaseModel):
    """A public view of the order family: camelCase on the wire. Its own base, not the session
    view's, so `create_order` does not load the session views."""

    model_config = ConfigDict(
        from_attributes=True, frozen=True, alias_generator=to_camel, populate_by_name=True
    )


def _error_details_text(details: str | dict[str, Any] | None) -> str | None:
    """The SDK reads `errorDetails` as a string: the watcher's text, or its object as JSON text."""
    return details if details is None or isinstance(details, str) else canonical(details)


ErrorDetailsText = Annotated[
    str | dict[str, Any] | None, PlainSerializer(_error_details_text, return_type=str | None)
]


class OrderView(CamelView):
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


def order_view(order: OrderRecord) -> dict[str, Any]:
    return OrderView.model_validate(order).model_dump(by_alias=True)
