"""The order-event ingress body (DESIGN 5) and its stored dedup record."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from checkout.keys import is_uuid4
from checkout.models.parsing import settings_from
from checkout.status import OrderStatus

EVENT_ID = re.compile(r"[A-Za-z0-9_-]{1,255}", re.ASCII)
TX_HASH = re.compile(r"0x[0-9a-fA-F]{64}", re.ASCII)
TX_LISTS: dict[str, str] = {
    "deposit": "deposit_txs",
    "relay": "relay_txs",
    "execute": "execute_tx",  # a single transaction, not a list
    "refund": "refund_txs",
}


class EventTransaction(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    kind: Literal["deposit", "relay", "execute", "refund"]
    chainId: int  # noqa: N815
    txHash: str  # noqa: N815

    @field_validator("chainId")
    @classmethod
    def _supported_chain(cls, value: int, info: ValidationInfo) -> int:
        if value not in settings_from(info).supported_chains:
            raise ValueError(f"transaction.chainId {value} is not a supported chain")
        return value

    @field_validator("txHash")
    @classmethod
    def _hash(cls, value: str) -> str:
        if not TX_HASH.fullmatch(value):
            raise ValueError("transaction.txHash must be 0x followed by 64 hex characters")
        return value.lower()


class OrderEventRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    id: str
    orderId: str  # noqa: N815
    status: OrderStatus
    transaction: EventTransaction | None = None
    errorDetails: dict[str, Any] | None = None  # noqa: N815

    @field_validator("id")
    @classmethod
    def _event_id(cls, value: str) -> str:
        if not EVENT_ID.fullmatch(value):
            raise ValueError("id must be 1-255 letters, digits, '_' or '-'")
        return value

    @field_validator("orderId")
    @classmethod
    def _order_id(cls, value: str) -> str:
        if not is_uuid4(value):
            raise ValueError("orderId must be a UUID")
        return value.lower()

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> Any:
        if isinstance(value, str) and value in OrderStatus.__members__.values():
            return OrderStatus(value)
        raise ValueError(f"status must be one of: {', '.join(OrderStatus)}")
