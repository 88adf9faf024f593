"""Order use cases: create (standalone, or linked to a session atomically) and read."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from checkout import lifecycle
from checkout.addresses import deposit_address
from checkout.clock import now_ms as system_now_ms
from checkout.config import Settings
from checkout.errors import (
    InvalidParameter,
    OrderNotFound,
    SessionAlreadyHasOrder,
    SessionNotFoundForOrder,
    SessionNotOpen,
)
from checkout.keys import is_uuid4, new_id
from checkout.models.order import OrderRecord
from checkout.models.order_request import CreateOrderRequest
from checkout.models.parsing import parse_model
from checkout.models.session import SessionRecord
from checkout.onramp import OnrampUnavailable, coinbase_one_click_buy_url
from checkout.repository import Repository, TransactionConflict
from checkout.retry import retry_on_contention
from checkout.status import OrderStatus, SessionStatus

SESSION_PARAM = "checkoutSessionId"


class OrderService:
    def __init__(
        self, repository: Repository, settings: Settings, clock: Callable[[], int] = system_now_ms
    ) -> None:
        self.repository = repository
        self.settings = settings
        self.clock = clock

    def create(self, body: Mapping[str, Any]) -> OrderRecord:
        request = parse_model(CreateOrderRequest, body, {"settings": self.settings})
        order_id = new_id()
        if request.checkoutSessionId is None:
            record = self._new_record(order_id, request, session=None)
            self.repository.put_order(record.to_item())
            return record
        return retry_on_contention(
            lambda: self._create_linked(order_id, request, request.checkoutSessionId or "")
        )

    def get(self, order_id: str) -> OrderRecord:
        item = self.repository.get_order(order_id.lower()) if is_uuid4(order_id) else None
        if item is None:
            raise OrderNotFound(f"No order found with id {order_id[:64]!r}", param="id")
        return OrderRecord.from_item(item)

    # --- internals -----------------------------------------------------------------------
    def _create_linked(self, order_id: str, request: CreateOrderRequest, session_id: str) -> OrderRecord:
        """Reads the session for its deadline and redirect URL, then puts the order and links
        it in one transaction whose conditions (not the read) decide the outcome."""
        item = self.repository.get_session(session_id)
        if item is None:
            raise _session_not_found()
        session = SessionRecord.from_item(item)
        _raise_unless_linkable(session, self.clock())
        record = self._new_record(order_id, request, session)
        try:
            self.repository.link_order(
                record.to_item(), lifecycle.link_order(session_id, order_id, record.created_at)
            )
        except TransactionConflict as conflict:
            if not conflict.failed[1]:
                raise  # the order put itself failed: a UUID collision, never expected
            current = conflict.current[1]
            if current is None:
                raise _session_not_found() from None
            _raise_unless_linkable(SessionRecord.from_item(current), record.created_at)
            raise SessionNotOpen("Checkout session is not open", param=SESSION_PARAM) from None
        return record

    def _new_record(
        self, order_id: str, request: CreateOrderRequest, session: SessionRecord | None
    ) -> OrderRecord:
        now = self.clock()
        deadline = now + self.settings.order_ttl_seconds * 1000
        if session is not None:
            deadline = min(deadline, session.expires_at * 1000)
        address = deposit_address(
            order_id, self.settings.deposit_factory_address, self.settings.deposit_init_code_hash
        )
        onramp_metadata, buy_url = None, None
        if request.onramp is not None:
            onramp_metadata = {
                "vendor": request.onramp.vendor,
                "paymentMethod": request.onramp.payment_method,
                "country": request.onramp.country,
            }
            try:
                buy_url = coinbase_one_click_buy_url(
                    self.settings,
                    deposit_address=address,
                    chain_id=request.srcChain,
                    amount_base_units=request.srcAmount,
                    payment_method=request.onramp.payment_method,
                    country=request.onramp.country,
                    redirect_url=session.success_url if session else None,
                )
            except OnrampUnavailable as unavailable:
                raise InvalidParameter(str(unavailable), param="onramp") from None
        return OrderRecord(
            id=order_id,
            # Coinbase delivers crypto to the deposit address, so its orders scan for the
            # deposit like crypto ones; `waiting_stripe_payment` is for card-processor vendors.
            status=OrderStatus.SCANNING_DEPOSIT_TRANSACTION,
            type=request.type,
            recipient_address=request.recipientAddress,
            global_address=address,
            src_chain=request.srcChain,
            dst_chain=request.dstChain,
            src_token_address=request.srcTokenAddress,
            dst_token_address=request.dstTokenAddress,
            src_amount=request.srcAmount,
            payload=request.payload or {},
            metadata=request.metadata or {},
            onramp_metadata=onramp_metadata,
            one_click_buy_url=buy_url,
            checkout_session_id=session.id if session else None,
            session_expires_at=session.expires_at if session else None,
            creator_address=request.creatorAddress,
            partner_id=request.partnerId,
            client_reference_id=request.clientReferenceId,
            created_at=now,
            updated_at=now,
            expired_at=deadline,
        )


def _session_not_found() -> SessionNotFoundForOrder:
    return SessionNotFoundForOrder("Checkout session not found", param=SESSION_PARAM)


def _raise_unless_linkable(session: SessionRecord, now_ms: int) -> None:
    """400 unless open and before its deadline; 409 when another order got there first."""
    if session.order_id is not None:
        raise SessionAlreadyHasOrder("Checkout session already has an order", param=SESSION_PARAM)
    if session.status != SessionStatus.OPEN:
        raise SessionNotOpen(f"Checkout session is {session.status}, not open", param=SESSION_PARAM)
    if session.is_past_deadline(now_ms):
        raise SessionNotOpen("Checkout session has expired", param=SESSION_PARAM)
