"""Order models: the create request (camelCase, as the AnySpend SDK sends it), the stored
record, and the wire objects."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from checkout.addresses import address_problem, to_checksum_address
from checkout.countries import ISO_3166_ALPHA_2
from checkout.keys import is_uuid4
from checkout.models.parsing import settings_from
from checkout.models.session import check_client_reference_id
from checkout.status import OrderStatus

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


class Transaction(BaseModel):
    """A chain transaction reported by the payment watcher."""

    chainId: int  # noqa: N815
    txHash: str  # noqa: N815
    createdAt: int  # noqa: N815 - epoch ms


class OrderRecord(BaseModel):
    """An order as stored in the table (item `ORDER#<id>` / `ORDER`)."""

    model_config = ConfigDict(frozen=True)

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
    payload: dict[str, Any] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict)
    onramp_metadata: dict[str, Any] | None = None
    one_click_buy_url: str | None = None
    checkout_session_id: str | None = None
    session_expires_at: int | None = None  # epoch s, kept so stream sync can set the session's TTL
    error_details: dict[str, Any] | None = None
    creator_address: str | None = None
    partner_id: str | None = None
    client_reference_id: str | None = None
    created_at: int  # epoch ms
    updated_at: int
    expired_at: int  # the deposit deadline, epoch ms
    filled_at: int | None = None
    deposit_txs: list[Transaction] = Field(default_factory=list)
    relay_txs: list[Transaction] = Field(default_factory=list)
    execute_tx: Transaction | None = None
    refund_txs: list[Transaction] = Field(default_factory=list)

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> OrderRecord:
        return cls.model_validate({key: item[key] for key in cls.model_fields if key in item})

    def to_item(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class OrderResponse(BaseModel):
    """The wire order object (camelCase, epoch-millisecond timestamps)."""

    id: str
    status: OrderStatus
    type: str
    recipientAddress: str  # noqa: N815
    globalAddress: str  # noqa: N815
    srcChain: int  # noqa: N815
    dstChain: int  # noqa: N815
    srcTokenAddress: str  # noqa: N815
    dstTokenAddress: str  # noqa: N815
    srcAmount: str  # noqa: N815
    payload: dict[str, Any]
    metadata: dict[str, Any]
    onrampMetadata: dict[str, Any] | None  # noqa: N815
    oneClickBuyUrl: str | None  # noqa: N815
    checkoutSessionId: str | None  # noqa: N815
    errorDetails: dict[str, Any] | None  # noqa: N815
    creatorAddress: str | None  # noqa: N815
    partnerId: str | None  # noqa: N815
    clientReferenceId: str | None  # noqa: N815
    createdAt: int  # noqa: N815
    expiredAt: int  # noqa: N815
    filledAt: int | None  # noqa: N815

    @classmethod
    def from_record(cls, record: OrderRecord) -> OrderResponse:
        return cls(
            id=record.id,
            status=record.status,
            type=record.type,
            recipientAddress=record.recipient_address,
            globalAddress=record.global_address,
            srcChain=record.src_chain,
            dstChain=record.dst_chain,
            srcTokenAddress=record.src_token_address,
            dstTokenAddress=record.dst_token_address,
            srcAmount=record.src_amount,
            payload=record.payload,
            metadata=record.metadata,
            onrampMetadata=record.onramp_metadata,
            oneClickBuyUrl=record.one_click_buy_url,
            checkoutSessionId=record.checkout_session_id,
            errorDetails=record.error_details,
            creatorAddress=record.creator_address,
            partnerId=record.partner_id,
            clientReferenceId=record.client_reference_id,
            createdAt=record.created_at,
            expiredAt=record.expired_at,
            filledAt=record.filled_at,
        )


class OrderDetails(BaseModel):
    """`GET /orders/{id}` data, also embedded as a session's `order` with `include=order`."""

    order: OrderResponse
    depositTxs: list[Transaction]  # noqa: N815
    relayTxs: list[Transaction]  # noqa: N815
    executeTx: Transaction | None  # noqa: N815
    refundTxs: list[Transaction]  # noqa: N815

    @classmethod
    def from_record(cls, record: OrderRecord) -> OrderDetails:
        return cls(
            order=OrderResponse.from_record(record),
            depositTxs=record.deposit_txs,
            relayTxs=record.relay_txs,
            executeTx=record.execute_tx,
            refundTxs=record.refund_txs,
        )
