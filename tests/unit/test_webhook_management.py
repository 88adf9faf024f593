"""`/api/v1/webhooks` at the HTTP edge (DESIGN 11), as the published SDK's `WebhooksResource`
calls it: the `Webhook`, `WebhookDelivery`, `DeletedResponse`, `ActionResponse` and `ListResponse`
shapes, `read`/`admin` permissions, the secret shown once, and 404 across merchants."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import pytest

from checkout import composition
from checkout.domain.access import Permission
from checkout.domain.webhook_delivery import Deliveries
from tests.builders import load_event
from tests.fake_webhooks import OK, SERVER_ERROR, ScriptedSender
from tests.fakes import InMemoryRepository
from tests.support import ApiResponse
from tests.unit.conftest import Call

HOOK_URL = "https://shop.example.com/webhooks/checkout"
EXAMPLE_ID = "wh_3f1a9c0b7d2e4f5a6b7c8d9e"
EXAMPLE_DELIVERY = "dlv_1795463233000a1b2c3d4e5f6"


@pytest.fixture
def sender(monkeypatch: pytest.MonkeyPatch, store: InMemoryRepository, function_env: None) -> ScriptedSender:
    scripted = ScriptedSender(OK)
    deliveries = Deliveries(store, scripted, (1, 2))
    monkeypatch.setattr(composition, "deliveries", lru_cache(maxsize=1)(lambda: deliveries))
    return scripted


@pytest.fixture
def keys(function_env: None) -> Iterator[dict[str, str]]:
    service = composition.key_service()
    made = {
        permission.value: service.create("acct_local", permission.value, permission).secret
        for permission in Permission
    }
    made["other"] = service.create("acct_other", "other", Permission.ADMIN).secret
    yield made


def request(
    call: Call,
    name: str,
    key: str | None,
    *,
    webhook_id: str | None = None,
    delivery_id: str | None = None,
    body: Any = ...,
    query: dict[str, str] | None = None,
) -> ApiResponse:
    event = load_event(name)
    event["headers"].pop("idempotency-key", None)
    event["headers"].pop("authorization", None)
    if key is not None:
        event["headers"]["authorization"] = f"Bearer {key}"
    for parameter, value, example in (
        ("id", webhook_id, EXAMPLE_ID),
        ("delivery_id", delivery_id, EXAMPLE_DELIVERY),
    ):
        if value is not None:
            event["pathParameters"][parameter] = value
            event["rawPath"] = event["rawPath"].replace(example, value)
    if body is not ...:
        event["body"] = json.dumps(body)
        event["headers"]["content-type"] = "application/json"
    if query is not None:
        event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
        event["queryStringParameters"] = query or None
    return call(name, event)


def create(call: Call, keys: dict[str, str], key: str = "admin", **body: Any) -> dict[str, Any]:
    wanted = {"url": HOOK_URL, "events": ["*"], **body}
    response = request(call, "platform_create_webhook", keys[key], body=wanted)
    assert response.status == 200, response.body
    created: dict[str, Any] = response.body
    return created


def assert_error(response: ApiResponse, status: int, error_type: str, code: str) -> None:
    assert response.status == status, response.body
    assert set(response.body) == {"error"}
    assert (response.body["error"]["type"], response.body["error"]["code"]) == (error_type, code)


# --- the Webhook ---------------------------------------------------------------------------------
def test_a_created_webhook_has_the_sdks_fields_and_its_secret_once(
    call: Call, keys: dict[str, str], sender: ScriptedSender
) -> None:
    created = create(call, keys, events=["checkout.completed", "payment.failed"], description="orders")

    assert created["object"] == "webhook"
    assert created["id"].startswith("wh_") and created["url"] == HOOK_URL
    assert created["events"] == ["checkout.completed", "payment.failed"]
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
    assert (created["is_active"], created["success_count"], created["failure_count"]) == (True, 0, 0)
    assert created["last_triggered_at"] is None
    assert created["created_at"] == created["updated_at"] > 1.7e12
    fetched = request(call, "platform_get_webhook", keys["read"], webhook_id=created["id"]).body
    listed = request(call, "platform_list_webhooks", keys["read"]).body
    assert "secret" not in fetched
    assert fetched == {key: value for key, value in created.items() if key != "secret"}
    assert listed == {
        "object": "list",
        "data": [fetched],
        "has_more": False,
        "total_count": 1,
        "url": "/api/v1/webhooks",
    }


def test_writing_webhooks_needs_an_admin_key(
    call: Call, keys: dict[str, str], sender: ScriptedSender
) -> None:
    response = request(
        call, "platform_create_webhook", keys["write"], body={"url": HOOK_URL, "events": ["*"]}
    )
    assert_error(response, 403, "permission_error", "insufficient_permissions")
    assert_error(
        request(call, "platform_list_webhooks", None), 401, "authentication_error", "api_key_required"
    )


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"url": "http://shop.example.com/hook", "events": ["*"]}, "url"),
        ({"url": "https://169.254.169.254/latest", "events": ["*"]}, "url"),
        ({"url": "https://" + "a" * 64 + ".example.com/hook", "events": ["*"]}, "url"),
        ({"url": HOOK_URL, "events": ["checkout.finished"]}, "events"),
        ({"url": HOOK_URL, "events": []}, "events"),
        ({"url": HOOK_URL, "events": ["*", "payment.failed"]}, "events"),
        ({"url": HOOK_URL, "events": "*"}, "events"),
        ({"url": HOOK_URL}, "events"),
        ({"url": HOOK_URL, "events": ["*"], "description": "x" * 501}, "description"),
        ({"url": HOOK_URL, "events": ["*"], "secret": "whsec_mine"}, "secret"),
    ],
)
def test_a_webhook_that_cannot_be_is_a_400_naming_the_field(
    call: Call, keys: dict[str, str], sender: ScriptedSender, body: dict[str, Any], param: str
) -> None:
    response = request(call, "platform_create_webhook", keys["admin"], body=body)

    assert response.status == 400, response.body
    assert response.body["error"]["param"] == param
    assert response.body["error"]["message"]


def test_a_merchant_has_at_most_sixteen_webhooks(
    call: Call, keys: dict[str, str], sender: ScriptedSender
) -> None:
    for _ in range(16):
        create(call, keys)

    response = request(
        call, "platform_create_webhook", keys["admin"], body={"url": HOOK_URL, "events": ["*"]}
    )

    assert_error(response, 400, "invalid_request_error", "webhook_limit_reached")


def test_another_merchants_webhook_does_not_exist(
    call: Call, keys: dict[str, str], sender: ScriptedSender
) -> None:
    mine = create(call, keys)["id"]

    for name in ("platform_get_webhook", "platform_delete_webhook", "platform_test_webhook"):
        assert_error(
            request(call, name, keys["other"], webhook_id=mine), 404, "not_found_error", "resource_missing"
        )
    patched = request(
        call, "platform_update_webhook", keys["other"], webhook_id=mine, body={"is_active": False}
    )
    assert_error(patched, 404, "not_found_error", "resource_missing")
    assert request(call, "platform_list_webhooks", keys["other"]).body["data"] == []
    assert sender.sent == []


@pytest.mark.parametrize("webhook_id", ["wh_nope", "x" * 300, "wh_" + "G" * 24])
def test_a_malformed_id_is_a_404_without_a_lookup(
    call: Call, keys: dict[str, str], sender: ScriptedSender, store: InMemoryRepository, webhook_id: str
) -> None:
    response = request(call, "platform_get_webhook", keys["read"], webhook_id=webhook_id)

    assert_error(response, 404, "not_found_error", "resource_missing")
    assert "get_webhook" not in store.calls


def test_an_update_changes_only_what_it_names(
    call: Call, keys: dict[str, str], sender: ScriptedSender
) -> None:
    created = create(call, keys, events=["checkout.completed"], description="orders")

    response = request(
        call, "platform_update_webhook", keys["admin"], webhook_id=created["id"], body={"is_active": False}
    )

    assert response.status == 200, response.body
    assert response.body["is_active"] is False
    assert (response.body["url"], response.body["events"], response.body["description"]) == (
        HOOK_URL,
        ["checkout.completed"],
        "orders",
    )
    assert "secret" not in response.body


def test_an_update_that_changes_nothing_is_a_400(
    call: Call, keys: dict[str, str], sender: ScriptedSender
) -> None:
    created = create(call, keys)
    response = request(call, "platform_update_webhook", keys["admin"], webhook_id=created["id"], body={})
    assert response.status == 400, response.body


def test_a_deleted_webhook_is_gone(call: Call, keys: dict[str, str], sender: ScriptedSender) -> None:
    webhook_id = create(call, keys)["id"]

    deleted = request(call, "platform_delete_webhook", keys["admin"], webhook_id=webhook_id)

    assert deleted.status == 200
    assert deleted.body == {"object": "webhook", "id": webhook_id, "deleted": True}
    assert request(call, "platform_get_webhook", keys["read"], webhook_id=webhook_id).status == 404
    assert request(call, "platform_delete_webhook", keys["admin"], webhook_id=webhook_id).status == 404


# --- test, deliveries, retry ---------------------------------------------------------------------
def test_a_test_sends_a_signed_test_event_and_answers_with_the_delivery(
    call: Call, keys: dict[str, str], sender: ScriptedSender
) -> None:
    created = create(call, keys)

    response = request(call, "platform_test_webhook", keys["admin"], webhook_id=created["id"])

    assert response.status == 200, response.body
    assert response.body["object"] == "action" and response.body["action"] == "test"
    assert response.body["success"] is True
    delivery = response.body["delivery"]
    assert delivery["object"] == "webhook_delivery" and delivery["status"] == "success"
    assert delivery["event_type"] == "webhook.test" and delivery["webhook_id"] == created["id"]
    ((url, payload, secret),) = sender.sent
    assert (url, secret) == (HOOK_URL, created["secret"])
    event = json.loads(payload)
    assert (event["object"], event["type"], event["id"]) == ("event", "webhook.test", delivery["event_id"])
    assert "secret" not in event["data"]["webhook"]


def test_deliveries_list_every_attempt_newest_first(
    call: Call, keys: dict[str, str], sender: ScriptedSender
) -> None:
    created = create(call, keys)
    sender.default = [SERVER_ERROR, OK, OK]
    for _ in range(3):
        request(call, "platform_test_webhook", keys["admin"], webhook_id=created["id"])
        time.sleep(0.002)  # a millisecond apart: attempts order by their time

    page = request(call, "platform_list_webhook_deliveries", keys["read"], webhook_id=created["id"],
                   query={"page": "1", "limit": "2"})  # fmt: skip
    rest = request(call, "platform_list_webhook_deliveries", keys["read"], webhook_id=created["id"],
                   query={"page": "2", "limit": "2"})  # fmt: skip

    assert page.status == 200, page.body
    assert (page.body["object"], page.body["has_more"], page.body["total_count"]) == ("list", True, 3)
    assert page.body["url"] == f"/api/v1/webhooks/{created['id']}/deliveries"
    statuses = [d["status"] for d in page.body["data"] + rest.body["data"]]
    assert statuses == ["success", "success", "failed"]
    attempted = [d["attempted_at"] for d in page.body["data"] + rest.body["data"]]
    assert attempted == sorted(attempted, reverse=True)
    failed = rest.body["data"][0]
    assert (failed["status_code"], failed["response_body"]) == (500, "oops")
    webhook = request(call, "platform_get_webhook", keys["read"], webhook_id=created["id"]).body
    assert (webhook["success_count"], webhook["failure_count"]) == (2, 1)
    assert webhook["last_triggered_at"] == attempted[0]


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "0"},
        {"limit": "101"},
        {"page": "0"},
        {"page": "x"},
        {"sort": "asc"},
        {"limit": "%205"},
        {"page": "1.0"},
    ],
)
def test_a_deliveries_query_out_of_bounds_is_a_400(
    call: Call, keys: dict[str, str], sender: ScriptedSender, query: dict[str, str]
) -> None:
    created = create(call, keys)
    response = request(
        call, "platform_list_webhook_deliveries", keys["read"], webhook_id=created["id"], query=query
    )
    assert response.status == 400, response.body


def test_a_retry_sends_the_same_event_again_as_a_new_delivery(
    call: Call, keys: dict[str, str], sender: ScriptedSender
) -> None:
    created = create(call, keys)
    sender.default = [SERVER_ERROR, OK]
    first = request(call, "platform_test_webhook", keys["admin"], webhook_id=created["id"]).body["delivery"]

    retried = request(call, "platform_retry_webhook_delivery", keys["admin"], webhook_id=created["id"],
                      delivery_id=first["id"])  # fmt: skip

    assert retried.status == 200, retried.body
    assert (retried.body["action"], retried.body["success"]) == ("retry", True)
    assert retried.body["delivery"]["event_id"] == first["event_id"]
    assert retried.body["delivery"]["id"] != first["id"]
    assert sender.sent[0][1] == sender.sent[1][1]  # the same bytes: the same event


@pytest.mark.parametrize("delivery_id", ["dlv_1795463233000a1b2c3d4e5f6", "dlv_nope", "../../x"])
def test_retrying_a_delivery_that_is_not_there_is_a_404(
    call: Call, keys: dict[str, str], sender: ScriptedSender, delivery_id: str
) -> None:
    created = create(call, keys)
    response = request(call, "platform_retry_webhook_delivery", keys["admin"], webhook_id=created["id"],
                       delivery_id=delivery_id)  # fmt: skip
    assert_error(response, 404, "not_found_error", "resource_missing")
    assert sender.sent == []
