"""Shapes domain records into the wire objects of DESIGN 2."""

from __future__ import annotations

from typing import Any

from checkout.models.order import OrderDetails, OrderRecord, OrderResponse
from checkout.models.session import SessionRecord, SessionResponse


def session_view(
    record: SessionRecord, order: OrderRecord | None = None, *, include_order: bool = False
) -> dict[str, Any]:
    view = SessionResponse.from_record(record).model_dump(mode="json")
    if include_order:
        view["order"] = None if order is None else order_details_view(order)
    return view


def order_view(record: OrderRecord) -> dict[str, Any]:
    return OrderResponse.from_record(record).model_dump(mode="json")


def order_details_view(record: OrderRecord) -> dict[str, Any]:
    return OrderDetails.from_record(record).model_dump(mode="json")
