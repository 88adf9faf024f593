"""Creating an order: standalone, or linked to a session atomically (reading one: `order_lookup`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from checkout.config import Settings
from checkout.domain.access import Caller, Permission
from checkout.domain.addresses import deposit_address
from checkout.domain.clock import now_ms as system_now_ms
from checkout.domain.errors import (
    InvalidParameter,
    SessionAlreadyHasOrder,
    SessionNotFoundForOrder,
    SessionNotOpen,
)
from checkout.domain.ids import new_id
from checkout.domain.onramp import OnrampUnavailable, coinbase_one_click_buy_url
from checkout.domain.payment_config import check_order_pays
from checkout.domain.ports import AlreadyLinked, Linked, Missing, NotLinkable, Repository
from checkout.domain.records import OrderRecord, SessionRecord
from checkout.domain.status import OrderStatus, SessionStatus

if TYPE_CHECKING:  # the handler parsed it already
    from checkout.requests.orders import CreateOrderRequest

SESSION_PARAM = "checkoutSessionId"


class OrderService:
    def __init__(
        self, repository: Repository, settings: Settings, clock: Callable[[], int] = system_now_ms
    ) -> None:
        self.repository = repository
        self.settings = settings
        self.clock = clock

    def create(self, request: CreateOrderRequest, caller: Caller) -> OrderRecord:
        """A linked order is the buyer's commitment and needs no key (the session id is the
        capability); a standalone order is the merchant's own and needs `write`."""
        session_id = request.session_to_link
        if session_id is None:
            merchant_id = caller.acting_merchant(Permission.WRITE)
            order = self._new_order(new_id(), request, merchant_id, session=None)
            self.repository.put_order(order)
            return order
        return self._create_linked(request, session_id, caller)

    def _create_linked(self, request: CreateOrderRequest, session_id: str, caller: Caller) -> OrderRecord:
        """Reads the session for its deadline and redirect URL, then stores the order and links it
        in one write whose conditions (not the read) decide the outcome."""
        session = self.repository.get_session(session_id)
        if session is None or not caller.sees(session.merchant_id):
            raise _session_not_found()  # another merchant's session answers as one that does not exist
        _raise_unless_linkable(session, self.clock())
        order = self._new_order(new_id(), request, session.merchant_id, session)
        if session.payment is not None:
            check_order_pays(session.payment, order)
        match self.repository.link_order(order):
            case Linked():
                return order
            case AlreadyLinked():
                raise _already_has_order()
            case NotLinkable(current=current):
                _raise_unless_linkable(current, order.created_at)
                raise SessionNotOpen("Checkout session is not open", param=SESSION_PARAM)
            case Missing():
                raise _session_not_found()

    def _new_order(
        self, order_id: str, request: CreateOrderRequest, merchant_id: str, session: SessionRecord | None
    ) -> OrderRecord:
        now = self.clock()
        deadline = now + self.settings.order_ttl_seconds * 1000
        if session is not None:
            deadline = min(deadline, session.expires_at * 1000)
        contract = self.settings.deposit_contract()
        address = deposit_address(order_id, contract.factory_address, contract.init_code_hash)
        onramp_metadata, buy_url = None, None
        if request.onramp is not None:
            # The buyer comes back to the SDK's page when it names one, else to the session's success_url.
            redirect = request.onramp.redirect_url or (session.success_url if session else None)
            onramp_metadata = {
                "vendor": request.onramp.vendor,
                "paymentMethod": request.onramp.payment_method,
                "country": request.onramp.country,
                "redirectUrl": redirect,
            }
            try:
                buy_url = coinbase_one_click_buy_url(
                    self.settings,
                    deposit_address=address,
                    chain_id=request.src_chain,
                    amount_base_units=request.src_amount,
                    payment_method=request.onramp.payment_method,
                    country=request.onramp.country,
                    redirect_url=redirect,
                )
            except OnrampUnavailable as unavailable:
                raise InvalidParameter(str(unavailable), param="onramp") from None
        return OrderRecord(
            id=order_id,
            merchant_id=merchant_id,
            # Coinbase delivers crypto to the deposit address, so its orders scan for the
            # deposit like crypto ones; `waiting_stripe_payment` is for card-processor vendors.
            status=OrderStatus.SCANNING_DEPOSIT_TRANSACTION,
            type=request.type,
            recipient_address=request.recipient_address,
            global_address=address,
            src_chain=request.src_chain,
            dst_chain=request.dst_chain,
            src_token_address=request.src_token_address,
            dst_token_address=request.dst_token_address,
            src_amount=request.src_amount,
            payload=request.payload or {},
            metadata=request.metadata or {},
            onramp_metadata=onramp_metadata,
            one_click_buy_url=buy_url,
            checkout_session_id=session.id if session else None,
            session_expires_at=session.expires_at if session else None,
            creator_address=request.creator_address,
            partner_id=request.partner_id,
            client_reference_id=request.client_reference_id,
            callback_metadata=request.callback_metadata,
            fee_on_top=request.fee_on_top,
            created_at=now,
            updated_at=now,
            expired_at=deadline,
        )


def _session_not_found() -> SessionNotFoundForOrder:
    return SessionNotFoundForOrder("Checkout session not found", param=SESSION_PARAM)


def _already_has_order() -> SessionAlreadyHasOrder:
    return SessionAlreadyHasOrder("Checkout session already has an order", param=SESSION_PARAM)


def _raise_unless_linkable(session: SessionRecord, now_ms: int) -> None:
    """400 unless open and before its deadline; 409 when another order got there first."""
    if session.order_id is not None:
        raise _already_has_order()
    if session.status != SessionStatus.OPEN:
        raise SessionNotOpen(f"Checkout session is {session.status}, not open", param=SESSION_PARAM)
    if session.is_past_deadline(now_ms):
        raise SessionNotOpen("Checkout session has expired", param=SESSION_PARAM)
