"""The `POST /orders` request (camelCase, as the AnySpend SDK sends it), validated strictly.

Kept apart from the order record and response so that functions which only read orders never
import the keccak implementation the address checks need.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from checkout.addresses import address_problem, to_checksum_address
from checkout.countries import ISO_3166_ALPHA_2
from checkout.keys import is_uuid4
from checkout.models.parsing import settings_from
from checkout.models.session import check_client_reference_id

DECIMAL_INTEGER = re.compile(r"0|[1-9][0-9]*", re.ASCII)
MAX_AMOUNT = 2**256
SUPPORTED_ONRAMP_VENDORS = frozenset({"coinbase"})
PAYMENT_METHOD = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)


def _checked_address(value: str, name: str) -> str:
    if problem := address_problem(value):
        raise ValueError(f"{name} {problem}")
    return to_checksum_address(value)


class OnrampRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    vendor: str
    payment_method: str
    country: str

    @field_validator("vendor")
    @classmethod
    def _known_vendor(cls, value: str) -> str:
        if value not in SUPPORTED_ONRAMP_VENDORS:
            raise ValueError("unsupported onramp vendor")
        return value

    @field_validator("payment_method")
    @classmethod
    def _payment_method(cls, value: str) -> str:
        if not PAYMENT_METHOD.fullmatch(value):
            raise ValueError("onramp.payment_method must be 1-64 letters, digits, '_' or '-'")
        return value

    @field_validator("country")
    @classmethod
    def _iso_country(cls, value: str) -> str:
        if value.upper() not in ISO_3166_ALPHA_2:
            raise ValueError("onramp.country must be an ISO 3166-1 alpha-2 country code")
        return value.upper()


class CreateOrderRequest(BaseModel):
    """`POST /orders` body (DESIGN 2.4). Unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", strict=True)

    recipientAddress: str  # noqa: N815 - wire names
    srcChain: int  # noqa: N815
    dstChain: int  # noqa: N815
    srcTokenAddress: str  # noqa: N815
    dstTokenAddress: str  # noqa: N815
    srcAmount: str  # noqa: N815
    type: Literal["swap", "custom"]
    payload: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    checkoutSessionId: str | None = None  # noqa: N815
    onramp: OnrampRequest | None = None
    creatorAddress: str | None = None  # noqa: N815
    partnerId: str | None = None  # noqa: N815
    clientReferenceId: str | None = None  # noqa: N815

    @field_validator("recipientAddress", "srcTokenAddress", "dstTokenAddress", "creatorAddress")
    @classmethod
    def _evm_address(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else _checked_address(value, str(info.field_name))

    @field_validator("srcChain", "dstChain")
    @classmethod
    def _supported_chain(cls, value: int, info: ValidationInfo) -> int:
        if value not in settings_from(info).supported_chains:
            raise ValueError(f"{info.field_name} {value} is not a supported chain")
        return value

    @field_validator("srcAmount")
    @classmethod
    def _amount(cls, value: str) -> str:
        if not DECIMAL_INTEGER.fullmatch(value) or not 0 < int(value) < MAX_AMOUNT:
            raise ValueError("srcAmount must be a decimal integer string greater than 0 and less than 2^256")
        return value

    @field_validator("checkoutSessionId")
    @classmethod
    def _session_id(cls, value: str | None) -> str | None:
        if value is not None and not is_uuid4(value):
            raise ValueError("checkoutSessionId must be a UUID")
        return None if value is None else value.lower()

    @field_validator("partnerId", "clientReferenceId")
    @classmethod
    def _reference(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else check_client_reference_id(value, str(info.field_name))

    @model_validator(mode="after")
    def _swap_needs_expected_amount(self) -> CreateOrderRequest:
        if self.type == "swap":
            expected = (self.payload or {}).get("expectedDstAmount")
            if not isinstance(expected, str) or not DECIMAL_INTEGER.fullmatch(expected):
                raise ValueError("a swap needs payload.expectedDstAmount as a decimal integer string")
        return self
