"""What the domain needs from storage for sessions, orders, payment events and API keys, as
intentions with typed outcomes (the webhooks' storage: `webhook_ports`).

The DynamoDB adapter implements `Repository` with conditional writes and transactions; a fake in
the tests implements it in memory, and one contract suite runs against both. Every write states
its preconditions, so an outcome other than success says what the store holds instead, without a
second read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

from checkout.domain.status import ExpiryCause, OrderStatus, SessionStatus

if TYPE_CHECKING:  # named in annotations only: importing the port builds none of the records
    from checkout.domain.records import ApiKeyRecord, OrderDetails, OrderRecord, SessionRecord, Transaction


# --- values the domain hands to the repository ---------------------------------------------------
@dataclass(frozen=True)
class ExpiryTarget:
    """What an expiry write needs to know of a session: the deadline and the order it saw linked."""

    session_id: str
    expires_at: int  # epoch s
    order_id: str | None

    @classmethod
    def of(cls, session: SessionRecord) -> ExpiryTarget:
        return cls(session.id, session.expires_at, session.order_id)


class ExpiryReason(Enum):
    CLOCK = "clock"  # only once the deadline has passed
    MERCHANT = "merchant"  # only while the deadline is still ahead


@dataclass(frozen=True)
class OrderProgress:
    """A payment-watcher event, ready to apply: move the order to `status` if its state machine
    allows it from where it is, record `transaction`, and remember `event_id` (with the body's
    `fingerprint`) so that a replay is a no-op and the same id with another body is refused."""

    event_id: str
    fingerprint: str  # of the event's canonical body
    order_id: str
    status: OrderStatus
    allowed_from: frozenset[OrderStatus]
    allowed_from_after_deposit: frozenset[OrderStatus]  # only if the order has received a deposit
    transaction: Transaction | None
    reports_deposit: bool  # this event itself says a deposit arrived (marks the order as having one)
    error_details: str | dict[str, Any] | None
    received_at: int


@dataclass(frozen=True)
class OrderStatusChanged:
    """An order linked to a session reached a new status (seen on the table's stream)."""

    order_id: str
    session_id: str
    status: OrderStatus
    session_expires_at: int
    execute_tx_hash: str | None = None


@dataclass(frozen=True)
class SessionSummary:
    """What the merchant's session index lists of a session: enough to filter and count."""

    session_id: str
    status: SessionStatus
    expired_by: ExpiryCause | None
    expires_at: int
    created_at: int


# --- outcomes ------------------------------------------------------------------------------------
# The outcomes that carry the same fields share one dataclass each, and subclass it: a dataclass
# costs ~0.45 ms to build on 3.11 (its methods are compiled from source), and every function's first
# request builds this module. A subclass keeps its own identity (a dataclass's `__eq__` compares the
# class first, its `__repr__` names the subclass), and, slotted like its base, it cannot gain
# attributes either.
# The bases are private: match on the outcomes, never on them.
@dataclass(frozen=True, slots=True)
class _BareOutcome:
    """An outcome whose type says it all."""


@dataclass(frozen=True, slots=True)
class _SessionOutcome:
    """An outcome that reports the session as the store holds it now."""

    current: SessionRecord


class Linked(_BareOutcome):
    """The order was stored and the session now points at it."""

    __slots__ = ()


class AlreadyLinked(_SessionOutcome):
    """The session already has an order (possibly this very one, on a retry)."""

    __slots__ = ()


class NotLinkable(_SessionOutcome):
    """The session is not open, or its deadline has passed."""

    __slots__ = ()


class Missing(_BareOutcome):
    """The item the write was about does not exist."""

    __slots__ = ()


LinkOutcome = Linked | AlreadyLinked | NotLinkable | Missing


@dataclass(frozen=True)
class Expired:
    """The session (and its order, if that still awaited a deposit) is now `expired`."""

    at_ms: int


class LostRace(_SessionOutcome):
    """The session moved (or gained an order) since it was read; `current` is how it is now."""

    __slots__ = ()


class PaymentReceived(_BareOutcome):
    """The session's order has left its awaiting status: money is in flight, never expire it."""

    __slots__ = ()


ExpiryOutcome = Expired | LostRace | PaymentReceived | Missing


@dataclass(frozen=True)
class Moved:
    session: SessionRecord


class Unmoved(_SessionOutcome):
    """The session is already at (or past) where the order says it should be."""

    __slots__ = ()


FollowOutcome = Moved | Unmoved | Missing


class Recorded(_BareOutcome):
    """The event was stored and the order moved (or, for its current status, only gained the transaction)."""

    __slots__ = ()


class Duplicate(_BareOutcome):
    """This very event (same id, same body) was recorded before; nothing changed."""

    __slots__ = ()


class Reused(_BareOutcome):
    """An event with this id but another body was recorded before; nothing changed."""

    __slots__ = ()


@dataclass(frozen=True)
class Illegal:
    """The order's state machine does not allow the move from `current_status` (with or without the
    deposit it has received)."""

    current_status: OrderStatus
    deposit_received: bool


EventOutcome = Recorded | Duplicate | Reused | Illegal | Missing


@dataclass(frozen=True)
class DueSession:
    """An `open` session whose deadline has passed, as the expiry index lists it."""

    session_id: str
    expires_at: int
    order_id: str | None

    def target(self) -> ExpiryTarget:
        return ExpiryTarget(self.session_id, self.expires_at, self.order_id)


# --- the port ------------------------------------------------------------------------------------
MAX_TRANSACTIONS_LISTED = 1000  # per read: bounds a response however many dust deposits arrive


class Repository(Protocol):
    def put_session(self, session: SessionRecord) -> None:
        """Stores a new `open` session (its id is fresh: an existing one is a bug, not an outcome)."""

    def get_session(self, session_id: str) -> SessionRecord | None: ...

    def get_order(self, order_id: str) -> OrderRecord | None:
        """The order alone (its status, deadlines): one read of one item."""

    def get_order_details(self, order_id: str) -> OrderDetails | None:
        """The order with its transactions, read together (one query), at most
        `MAX_TRANSACTIONS_LISTED` of them: executions, refunds and relays before deposits."""

    def put_order(self, order: OrderRecord) -> None:
        """Stores a new standalone order."""

    def link_order(self, order: OrderRecord) -> LinkOutcome:
        """Stores `order` and links it to its `checkout_session_id` atomically, only while that
        session is `open`, has no order, and `order.created_at` is before its deadline."""

    def expire_session(self, target: ExpiryTarget, reason: ExpiryReason, now_ms: int) -> ExpiryOutcome:
        """`open` → `expired`, only if the session still has the order `target` saw (or none);
        a linked order still awaiting its deposit expires with it, in the same write."""

    def follow_order(
        self,
        session_id: str,
        target: SessionStatus,
        session_expires_at: int,
        now_ms: int,
        cause: ExpiryCause | None = None,
        tx_hash: str | None = None,
    ) -> FollowOutcome:
        """Moves the session to `target` if that lies ahead of where it is (DESIGN 3), noting why it
        expired (`cause`) and the order's executing transaction (`tx_hash`) when known."""

    def record_order_event(self, progress: OrderProgress) -> EventOutcome:
        """Records the event id and fingerprint, moves the order and records its transaction, all
        or nothing; a transaction reported again keeps its first report's time."""

    def due_sessions(self, now_s: int, page_size: int) -> Iterator[list[DueSession]]:
        """Pages of `open` sessions with `expires_at <= now_s`, read lazily (one query per page)."""

    def merchant_sessions(
        self, merchant_id: str, created_from: int, created_to: int
    ) -> Iterator[SessionSummary]:
        """The merchant's sessions created in [created_from, created_to] (epoch ms), newest first,
        read lazily page by page from its index (never a Scan)."""

    def get_sessions(self, session_ids: list[str]) -> list[SessionRecord]:
        """The sessions with these ids (at most 100), in the order given; missing ones left out."""

    # --- API keys (DESIGN 8) --------------------------------------------------------------------
    def get_api_key(self, key_hash: str) -> ApiKeyRecord | None: ...

    def create_api_key(self, key: ApiKeyRecord) -> None:
        """Stores the key (findable by its hash and by its id), and its merchant if new."""

    def revoke_api_key(self, key_id: str, now_ms: int) -> ApiKeyRecord | None:
        """Marks the key revoked (once: a second revocation keeps the first time); None if unknown."""

    def touch_api_key(self, key_hash: str, now_ms: int, not_since: int) -> None:
        """Sets `last_used_at = now_ms` unless it is already later than `not_since`."""
