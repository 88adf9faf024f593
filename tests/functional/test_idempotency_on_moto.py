"""Idempotency-Key with powertools' own DynamoDB persistence, on moto: the record lives in the
idempotency table under its TTL, and a retry replays the first response."""

from __future__ import annotations

import time
from typing import Any

import pytest

from checkout import composition
from tests.builders import TABLE_NAME, http_event
from tests.support import invoke

IDEMPOTENCY_TABLE = f"{TABLE_NAME}-idempotency"


def create(key: str) -> dict[str, Any]:
    event = http_event(
        "create_checkout_session", body={"metadata": {"k": key}}, headers={"idempotency-key": key}
    )
    result: dict[str, Any] = invoke("create_checkout_session", event)
    return result


@pytest.mark.usefixtures("call")
def test_the_first_response_is_kept_for_a_day_and_replayed(dynamodb: Any) -> None:
    first = create("functional-1")
    retry = create("functional-1")

    assert retry["body"] == first["body"]
    assert retry["headers"]["idempotent-replayed"] == "true"
    (record,) = [
        item
        for item in dynamodb.scan(TableName=IDEMPOTENCY_TABLE)["Items"]  # test-only look at the small table
        if item["status"]["S"] == "COMPLETED" and "functional-1" in item["data"]["S"]
    ]
    assert 86_000 < int(record["expiration"]["N"]) - time.time() <= 86_400


@pytest.mark.usefixtures("call")
def test_a_record_past_its_ttl_runs_the_request_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDEMPOTENCY_TTL_SECONDS", "1")
    composition.reset()
    first = create("functional-2")
    time.sleep(2.1)  # powertools keeps a record until its whole-second expiry has passed

    again = create("functional-2")

    assert "idempotent-replayed" not in again["headers"]
    assert again["body"] != first["body"]  # another session
