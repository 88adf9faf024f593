"""The scheduled expiry job (DESIGN 3, 4, 6): reads only due `open` sessions, page by page, and
expires each through the one expiry path; it stops with time to spare and the next run carries on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from checkout.domain.ports import Expired, ExpiryReason, Repository
from checkout.domain.sessions import SessionService

PAGE_SIZE = 100
TIME_RESERVE_MS = 5_000  # stop with this much left; the next run carries on


@dataclass
class ExpiryRun:
    examined: int = 0  # due sessions read from the index
    expired: int = 0  # sessions this run moved to `expired`
    finished: bool = False  # every due session seen (False: stopped early for time)


def expire_due_sessions(
    sessions: SessionService,
    repository: Repository,
    now_ms: int,
    remaining_time_ms: Callable[[], int],
    page_size: int = PAGE_SIZE,
) -> ExpiryRun:
    run = ExpiryRun()
    pages = repository.due_sessions(now_ms // 1000, page_size)
    while remaining_time_ms() >= TIME_RESERVE_MS:
        page = next(pages, None)  # each page is one query, made only when asked for
        if page is None:
            run.finished = True
            break
        for due in page:
            run.examined += 1
            # A lost race (an order was linked, a payment arrived, someone else expired it) is not an error.
            if isinstance(sessions.try_expire(due.target(), ExpiryReason.CLOCK), Expired):
                run.expired += 1
    return run
