"""The scheduled expiry job (DESIGN 3, 4, 6): reads only due `open` sessions from the sparse
index, shard by shard and page by page, and expires each with a conditional write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from checkout.config import Settings
from checkout.keys import all_open_shards
from checkout.repository import Repository
from checkout.sessions import SessionService

PAGE_SIZE = 100
TIME_RESERVE_MS = 5_000  # stop with this much left; the next run carries on


@dataclass
class ExpiryRun:
    examined: int = 0  # due sessions read from the index
    expired: int = 0  # sessions this run moved to `expired`
    finished: bool = False  # every shard drained (False: stopped early for time)


def expire_due_sessions(
    sessions: SessionService,
    repository: Repository,
    settings: Settings,
    now_ms: int,
    remaining_time_ms: Callable[[], int],
    page_size: int = PAGE_SIZE,
) -> ExpiryRun:
    run = ExpiryRun()
    now_s = now_ms // 1000
    for shard in all_open_shards(settings.open_shards):
        start_key = None
        while True:
            if remaining_time_ms() < TIME_RESERVE_MS:
                return run
            items, start_key = repository.due_open_sessions(shard, now_s, page_size, start_key)
            for item in items:
                run.examined += 1
                if sessions.expire_due(str(item["id"]), int(item["expires_at"]), item.get("order_id")):
                    run.expired += 1
            if not start_key:
                break
    run.finished = True
    return run
