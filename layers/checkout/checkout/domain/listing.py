"""A merchant's sessions, newest first, a page at a time (DESIGN 10).

The merchant's index lists every session it created, newest first; this walks it once per call,
filtering by the surface's status, until the page is filled and the count is known. The walk is
bounded: pages are served to a depth of `MAX_DEPTH` sessions, and `total_count` is exact while the
window holds at most `COUNT_UP_TO` matching sessions beyond the page (beyond, it is that lower bound
and `has_more` says there is more). A merchant reaching deeper narrows the window with from/to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from checkout.domain.errors import InvalidParameter
from checkout.domain.status import ExpiryCause, PlatformStatus, SessionStatus, platform_status

if TYPE_CHECKING:  # the platform's views use this module; only the list function needs the port
    from checkout.domain.ports import Repository, SessionSummary
    from checkout.domain.records import SessionRecord

MAX_DEPTH = 10_000
COUNT_UP_TO = 1_000
MAX_LIMIT = 100


@dataclass(frozen=True)
class ListQuery:
    status: PlatformStatus | None = None
    created_from: int = 0  # epoch ms, inclusive
    created_to: int = 2**53  # epoch ms, inclusive
    page: int = 1
    limit: int = 10


@dataclass(frozen=True)
class SessionPage:
    sessions: list[SessionRecord]
    has_more: bool
    total_count: int


def current_status(
    status: SessionStatus, cause: ExpiryCause | None, expires_at: int, now_ms: int
) -> PlatformStatus:
    """The surface's status as a read would show it: an open session past its deadline is expired
    by the clock, whether or not the expiry job has written it yet."""
    if status == SessionStatus.OPEN and now_ms // 1000 >= expires_at:
        return PlatformStatus.EXPIRED
    return platform_status(status, cause)


def list_sessions(repository: Repository, merchant_id: str, query: ListQuery, now_ms: int) -> SessionPage:
    skip = (query.page - 1) * query.limit
    if skip + query.limit > MAX_DEPTH:
        raise InvalidParameter(
            f"page * limit must be at most {MAX_DEPTH}; narrow the window with from and to", param="page"
        )
    if query.created_from > query.created_to:
        # An empty window (`from` after `to`): nothing to read, and the store refuses such a range.
        return SessionPage([], has_more=False, total_count=0)
    stop_after = skip + query.limit + COUNT_UP_TO
    matched = 0
    page_ids: list[str] = []
    exhausted = True
    for summary in repository.merchant_sessions(merchant_id, query.created_from, query.created_to):
        if not _matches(summary, query.status, now_ms):
            continue
        matched += 1
        if skip < matched <= skip + query.limit:
            page_ids.append(summary.session_id)
        if matched >= stop_after:
            exhausted = False
            break
    sessions = repository.get_sessions(page_ids) if page_ids else []
    return SessionPage(sessions, has_more=matched > skip + query.limit or not exhausted, total_count=matched)


def _matches(summary: SessionSummary, wanted: PlatformStatus | None, now_ms: int) -> bool:
    if wanted is None:
        return True
    return current_status(summary.status, summary.expired_by, summary.expires_at, now_ms) == wanted
