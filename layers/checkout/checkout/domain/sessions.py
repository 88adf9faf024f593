"""Checkout-session use cases: create, read (synced from its order and the clock), expire."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from checkout.config import Settings
from checkout.domain.access import Caller
from checkout.domain.clock import now_ms as system_now_ms
from checkout.domain.errors import PaymentInProgress, SessionNotFound, SessionNotOpen
from checkout.domain.ids import is_uuid4, new_id
from checkout.domain.listing import ListQuery, SessionPage, list_sessions
from checkout.domain.ports import (
    Expired,
    ExpiryOutcome,
    ExpiryReason,
    ExpiryTarget,
    LostRace,
    Missing,
    Moved,
    PaymentReceived,
    Repository,
    Unmoved,
)
from checkout.domain.records import OrderDetails, OrderRecord, SessionRecord
from checkout.domain.redirects import resolve_redirect_url
from checkout.domain.status import (
    AWAITING_DEPOSIT,
    FINAL_SESSION_STATUSES,
    ExpiryCause,
    SessionStatus,
    expiry_cause_for_order,
    session_reachable,
    session_status_for_order,
)

if TYPE_CHECKING:  # the handler parsed it already: the GETs never load the request models
    from checkout.requests.sessions import CreateSessionRequest

PAYMENT_RECEIVED = "The payment for this checkout session has been received; it can no longer be expired"
_MAX_ATTEMPTS = 3  # re-decide after a lost race; each attempt is a fresh conditional write


class SessionService:
    def __init__(
        self, repository: Repository, settings: Settings, clock: Callable[[], int] = system_now_ms
    ) -> None:
        self.repository = repository
        self.settings = settings
        self.clock = clock

    def create(self, request: CreateSessionRequest, merchant_id: str) -> SessionRecord:
        """One conditional put; no other I/O (DESIGN 2.1)."""
        session_id = new_id()
        now = self.clock()
        session = SessionRecord(
            id=session_id,
            merchant_id=merchant_id,
            status=SessionStatus.OPEN,
            success_url=_resolved(request.success_url, session_id),
            cancel_url=_resolved(request.cancel_url, session_id),
            metadata=request.metadata or {},
            client_reference_id=request.client_reference_id,
            expires_at=now // 1000 + (request.expires_in or self.settings.default_expires_in),
            created_at=now,
            updated_at=now,
            payment=request.payment_config(),
            customer=request.customer(),
            utm=request.utm(),
        )
        self.repository.put_session(session)
        return session

    def get(
        self, session_id: str, caller: Caller, *, include_order: bool = True
    ) -> tuple[SessionRecord, OrderDetails | None]:
        """The session with its status synced from its order and the clock (stored if changed),
        and its linked order with its transactions when `include_order` (else None).

        A final session cannot be moved by its order, so its order is read only when asked for; and
        its transactions only when the order is shown."""
        session = self.load(session_id, caller.merchant_id)
        details = self._details(session.order_id) if include_order else None
        if details is not None:
            order: OrderRecord | None = details.order
        elif not include_order and session.status not in FINAL_SESSION_STATUSES:
            order = self._order(session.order_id)
        else:
            order = None
        session = self._synced(session, order)
        if details is not None and _expired_with(session, details.order):
            details = self._details(details.order.id)
        return session, details

    def get_with_order(self, session_id: str, caller: Caller) -> tuple[SessionRecord, OrderRecord | None]:
        """The session synced like `get`, and its order alone, without its transactions (one
        read of one item: what the hosted page shows)."""
        session = self.load(session_id, caller.merchant_id)
        order = self._order(session.order_id)
        session = self._synced(session, order)
        if order is not None and _expired_with(session, order):
            order = self._order(order.id)
        return session, order

    def _synced(self, session: SessionRecord, order: OrderRecord | None) -> SessionRecord:
        """Where the session stands once its order and the clock are applied (and stored)."""
        if order is not None:
            session = self.follow(session, order)
        if session.status == SessionStatus.OPEN and session.is_past_deadline(self.clock()):
            session = self._expire_by_clock(session)
        return session

    def _expire_by_clock(self, session: SessionRecord) -> SessionRecord:
        match self.try_expire(session, ExpiryReason.CLOCK):
            case Expired(at_ms=at):
                return _expired(session, at, ExpiryCause.CLOCK)
            case LostRace(current=current):
                return current
            case PaymentReceived():
                return session  # the stream moves it to processing; the clock never expires a paid session
            case Missing():
                raise _not_found(session.id)

    def follow(self, session: SessionRecord, order: OrderRecord) -> SessionRecord:
        """Moves the session to where its order's status says it should be, if that is ahead."""
        target = session_status_for_order(order.status)
        if not session_reachable(session.status, target):
            return session
        tx_hash = order.execute_tx_hash
        cause = expiry_cause_for_order(order.status)
        match self.repository.follow_order(
            session.id, target, session.expires_at, self.clock(), cause, tx_hash
        ):
            case Moved(session=moved):
                return moved
            case Unmoved(current=current):
                return current
            case Missing():
                raise _not_found(session.id)

    def expire(self, session_id: str, merchant_id: str) -> SessionRecord:
        """`open` → `expired` at the merchant's request, with an order still awaiting its deposit.

        A session already past its deadline is stored `expired` by the clock on the way and
        answered "not open", as a GET would have shown it."""
        session = self.load(session_id, merchant_id)
        for _ in range(_MAX_ATTEMPTS):
            if session.status != SessionStatus.OPEN:
                raise _not_open(session.status)
            by_clock = session.is_past_deadline(self.clock())
            match self.try_expire(session, ExpiryReason.CLOCK if by_clock else ExpiryReason.MERCHANT):
                case Expired(at_ms=at):
                    if by_clock:
                        raise _not_open(SessionStatus.EXPIRED)
                    return _expired(session, at, ExpiryCause.MERCHANT)
                case LostRace(current=current):
                    session = current
                case PaymentReceived():
                    raise PaymentInProgress(PAYMENT_RECEIVED, param="id")
                case Missing():
                    raise _not_found(session_id)
        raise SessionNotOpen("Checkout session changed while expiring; please retry", param="id")

    def list(self, merchant_id: str, query: ListQuery) -> SessionPage:
        """The merchant's sessions, newest first, a page at a time (bounded: see `listing`)."""
        return list_sessions(self.repository, merchant_id, query, self.clock())

    def try_expire(self, session: SessionRecord | ExpiryTarget, reason: ExpiryReason) -> ExpiryOutcome:
        """The one expiry path: every caller (GET, the merchant, the expiry job) matches its outcome."""
        target = session if isinstance(session, ExpiryTarget) else ExpiryTarget.of(session)
        return self.repository.expire_session(target, reason, self.clock())

    def load(self, session_id: str, owner: str | None) -> SessionRecord:
        """The session, if it exists for a caller acting for `owner` (None: an anonymous buyer
        holding the id). Another merchant's session does not exist for this one: 404, never 403."""
        session = self.repository.get_session(session_id.lower()) if is_uuid4(session_id) else None
        if session is None or (owner is not None and session.merchant_id != owner):
            raise _not_found(session_id)
        return session

    def _order(self, order_id: str | None) -> OrderRecord | None:
        return self.repository.get_order(order_id) if order_id else None

    def _details(self, order_id: str | None) -> OrderDetails | None:
        return self.repository.get_order_details(order_id) if order_id else None


def _expired_with(session: SessionRecord, order: OrderRecord) -> bool:
    """The session was expired (by this read or a racer) while its order, as read, still awaited its
    deposit: the same write expired the order, which must be read again."""
    return session.status == SessionStatus.EXPIRED and order.status in AWAITING_DEPOSIT


def _expired(session: SessionRecord, at_ms: int, cause: ExpiryCause) -> SessionRecord:
    return session.model_copy(
        update={"status": SessionStatus.EXPIRED, "updated_at": at_ms, "expired_by": cause}
    )


def _not_found(session_id: str) -> SessionNotFound:
    return SessionNotFound(f"No checkout session found with id {session_id[:64]!r}", param="id")


def _not_open(status: SessionStatus) -> SessionNotOpen:
    return SessionNotOpen(f"Checkout session is {status}; only open sessions can be expired", param="id")


def _resolved(url: str | None, session_id: str) -> str | None:
    return None if url is None else resolve_redirect_url(url, session_id)
