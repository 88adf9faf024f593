"""Listing a merchant's sessions (DESIGN 10): newest first, filtered by the platform's status and
creation window, a page at a time, with a bounded walk."""

from __future__ import annotations

import uuid

import pytest

from checkout.domain.errors import InvalidParameter
from checkout.domain.listing import COUNT_UP_TO, MAX_DEPTH, ListQuery, list_sessions
from checkout.domain.records import SessionRecord
from checkout.domain.status import ExpiryCause, PlatformStatus, SessionStatus
from tests.builders import NOW_MS, a_session
from tests.fakes import InMemoryRepository


def stored(
    store: InMemoryRepository, count: int, merchant: str = "acct_a", **fields: object
) -> list[SessionRecord]:
    """`count` sessions created a second apart, the newest last."""
    sessions = []
    for index in range(count):
        created = NOW_MS - (count - index) * 1000
        session = a_session(id=str(uuid.uuid4()), merchant_id=merchant, created_at=created, **fields)
        store.put_session(session)
        sessions.append(session)
    return sessions


def ids(sessions: list[SessionRecord]) -> list[str]:
    return [session.id for session in sessions]


def test_a_page_is_the_newest_sessions_first(store: InMemoryRepository) -> None:
    created = stored(store, 5)

    page = list_sessions(store, "acct_a", ListQuery(limit=2), NOW_MS)

    assert ids(page.sessions) == ids(created[::-1][:2])
    assert (page.has_more, page.total_count) == (True, 5)


def test_pages_follow_each_other_without_gaps_or_repeats(store: InMemoryRepository) -> None:
    created = stored(store, 7)

    pages = [list_sessions(store, "acct_a", ListQuery(page=n, limit=3), NOW_MS) for n in (1, 2, 3)]

    assert [ids(p.sessions) for p in pages] == [ids(created[::-1][i : i + 3]) for i in (0, 3, 6)]
    assert [p.has_more for p in pages] == [True, True, False]


def test_only_the_merchants_own_sessions_are_listed(store: InMemoryRepository) -> None:
    mine = stored(store, 2)
    stored(store, 3, merchant="acct_b")

    page = list_sessions(store, "acct_a", ListQuery(limit=10), NOW_MS)

    assert sorted(ids(page.sessions)) == sorted(ids(mine))


def test_the_window_is_on_created_at_inclusive(store: InMemoryRepository) -> None:
    created = stored(store, 5)

    window = ListQuery(created_from=created[1].created_at, created_to=created[3].created_at, limit=10)
    page = list_sessions(store, "acct_a", window, NOW_MS)

    assert ids(page.sessions) == ids(created[1:4][::-1])


def test_a_window_that_ends_before_it_starts_lists_nothing(store: InMemoryRepository) -> None:
    created = stored(store, 2)

    reversed_window = ListQuery(created_from=created[1].created_at, created_to=created[0].created_at - 1)
    page = list_sessions(store, "acct_a", reversed_window, NOW_MS)

    assert (page.sessions, page.has_more, page.total_count) == ([], False, 0)


@pytest.mark.parametrize(
    ("wanted", "status", "cause"),
    [
        (PlatformStatus.PROCESSING, SessionStatus.PROCESSING, None),
        (PlatformStatus.COMPLETED, SessionStatus.COMPLETE, None),
        (PlatformStatus.FAILED, SessionStatus.EXPIRED, ExpiryCause.PAYMENT_FAILED),
        (PlatformStatus.EXPIRED, SessionStatus.EXPIRED, ExpiryCause.MERCHANT),
    ],
)
def test_the_status_filter_uses_the_platforms_statuses(
    store: InMemoryRepository, wanted: PlatformStatus, status: SessionStatus, cause: ExpiryCause | None
) -> None:
    stored(store, 2)
    (match,) = stored(store, 1, status=status, expired_by=cause)

    page = list_sessions(store, "acct_a", ListQuery(status=wanted), NOW_MS)

    assert ids(page.sessions) == [match.id]
    assert page.total_count == 1


def test_an_open_session_past_its_deadline_lists_as_expired(store: InMemoryRepository) -> None:
    (late,) = stored(store, 1, expires_at=NOW_MS // 1000 - 1)

    expired = list_sessions(store, "acct_a", ListQuery(status=PlatformStatus.EXPIRED), NOW_MS)
    still_open = list_sessions(store, "acct_a", ListQuery(status=PlatformStatus.OPEN), NOW_MS)

    assert ids(expired.sessions) == [late.id]
    assert still_open.sessions == []


def test_the_count_stops_beyond_the_page_and_says_there_is_more(store: InMemoryRepository) -> None:
    stored(store, COUNT_UP_TO + 20)

    page = list_sessions(store, "acct_a", ListQuery(limit=10), NOW_MS)

    assert page.total_count == 10 + COUNT_UP_TO  # a lower bound past the page, not a full count
    assert page.has_more


def test_a_page_deeper_than_the_bound_is_refused(store: InMemoryRepository) -> None:
    with pytest.raises(InvalidParameter, match="narrow the window"):
        list_sessions(store, "acct_a", ListQuery(page=MAX_DEPTH // 100 + 1, limit=100), NOW_MS)


def test_a_page_reads_only_its_own_sessions_in_full(store: InMemoryRepository) -> None:
    stored(store, 30)
    store.calls.clear()

    list_sessions(store, "acct_a", ListQuery(limit=5), NOW_MS)

    assert store.calls == ["merchant_sessions", "get_sessions"]
