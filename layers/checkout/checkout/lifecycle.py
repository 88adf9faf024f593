"""Pure builders for the conditional writes that move sessions and orders (DESIGN 3 and 4).

Each returns a `StatusChange`: the target, the allowed sources, and the bookkeeping that comes
with the move (`completed_at`, `open_shard` removal, the `purge_at` TTL). No I/O here.
"""

from __future__ import annotations

from checkout.config import Settings
from checkout.keys import order_key, session_key
from checkout.repository import StatusChange
from checkout.status import (
    AWAITING_DEPOSIT,
    FINAL_ORDER_STATUSES,
    FINAL_SESSION_STATUSES,
    OrderStatus,
    SessionStatus,
    order_sources_for,
    session_sources_for,
)

SECONDS_PER_DAY = 86_400


def purge_at(final_at_ms: int, deadline_s: int, settings: Settings) -> int:
    """TTL epoch seconds: retention after the item became final or after its deadline, whichever is later."""
    return max(final_at_ms // 1000, deadline_s) + settings.session_retention_days * SECONDS_PER_DAY


def session_change(
    session_id: str,
    expires_at_s: int,
    target: SessionStatus,
    now_ms: int,
    settings: Settings,
    *,
    by_clock: bool = False,
    linked_order: str | None = None,
    no_linked_order: bool = False,
    before_deadline: bool = False,
) -> StatusChange:
    """The write that moves a session to `target` from wherever it may legally come from.

    `by_clock`: only an `open` session whose deadline has passed (never one whose payment
    arrived). `before_deadline`: only while the deadline is still ahead (explicit expire).
    """
    set_fields: dict[str, int] = {}
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
        sources=frozenset({SessionStatus.OPEN}) if by_clock else session_sources_for(target),
        now_ms=now_ms,
        set_fields=set_fields,
        remove_fields=tuple(remove_fields),
        deadline_passed_at_s=now_s if by_clock else None,
        deadline_ahead_at_s=now_s if before_deadline else None,
        linked_order=linked_order,
        no_linked_order=no_linked_order,
    )


def order_change(
    order_id: str,
    deadline_ms: int,
    target: OrderStatus,
    now_ms: int,
    settings: Settings,
    *,
    sources: frozenset[OrderStatus] | None = None,
    extra_fields: dict[str, object] | None = None,
    set_if_absent: dict[str, object] | None = None,
    append_to_lists: dict[str, list[object]] | None = None,
) -> StatusChange:
    """The write that moves an order to `target` under its state machine."""
    set_fields: dict[str, object] = dict(extra_fields or {})
    remove_fields: list[str] = []
    if target in FINAL_ORDER_STATUSES or target == OrderStatus.EXPIRED:
        set_fields["purge_at"] = purge_at(now_ms, deadline_ms // 1000, settings)
    else:
        remove_fields.append("purge_at")  # a late deposit revives an expired order: keep it
    return StatusChange(
        key=order_key(order_id),
        target=target,
        sources=frozenset(sources if sources is not None else order_sources_for(target)),
        now_ms=now_ms,
        set_fields=set_fields,
        set_if_absent=dict(set_if_absent or {}),
        append_to_lists=dict(append_to_lists or {}),
        remove_fields=tuple(remove_fields),
    )


def expire_awaiting_order(order_id: str, deadline_ms: int, now_ms: int, settings: Settings) -> StatusChange:
    """Expires an order together with its session, but only while it still awaits a deposit."""
    return order_change(
        order_id, deadline_ms, OrderStatus.EXPIRED, now_ms, settings, sources=AWAITING_DEPOSIT
    )


def link_order(session_id: str, order_id: str, now_ms: int) -> StatusChange:
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
