"""Idempotency-Key over real HTTP on DynamoDB Local (DESIGN 9): twenty concurrent requests with one
key create exactly one session; the others replay it or are told it is still in progress."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.builders import linked_order_body
from tests.integration.conftest import TABLE_NAME
from tests.support import new_session


def sessions_marked(dynamodb: Any, marker: str) -> int:
    """How many sessions carry this test's marker (a test-only scan of the test's own table)."""
    count, kwargs = (
        0,
        {
            "TableName": TABLE_NAME,
            "FilterExpression": "metadata.marker = :marker",
            "ExpressionAttributeValues": {":marker": {"S": marker}},
            "Select": "COUNT",
        },
    )
    while True:
        page = dynamodb.scan(**kwargs)
        count += int(page["Count"])
        if "LastEvaluatedKey" not in page:
            return count
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def test_twenty_concurrent_requests_with_one_key_create_one_session(api: httpx.Client, dynamodb: Any) -> None:
    marker, key = uuid.uuid4().hex, str(uuid.uuid4())

    def post(_: int) -> httpx.Response:
        return api.post(
            "/checkout-sessions", json={"metadata": {"marker": marker}}, headers={"Idempotency-Key": key}
        )

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(post, range(20)))

    created = [r for r in responses if r.status_code == 200]
    assert {r.status_code for r in responses} <= {200, 409}
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} <= {
        "idempotency_key_in_progress"
    }
    assert len({r.json()["data"]["id"] for r in created}) == 1
    assert len({r.content for r in created}) == 1  # replays are the first response, byte for byte
    assert sum(1 for r in created if "idempotent-replayed" not in r.headers) == 1
    assert sessions_marked(dynamodb, marker) == 1
    replay = post(0)
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == created[0].content


def test_a_linked_order_retried_with_its_key_is_the_same_order(api: httpx.Client) -> None:
    session = new_session(api)
    key = {"Idempotency-Key": str(uuid.uuid4())}

    first = api.post("/orders", json=linked_order_body(session["id"]), headers=key)
    retry = api.post("/orders", json=linked_order_body(session["id"]), headers=key)

    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.content == first.content
    assert retry.headers["idempotent-replayed"] == "true"


def test_the_same_key_with_another_body_is_refused(api: httpx.Client) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    api.post("/checkout-sessions", json={"expires_in": 600}, headers=key)

    response = api.post("/checkout-sessions", json={"expires_in": 900}, headers=key)

    assert response.status_code == 400
    assert response.json()["error"]["type"] == "idempotency_error"
