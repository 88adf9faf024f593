"""The order-event ingress body (DESIGN 5), camelCase as the payment watcher sends it."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator
from pydantic.alias_generators import to_camel

from checkout.domain.status import OrderStatus
from checkout.requests.addresses import EvmAddress, TokenAmount
from checkout.requests.fields import ChainId, Identifier, TextOrJsonObject, Uuid
from checkout.requests.parsing import problem

_TX_HASH = re.compile(r"0x[0-9a-fA-F]{64}", re.ASCII)


class EventTransaction(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, alias_generator=to_camel)

    kind: Literal["deposit", "relay", "execute", "refund"]
    chain_id: ChainId
    tx_hash: Annotated[str, WithJsonSchema({"type": "string", "pattern": "^0x[0-9a-fA-F]{64}$"})]
    # The SDK's transaction fields (DESIGN 13), each optional.
    amount: TokenAmount | None = None
    from_address: EvmAddress | None = Field(default=None, alias="from")
    status: Literal["success", "failed"] | None = None

    @field_validator("tx_hash")
    @classmethod
    def _hash(cls, value: str) -> str:
        if not _TX_HASH.fullmatch(value):
            raise problem("must be 0x followed by 64 hex characters")
        return value.lower()


class OrderEventRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, alias_generator=to_camel)

    id: Identifier
    order_id: Uuid
    status: OrderStatus
    transaction: EventTransaction | None = None
    error_details: TextOrJsonObject | None = None  # a message, or the watcher's free-form object

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> Any:
        if isinstance(value, str) and value in OrderStatus.__members__.values():
            return OrderStatus(value)
        raise ValueError(f"status must be one of: {', '.join(OrderStatus)}")
