"""Checkout-session use cases: create, read (synced from order and clock), expire."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from checkout import lifecycle
from checkout.clock import now_ms as system_now_ms
from checkout.config import Settings
from checkout.errors import PaymentInProgress, SessionNotFound, SessionNotOpen
from checkout.keys import is_uuid4, new_id, open_shard
from checkout.models.order import OrderRecord
from checkout.models.parsing import parse_model
from checkout.models.session import CreateSessionRequest, SessionRecord
from checkout.redirects import resolve_redirect_url
from checkout.repository import Repository, StatusChange, TransactionConflict, WriteConflict
from checkout.retry import retry_on_contention
from checkout.status import (
    FINAL_SESSION_STATUSES,
    OrderStatus,
    SessionStatus,
    session_reachable,
    session_status_for_order,
)

_MAX_ATTEMPTS = 3  # re-decide after a lost race; each attempt is a fresh conditional write


class SessionService:
    def __init__(
        self, repository: Repository, settings: Settings, clock: Callable[[], int] = system_now_ms
    ) -> None:
        self.repository = repository
        self.settings = settings
        self.clock = clock

    # --- create --------------------------------------------------------------------------
    def create(self, body: Mapping[str, Any]) -> SessionRecord:
        """One conditional put; no other I/O (DESIGN 2.1)."""
        request = parse_model(CreateSessionRequest, body, {"settings": self.settings})
        session_id = new_id()
        now = self.clock()
        expires_at = now // 1000 + (request.expires_in or self.settings.default_expires_in)
        record = SessionRecord(
            id=session_id,
            status=SessionStatus.OPEN,
            success_url=_resolved(request.success_url, session_id),
            cancel_url=_resolved(request.cancel_url, session_id),
            metadata=request.metadata or {},
            client_reference_id=request.client_reference_id,
            expires_at=expires_at,
            created_at=now,
            updated_at=now,
        )
        self.repository.put_session(
            {
                **record.to_item(),
                "open_shard": open_shard(session_id, self.settings.open_shards),
                # An abandoned session is purged even if the expiry job never ran.
                "purge_at": lifecycle.purge_at(now, expires_at, self.settings),
            }
        )
        return record

    # --- read ----------------------------------------------------------------------------
    def get(self, session_id: str, *, include_order: bool = True) -> tuple[SessionRecord, OrderRecord | None]:
        """The session with its status synced from its order and the clock (stored if changed),
        and its linked order when `include_order` (else None).

        A final session cannot be moved by its order, so its order is read only when asked for."""
        record = self._load(session_id)
        needs_order = include_order or record.status not in FINAL_SESSION_STATUSES
        order = self._order(record.order_id) if needs_order else None
        if order is not None:
            record = self.sync_from_order(record, order.status)
        if record.status == SessionStatus.OPEN and record.is_past_deadline(self.clock()):
            record = self._expire(record, by_clock=True)
            if include_order and order is not None and record.status == SessionStatus.EXPIRED:
                order = self._order(order.id)  # expired with the session, in the same transaction
        return record, order if include_order else None

    def sync_from_order(self, record: SessionRecord, order_status: OrderStatus) -> SessionRecord:
        """Moves the session to where its order's status says it should be, if that is ahead."""
        target = session_status_for_order(order_status)
        if not session_reachable(record.status, target):
            return record
        change = lifecycle.session_change(record.id, record.expires_at, target, self.clock(), self.settings)
        return self._apply(change)

    # --- expire --------------------------------------------------------------------------
    def expire(self, session_id: str) -> SessionRecord:
        """`open` → `expired` by the merchant's request, with an order still awaiting deposit.

        A session already past its deadline is stored `expired` by the clock on the way and
        answered "not open", as a GET would have shown it."""
        record = self._load(session_id)
        for _ in range(_MAX_ATTEMPTS):
            if record.status != SessionStatus.OPEN:
                raise _not_open(record.status)
            by_clock = record.is_past_deadline(self.clock())
            try:
                expired = self._expire_or_raise(record, by_clock=by_clock)
            except _LostRace as race:
                record = race.current
                continue
            if by_clock:
                raise _not_open(SessionStatus.EXPIRED)
            return expired
        raise SessionNotOpen("Checkout session changed while expiring; please retry", param="id")

    def expire_due(self, session_id: str, expires_at: int, order_id: str | None) -> bool:
        """Clock expiry for a session the expiry job found due in the index. False when it lost
        a race (an order was linked, a payment arrived, someone else expired it): not an error."""
        try:
            retry_on_contention(lambda: self._write_expiry(session_id, expires_at, order_id, by_clock=True))
        except (_LostRace, PaymentInProgress, SessionNotFound):
            return False
        return True

    # --- internals -----------------------------------------------------------------------
    def _load(self, session_id: str) -> SessionRecord:
        item = self.repository.get_session(session_id.lower()) if is_uuid4(session_id) else None
        if item is None:
            raise SessionNotFound(f"No checkout session found with id {session_id[:64]!r}", param="id")
        return SessionRecord.from_item(item)

    def _order(self, order_id: str | None) -> OrderRecord | None:
        item = self.repository.get_order(order_id) if order_id else None
        return None if item is None else OrderRecord.from_item(item)

    def _apply(self, change: StatusChange) -> SessionRecord:
        try:
            return SessionRecord.from_item(self.repository.change_status(change))
        except WriteConflict as conflict:
            if conflict.current is None:
                raise SessionNotFound("Checkout session no longer exists", param="id") from None
            return SessionRecord.from_item(conflict.current)  # already moved on: not an error

    def _expire(self, record: SessionRecord, *, by_clock: bool) -> SessionRecord:
        try:
            return self._expire_or_raise(record, by_clock=by_clock)
        except _LostRace as race:
            return race.current
        except PaymentInProgress:
            return record  # the sync will move it to processing; the clock never expires paid sessions

    def _expire_or_raise(self, record: SessionRecord, *, by_clock: bool) -> SessionRecord:
        now = self.clock()
        written = retry_on_contention(
            lambda: self._write_expiry(record.id, record.expires_at, record.order_id, by_clock=by_clock)
        )
        if written is not None:
            return SessionRecord.from_item(written)
        return record.model_copy(update={"status": SessionStatus.EXPIRED, "updated_at": now})

    def _write_expiry(
        self, session_id: str, expires_at: int, order_id: str | None, *, by_clock: bool
    ) -> dict[str, Any] | None:
        """One conditional write (or, with an order, one transaction that also expires the order
        while it awaits its deposit). Returns the new session item when the write returns one."""
        now = self.clock()
        change = lifecycle.session_change(
            session_id,
            expires_at,
            SessionStatus.EXPIRED,
            now,
            self.settings,
            by_clock=by_clock,
            before_deadline=not by_clock,
            linked_order=order_id,
            no_linked_order=order_id is None,
        )
        if order_id is None:
            try:
                return self.repository.change_status(change)
            except WriteConflict as conflict:
                raise _LostRace(self._current(conflict.current)) from None
        order_expiry = lifecycle.expire_awaiting_order(order_id, expires_at * 1000, now, self.settings)
        try:
            self.repository.change_statuses([change, order_expiry])
        except TransactionConflict as conflict:
            if conflict.failed[0]:
                raise _LostRace(self._current(conflict.current[0])) from None
            raise PaymentInProgress(
                "The payment for this checkout session has been received; it can no longer be expired",
                param="id",
            ) from None
        return None

    def _current(self, item: dict[str, Any] | None) -> SessionRecord:
        if item is None:
            raise SessionNotFound("Checkout session no longer exists", param="id")
        return SessionRecord.from_item(item)


class _LostRace(Exception):
    def __init__(self, current: SessionRecord) -> None:
        super().__init__("lost race")
        self.current = current


def _not_open(status: SessionStatus) -> SessionNotOpen:
    return SessionNotOpen(f"Checkout session is {status}; only open sessions can be expired", param="id")


def _resolved(url: str | None, session_id: str) -> str | None:
    return None if url is None else resolve_redirect_url(url, session_id)
