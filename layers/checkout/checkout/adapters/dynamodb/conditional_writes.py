"""Builds the conditional writes that move sessions and orders (DESIGN 3 and 4). No I/O here.

Each is a `StatusChange`: the target, the allowed source statuses, the guards ANDed onto them,
and the bookkeeping that comes with the move (`completed_at`, leaving the expiry index, the
`purge_at` TTL).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from checkout.adapters.dynamodb.codec import serialize, to_attributes
from checkout.adapters.dynamodb.items import TRANSACTION_ENTITY
from checkout.adapters.dynamodb.keys import order_key, session_key, transaction_key
from checkout.adapters.dynamodb.retention import purge_at, transaction_purge_at
from checkout.config import Settings
from checkout.domain.ports import OrderProgress
from checkout.domain.records import Transaction
from checkout.domain.status import (
    AWAITING_DEPOSIT,
    FINAL_ORDER_STATUSES,
    FINAL_SESSION_STATUSES,
    ExpiryCause,
    OrderStatus,
    SessionStatus,
    session_sources_for,
)

RECEIVED_DEPOSIT_AT = "received_deposit_at"


@dataclass
class _Expression:
    """Accumulates an update/condition expression with unique placeholder names."""

    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def name(self, attribute: str) -> str:
        placeholder = f"#{attribute}"
        self.names[placeholder] = attribute
        return placeholder

    def value(self, value: Any) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = serialize(value)
        return placeholder

    def one_of(self, attribute: str, options: Iterable[str]) -> str:
        return f"{self.name(attribute)} IN ({', '.join(self.value(option) for option in sorted(options))})"


@dataclass(frozen=True)
class StatusChange:
    """A conditional status write: move `key` to `target` only from one of `sources`.

    `set_fields` are written alongside (`set_if_absent` only where missing), `remove_fields`
    removed; `sources_after_deposit` are further sources allowed only to an order that has
    received a deposit; the optional guards below are ANDed onto the status condition.
    """

    key: dict[str, str]
    target: str
    sources: frozenset[str]
    now_ms: int
    sources_after_deposit: frozenset[str] = frozenset()
    set_fields: Mapping[str, Any] = field(default_factory=dict)
    set_if_absent: Mapping[str, Any] = field(default_factory=dict)
    remove_fields: tuple[str, ...] = ()
    deadline_passed_at_s: int | None = None  # condition: expires_at <= this
    deadline_ahead_at_s: int | None = None  # condition: expires_at > this
    linked_order: str | None = None  # condition: order_id = this
    no_linked_order: bool = False  # condition: attribute_not_exists(order_id)
    no_deposit_received: bool = False  # condition: attribute_not_exists(received_deposit_at)

    def render(self) -> dict[str, Any]:
        expr = _Expression()
        assignments = [
            f"{expr.name('status')} = {expr.value(self.target)}",
            f"updated_at = {expr.value(self.now_ms)}",
        ]
        assignments += [f"{expr.name(name)} = {expr.value(value)}" for name, value in self.set_fields.items()]
        assignments += [
            f"{expr.name(name)} = if_not_exists({expr.name(name)}, {expr.value(value)})"
            for name, value in self.set_if_absent.items()
        ]
        update = "SET " + ", ".join(assignments)
        if self.remove_fields:
            update += " REMOVE " + ", ".join(expr.name(name) for name in self.remove_fields)
        status_condition = expr.one_of("status", self.sources)
        if self.sources_after_deposit:
            after_deposit = expr.one_of("status", self.sources_after_deposit)
            received = f"attribute_exists({expr.name(RECEIVED_DEPOSIT_AT)})"
            status_condition = f"({status_condition} OR ({after_deposit} AND {received}))"
        conditions = ["attribute_exists(pk)", status_condition]
        if self.deadline_passed_at_s is not None:
            conditions.append(f"expires_at <= {expr.value(self.deadline_passed_at_s)}")
        if self.deadline_ahead_at_s is not None:
            conditions.append(f"expires_at > {expr.value(self.deadline_ahead_at_s)}")
        if self.linked_order is not None:
            conditions.append(f"order_id = {expr.value(self.linked_order)}")
        if self.no_linked_order:
            conditions.append("attribute_not_exists(order_id)")
        if self.no_deposit_received:
            conditions.append(f"attribute_not_exists({expr.name(RECEIVED_DEPOSIT_AT)})")
        return {
            "Key": to_attributes(self.key),
            "UpdateExpression": update,
            "ConditionExpression": " AND ".join(conditions),
            "ExpressionAttributeNames": expr.names,
            "ExpressionAttributeValues": expr.values,
        }


def move_session(
    session_id: str,
    expires_at_s: int,
    target: SessionStatus,
    now_ms: int,
    settings: Settings,
    *,
    sources: frozenset[SessionStatus] | None = None,
    deadline_passed: bool = False,
    deadline_ahead: bool = False,
    linked_order: str | None = None,
    no_linked_order: bool = False,
    cause: ExpiryCause | None = None,
    tx_hash: str | None = None,
) -> StatusChange:
    """The write that moves a session to `target` (by default from wherever it may legally come)."""
    set_fields: dict[str, int | str] = {}
    if target == SessionStatus.EXPIRED and cause is not None:
        set_fields["expired_by"] = cause.value
    if tx_hash is not None:
        set_fields["tx_hash"] = tx_hash
    remove_fields = ["open_shard"]  # leaving `open` always leaves the expiry index
    if target == SessionStatus.COMPLETE:
        set_fields["completed_at"] = now_ms
    if target in FINAL_SESSION_STATUSES:
        set_fields["purge_at"] = purge_at(now_ms, expires_at_s, settings)
    else:
        remove_fields.append("purge_at")  # money in flight: never purge a processing session
    now_s = now_ms // 1000
    return StatusChange(
        key=session_key(session_id),
        target=target,
        sources=session_sources_for(target) if sources is None else sources,
        now_ms=now_ms,
        set_fields=set_fields,
        remove_fields=tuple(remove_fields),
        deadline_passed_at_s=now_s if deadline_passed else None,
        deadline_ahead_at_s=now_s if deadline_ahead else None,
        linked_order=linked_order,
        no_linked_order=no_linked_order,
    )


def expire_session(
    session_id: str, expires_at_s: int, order_id: str | None, by_clock: bool, now_ms: int, settings: Settings
) -> StatusChange:
    """`open` → `expired`: by the clock only past the deadline, by the merchant only before it,
    and only while the session has the order the caller saw (or still none)."""
    return move_session(
        session_id,
        expires_at_s,
        SessionStatus.EXPIRED,
        now_ms,
        settings,
        sources=frozenset({SessionStatus.OPEN}),
        deadline_passed=by_clock,
        deadline_ahead=not by_clock,
        linked_order=order_id,
        no_linked_order=order_id is None,
        cause=ExpiryCause.CLOCK if by_clock else ExpiryCause.MERCHANT,
    )


def expire_awaiting_order(order_id: str, deadline_s: int, now_ms: int, settings: Settings) -> StatusChange:
    """Expires an order together with its session, but only while it still awaits a deposit: in an
    awaiting status, and no deposit reported yet (the watcher may report one before it moves the
    order on; the buyer has paid then, and the clock never expires a paid session)."""
    return StatusChange(
        key=order_key(order_id),
        target=OrderStatus.EXPIRED,
        sources=AWAITING_DEPOSIT,
        now_ms=now_ms,
        set_fields={"purge_at": purge_at(now_ms, deadline_s, settings)},
        no_deposit_received=True,
    )


def link_session(session_id: str, order_id: str, now_ms: int) -> StatusChange:
    """Links an order to a session that is `open`, before its deadline, with no order yet."""
    return StatusChange(
        key=session_key(session_id),
        target=SessionStatus.OPEN,
        sources=frozenset({SessionStatus.OPEN}),
        now_ms=now_ms,
        set_fields={"order_id": order_id},
        deadline_ahead_at_s=now_ms // 1000,
        no_linked_order=True,
    )


def progress_order(progress: OrderProgress, settings: Settings) -> StatusChange:
    """Moves an order under its state machine, remembering when it first received a deposit."""
    now = progress.received_at
    set_fields: dict[str, Any] = {}
    set_if_absent: dict[str, Any] = {}
    remove_fields: list[str] = []
    if progress.status == OrderStatus.EXECUTED:
        set_if_absent["filled_at"] = now
    if progress.reports_deposit:
        set_if_absent[RECEIVED_DEPOSIT_AT] = now
    if progress.error_details is not None:
        set_fields["error_details"] = progress.error_details
    if progress.transaction is not None and progress.transaction.kind == "execute":
        # Kept on the order too, so the stream's image of the order tells the session its
        # executing transaction (the transaction's own item is another record).
        set_fields["execute_tx_hash"] = progress.transaction.tx_hash
    if progress.status in FINAL_ORDER_STATUSES or progress.status == OrderStatus.EXPIRED:
        set_fields["purge_at"] = purge_at(now, now // 1000, settings)
    else:
        remove_fields.append("purge_at")  # a late deposit revives an expired order: keep it
    return StatusChange(
        key=order_key(progress.order_id),
        target=progress.status,
        sources=frozenset(progress.allowed_from),
        sources_after_deposit=frozenset(progress.allowed_from_after_deposit),
        now_ms=now,
        set_fields=set_fields,
        set_if_absent=set_if_absent,
        remove_fields=tuple(remove_fields),
    )


def record_transaction(tx: Transaction, settings: Settings) -> dict[str, Any]:
    """Upserts the transaction's own item: the first report's time stays; later reports of the same
    transaction (another event id) update what they say of it (amount, sender, status)."""
    expr = _Expression()
    first_report = {
        "entity": TRANSACTION_ENTITY,
        "order_id": tx.order_id,
        "kind": tx.kind,
        "chain_id": tx.chain_id,
        "tx_hash": tx.tx_hash,
        "created_at": tx.created_at,
        "purge_at": transaction_purge_at(tx.created_at, settings),
    }
    facts = {"amount": tx.amount, "from_address": tx.from_address, "status": tx.status}
    assignments = [
        f"{expr.name(name)} = if_not_exists({expr.name(name)}, {expr.value(value)})"
        for name, value in first_report.items()
    ]
    assignments += [
        f"{expr.name(name)} = {expr.value(value)}" for name, value in facts.items() if value is not None
    ]
    return {
        "Key": to_attributes(transaction_key(tx.order_id, tx.kind, tx.chain_id, tx.tx_hash)),
        "UpdateExpression": "SET " + ", ".join(assignments),
        "ExpressionAttributeNames": expr.names,
        "ExpressionAttributeValues": expr.values,
    }
