"""The expiry job's cost follows the number of due sessions, never the size of the table."""

from __future__ import annotations

import uuid
from typing import Any

from checkout.adapters.dynamodb.repository import DynamoDBRepository
from checkout.domain.expiry import expire_due_sessions
from checkout.domain.records import SessionRecord
from checkout.domain.sessions import SessionService
from checkout.domain.status import SessionStatus
from tests.builders import MERCHANT, TABLE_NAME, make_settings

NOW_MS = 1_900_000_000_000


class CountingClient:
    """The DynamoDB client, counting the items every Query read (its ScannedCount)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.scanned = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def query(self, **kwargs: Any) -> Any:
        response = self.client.query(**kwargs)
        self.scanned += response["ScannedCount"]
        return response


def open_session(expires_at: int) -> SessionRecord:
    return SessionRecord(
        id=str(uuid.uuid4()),
        merchant_id=MERCHANT,
        status=SessionStatus.OPEN,
        expires_at=expires_at,
        created_at=NOW_MS - 600_000,
        updated_at=NOW_MS - 600_000,
    )


def test_cost_grows_with_due_sessions_not_table_size(dynamodb: Any) -> None:
    settings = make_settings()
    counting = CountingClient(dynamodb)
    repository = DynamoDBRepository(TABLE_NAME, settings, counting)  # type: ignore[arg-type]
    for _ in range(2_000):  # open sessions that are not due
        repository.put_session(open_session(NOW_MS // 1000 + 3600))
    due = [open_session(NOW_MS // 1000 - 1) for _ in range(50)]
    for session in due:
        repository.put_session(session)

    run = expire_due_sessions(
        SessionService(repository, settings, lambda: NOW_MS), repository, NOW_MS, lambda: 60_000
    )

    assert run.expired == 50
    assert counting.scanned == 50  # items read from the index: the due ones, none of the 2,000 others
