"""Order models: the stored record and the wire objects (the request is in `order_request`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from checkout.models.record import StoredRecord
from checkout.status import OrderStatus


class Transaction(BaseModel):
    """A chain transaction reported by the payment watcher."""

    chainId: int  # noqa: N815
    txHash: str  # noqa: N815
    createdAt: int  # noqa: N815 - epoch ms


class OrderRecord(StoredRecord):
    """An order as stored in the table (item `ORDER#<id>` / `ORDER`)."""

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
