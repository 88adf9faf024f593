"""The session API end to end: real HTTP through the gateway, real DynamoDB Local behind it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.integration.conftest import stored_item


def create(api: httpx.Client, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = api.post("/checkout-sessions", json=body or {})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def test_a_created_session_is_stored_with_the_single_table_layout(api: httpx.Client, dynamodb: Any) -> None:
    session = create(api, {"expires_in": 600, "metadata": {"cart": "c1"}, "client_reference_id": "ref-1"})

    item = stored_item(dynamodb, f"SESSION#{session['id']}", "SESSION")

    assert item is not None
    assert item["entity"] == {"S": "session"}
    assert item["id"] == {"S": session["id"]}
    assert item["status"] == {"S": "open"}
    assert item["open_shard"]["S"] in {f"OPEN#{n}" for n in range(4)}
    assert int(item["purge_at"]["N"]) == int(item["expires_at"]["N"]) + 30 * 86400
    assert item["metadata"] == {"M": {"cart": {"S": "c1"}}}
    assert item["client_reference_id"] == {"S": "ref-1"}


def test_the_envelope_and_request_id_come_back_over_http(api: httpx.Client) -> None:
    response = api.post("/checkout-sessions", json={})

    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"]
    body = response.json()
    assert body["success"] is True
    assert body["statusCode"] == 200


def test_get_returns_what_create_returned(api: httpx.Client) -> None:
    session = create(api, {"success_url": "https://shop.example.com/ok?a=1#top"})

    response = api.get(f"/checkout-sessions/{session['id']}")

    assert response.status_code == 200
    assert response.json()["data"] == session
    assert session["success_url"] == f"https://shop.example.com/ok?a=1&sessionId={session['id']}#top"


def test_an_unknown_session_is_a_404_envelope(api: httpx.Client) -> None:
    response = api.get("/checkout-sessions/5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f21")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "resource_missing"
    assert response.headers["x-request-id"]


def test_expire_then_expire_again(api: httpx.Client, dynamodb: Any) -> None:
    session = create(api)

    first = api.post(f"/checkout-sessions/{session['id']}/expire")
    second = api.post(f"/checkout-sessions/{session['id']}/expire")

    assert first.status_code == 200
    assert first.json()["data"]["status"] == "expired"
    assert second.status_code == 400
    assert second.json()["error"]["code"] == "session_not_open"
    item = stored_item(dynamodb, f"SESSION#{session['id']}", "SESSION")
    assert item is not None
    assert item["status"] == {"S": "expired"}
    assert "open_shard" not in item


def test_twenty_parallel_expires_of_one_session_give_one_200(api: httpx.Client) -> None:
    session = create(api)

    def expire(_: int) -> int:
        return api.post(f"/checkout-sessions/{session['id']}/expire").status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(expire, range(20)))

    assert sorted(statuses) == [200] + [400] * 19


def test_a_short_session_reads_expired_after_its_deadline(api: httpx.Client, dynamodb: Any) -> None:
    import time

    session = create(api, {"expires_in": 2})
    time.sleep(2.1)

    response = api.get(f"/checkout-sessions/{session['id']}")

    assert response.json()["data"]["status"] == "expired"
    item = stored_item(dynamodb, f"SESSION#{session['id']}", "SESSION")
    assert item is not None
    assert item["status"] == {"S": "expired"}


def test_malformed_json_over_http_is_a_400(api: httpx.Client) -> None:
    response = api.post("/checkout-sessions", content=b"{nope", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_a_form_body_is_a_415(api: httpx.Client) -> None:
    response = api.post("/checkout-sessions", data={"expires_in": "600"})
    assert response.status_code == 415


def test_a_body_over_64_kib_is_a_413(api: httpx.Client) -> None:
    response = api.post(
        "/checkout-sessions",
        content=b'{"a":"' + b"x" * 70_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_unknown_fields_over_http_are_a_400(api: httpx.Client) -> None:
    response = api.post("/checkout-sessions", json={"line_items": []})
    assert response.status_code == 400
    assert response.json()["error"] == {
        "type": "invalid_request_error",
        "code": "parameter_unknown",
        "message": "Unknown parameter: line_items",
        "param": "line_items",
    }


def test_an_unknown_route_is_a_404_envelope(api: httpx.Client) -> None:
    response = api.get("/payments")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "route_not_found"
    assert response.json()["success"] is False


def test_a_wrong_method_is_a_405_envelope(api: httpx.Client) -> None:
    response = api.delete("/checkout-sessions/5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f21")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_parallel_creates_all_succeed_with_distinct_ids(api: httpx.Client) -> None:
    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = list(pool.map(lambda _: create(api)["id"], range(32)))
    assert len(set(ids)) == 32
