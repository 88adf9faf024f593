"""An in-memory `Repository` and `WebhookRepository` (one object serves both ports): the same
intentions and outcomes as the DynamoDB adapters, held to them by the contract suite
(tests/contract), so service tests run in microseconds without moto.

Each intention checks its preconditions and writes under one lock, as one conditional write or
transaction would.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import STATUS_CONSTANTS, DataRecord

from checkout.domain.ports import (
    MAX_TRANSACTIONS_LISTED,
    AlreadyLinked,
    DueSession,
    Duplicate,
    EventOutcome,
    Expired,
    ExpiryOutcome,
    ExpiryReason,
    ExpiryTarget,
    FollowOutcome,
    Illegal,
    Linked,
    LinkOutcome,
    LostRace,
    Missing,
    Moved,
    NotLinkable,
    OrderProgress,
    PaymentReceived,
    Recorded,
    Reused,
    SessionSummary,
    Unmoved,
)
from checkout.domain.records import ApiKeyRecord, OrderDetails, OrderRecord, SessionRecord, Transaction
from checkout.domain.status import (
    AWAITING_DEPOSIT,
    ExpiryCause,
    OrderStatus,
    SessionStatus,
    session_sources_for,
)
from tests.fake_webhooks import InMemoryWebhooks

_TRANSACTION_RANK = {"execute": 1, "refund": 2, "relay": 3, "deposit": 4}  # the adapter's read order


class InMemoryRepository(InMemoryWebhooks):
    def __init__(self) -> None:
        super().__init__()
        self.sessions: dict[str, SessionRecord] = {}
        self.orders: dict[str, OrderRecord] = {}
        self.events: dict[str, OrderProgress] = {}
        self.api_keys: dict[str, ApiKeyRecord] = {}  # by hash
        self.merchants: dict[str, int] = {}  # id -> created_at
        # per order, each transaction under its identity (kind, chain, hash), as the table keys them
        self.transactions: dict[str, dict[tuple[str, int, str], Transaction]] = {}
        self.calls: list[str] = []  # intention names, in order: what a test may count
        self._lock = threading.Lock()

    # --- reads -----------------------------------------------------------------------------------
    def get_session(self, session_id: str) -> SessionRecord | None:
        self.calls.append("get_session")
        return self.sessions.get(session_id)

    def get_order(self, order_id: str) -> OrderRecord | None:
        self.calls.append("get_order")
        return self.orders.get(order_id)

    def get_order_details(self, order_id: str) -> OrderDetails | None:
        self.calls.append("get_order_details")
        with self._lock:
            order = self.orders.get(order_id)
            if order is None:
                return None
            ranked = sorted(
                self.transactions.get(order_id, {}).items(),
                key=lambda entry: (_TRANSACTION_RANK[entry[0][0]], entry[0]),
            )
            listed = tuple(tx for _, tx in ranked[:MAX_TRANSACTIONS_LISTED])
            return OrderDetails(order=order, transactions=listed)

    def due_sessions(self, now_s: int, page_size: int) -> Iterator[list[DueSession]]:
        self.calls.append("due_sessions")
        with self._lock:
            due = sorted(
                (
                    s
                    for s in self.sessions.values()
                    if s.status == SessionStatus.OPEN and s.expires_at <= now_s
                ),
                key=lambda s: s.expires_at,
            )
        for start in range(0, len(due), page_size):
            yield [DueSession(s.id, s.expires_at, s.order_id) for s in due[start : start + page_size]]

    def merchant_sessions(
        self, merchant_id: str, created_from: int, created_to: int
    ) -> Iterator[SessionSummary]:
        self.calls.append("merchant_sessions")
        with self._lock:
            mine = [
                s
                for s in self.sessions.values()
                if s.merchant_id == merchant_id and created_from <= s.created_at <= created_to
            ]
        for session in sorted(mine, key=lambda s: s.created_at, reverse=True):
            yield SessionSummary(
                session.id, session.status, session.expired_by, session.expires_at, session.created_at
            )

    def get_sessions(self, session_ids: list[str]) -> list[SessionRecord]:
        self.calls.append("get_sessions")
        if len(session_ids) > 100:
            raise ValueError("at most 100 sessions at a time")
        return [self.sessions[i] for i in session_ids if i in self.sessions]

    # --- creates ---------------------------------------------------------------------------------
    def put_session(self, session: SessionRecord) -> None:
        self.calls.append("put_session")
        with self._lock:
            if session.id in self.sessions:
                raise RuntimeError("session id collision")
            self.sessions[session.id] = session

    def put_order(self, order: OrderRecord) -> None:
        self.calls.append("put_order")
        with self._lock:
            if order.id in self.orders:
                raise RuntimeError("order id collision")
            self.orders[order.id] = order

    def link_order(self, order: OrderRecord) -> LinkOutcome:
        self.calls.append("link_order")
        if order.checkout_session_id is None:
            raise ValueError("link_order needs an order with a checkout session")
        with self._lock:
            session = self.sessions.get(order.checkout_session_id)
            if session is None:
                return Missing()
            if session.order_id is not None:
                return AlreadyLinked(session)
            if session.status != SessionStatus.OPEN or session.is_past_deadline(order.created_at):
                return NotLinkable(session)
            self.orders[order.id] = order
            self.sessions[session.id] = session.model_copy(
                update={"order_id": order.id, "updated_at": order.created_at}
            )
            return Linked()

    # --- status changes --------------------------------------------------------------------------
    def expire_session(self, target: ExpiryTarget, reason: ExpiryReason, now_ms: int) -> ExpiryOutcome:
        self.calls.append("expire_session")
        with self._lock:
            session = self.sessions.get(target.session_id)
            if session is None:
                return Missing()
            past = session.is_past_deadline(now_ms)
            deadline_fits = past if reason is ExpiryReason.CLOCK else not past
            if (
                session.status != SessionStatus.OPEN
                or not deadline_fits
                or session.order_id != target.order_id
            ):
                return LostRace(session)
            order = self.orders.get(target.order_id) if target.order_id else None
            if target.order_id is not None and (
                order is None or order.status not in AWAITING_DEPOSIT or order.received_deposit_at is not None
            ):
                return PaymentReceived()
            cause = ExpiryCause.CLOCK if reason is ExpiryReason.CLOCK else ExpiryCause.MERCHANT
            self.sessions[session.id] = session.model_copy(
                update={"status": SessionStatus.EXPIRED, "updated_at": now_ms, "expired_by": cause}
            )
            if order is not None:
                self.orders[order.id] = order.model_copy(
                    update={"status": OrderStatus.EXPIRED, "updated_at": now_ms}
                )
            return Expired(now_ms)

    def follow_order(
        self,
        session_id: str,
        target: SessionStatus,
        session_expires_at: int,
        now_ms: int,
        cause: ExpiryCause | None = None,
        tx_hash: str | None = None,
    ) -> FollowOutcome:
        self.calls.append("follow_order")
        with self._lock:
            session = self.sessions.get(session_id)
            if session is None:
                return Missing()
            if session.status not in session_sources_for(target):
                return Unmoved(session)
            update: dict[str, object] = {"status": target, "updated_at": now_ms}
            if target == SessionStatus.COMPLETE:
                update["completed_at"] = now_ms
            if target == SessionStatus.EXPIRED and cause is not None:
                update["expired_by"] = cause
            if tx_hash is not None:
                update["tx_hash"] = tx_hash
            moved = session.model_copy(update=update)
            self.sessions[session_id] = moved
            return Moved(moved)

    def record_order_event(self, progress: OrderProgress) -> EventOutcome:
        self.calls.append("record_order_event")
        with self._lock:
            recorded = self.events.get(progress.event_id)
            if recorded is not None:
                return Duplicate() if recorded.fingerprint == progress.fingerprint else Reused()
            order = self.orders.get(progress.order_id)
            if order is None:
                return Missing()
            deposit_received = order.received_deposit_at is not None
            allowed = order.status in progress.allowed_from or (
                deposit_received and order.status in progress.allowed_from_after_deposit
            )
            if not allowed:
                return Illegal(order.status, deposit_received)
            update: dict[str, object] = {"status": progress.status, "updated_at": progress.received_at}
            if progress.status == OrderStatus.EXECUTED and order.filled_at is None:
                update["filled_at"] = progress.received_at
            if progress.reports_deposit and not deposit_received:
                update["received_deposit_at"] = progress.received_at
            if progress.error_details is not None:
                update["error_details"] = progress.error_details
            if progress.transaction is not None and progress.transaction.kind == "execute":
                update["execute_tx_hash"] = progress.transaction.tx_hash
            self.orders[order.id] = order.model_copy(update=update)
            if (tx := progress.transaction) is not None:
                known = self.transactions.setdefault(order.id, {})
                identity = (tx.kind, tx.chain_id, tx.tx_hash)
                first = known.get(identity)
                facts = {"amount": tx.amount, "from_address": tx.from_address, "status": tx.status}
                reported = {name: value for name, value in facts.items() if value is not None}
                known[identity] = tx if first is None else first.model_copy(update=reported)
            self.events[progress.event_id] = progress
            return Recorded()

    # --- API keys --------------------------------------------------------------------------------
    def get_api_key(self, key_hash: str) -> ApiKeyRecord | None:
        self.calls.append("get_api_key")
        return self.api_keys.get(key_hash)

    def create_api_key(self, key: ApiKeyRecord) -> None:
        self.calls.append("create_api_key")
        with self._lock:
            if key.key_hash in self.api_keys or any(k.id == key.id for k in self.api_keys.values()):
                raise RuntimeError("API key collision")
            self.api_keys[key.key_hash] = key
            self.merchants.setdefault(key.merchant_id, key.created_at)

    def revoke_api_key(self, key_id: str, now_ms: int) -> ApiKeyRecord | None:
        self.calls.append("revoke_api_key")
        with self._lock:
            key = next((k for k in self.api_keys.values() if k.id == key_id), None)
            if key is None:
                return None
            if key.revoked_at is None:
                key = key.model_copy(update={"revoked_at": now_ms})
                self.api_keys[key.key_hash] = key
            return key

    def touch_api_key(self, key_hash: str, now_ms: int, not_since: int) -> None:
        self.calls.append("touch_api_key")
        with self._lock:
            key = self.api_keys.get(key_hash)
            if key is not None and (key.last_used_at is None or key.last_used_at <= not_since):
                self.api_keys[key_hash] = key.model_copy(update={"last_used_at": now_ms})


class InMemoryIdempotencyStore(BasePersistenceLayer):
    """powertools' persistence contract in memory: the same conditional put (new, expired, or a
    stale in-progress record) that the DynamoDB layer makes, so the real Idempotency utility runs."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.records: dict[str, DataRecord] = {}
        self._records_lock = threading.Lock()

    def _get_record(self, idempotency_key: str) -> DataRecord:
        record = self.records.get(idempotency_key)
        if record is None:
            raise IdempotencyItemNotFoundError
        return record

    def _put_record(self, data_record: DataRecord) -> None:
        now = time.time()
        with self._records_lock:
            old = self.records.get(data_record.idempotency_key)
            stale_in_progress = (
                old is not None
                and old.status == STATUS_CONSTANTS["INPROGRESS"]
                and old.in_progress_expiry_timestamp is not None
                and old.in_progress_expiry_timestamp < now * 1000
            )
            if old is not None and not old.is_expired and not stale_in_progress:
                self._validate_payload(data_payload=data_record, stored_data_record=old)
                raise IdempotencyItemAlreadyExistsError(old_data_record=old)
            self.records[data_record.idempotency_key] = data_record

    def _update_record(self, data_record: DataRecord) -> None:
        with self._records_lock:
            self.records[data_record.idempotency_key] = data_record

    def _delete_record(self, data_record: DataRecord) -> None:
        with self._records_lock:
            self.records.pop(data_record.idempotency_key, None)
