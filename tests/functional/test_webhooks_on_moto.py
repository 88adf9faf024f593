"""Merchant webhooks through the real handlers, the DynamoDB adapter on moto and the real HTTP
sender, to a real receiver on loopback: the signed POST, what is kept of each attempt, the
10 s bound however slowly an endpoint answers, redirects not followed, and the retry job."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from checkout import composition
from checkout.adapters.webhook_http import HttpSender
from checkout.domain.access import Permission
from checkout.signing import sign
from tests.builders import (
    TABLE_NAME,
    http_event,
    linked_order_body,
    load_event,
    order_event_body,
    signed_order_event,
)
from tests.functional.conftest import Call
from tests.functional.webhook_stream import final_session_record, new_job_records, order_change_record
from tests.stack import wait_for
from tests.support import ApiResponse, invoke
from tests.webhook_receiver import Answer, WebhookReceiver, receiver

SECRET = "whsec_functional"


@pytest.fixture
def endpoint() -> Iterator[WebhookReceiver]:
    with receiver() as running:
        yield running


@pytest.fixture
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_ALLOW_LOOPBACK", "true")
    monkeypatch.setenv("WEBHOOK_RETRY_SCHEDULE", "1")


Platform = Callable[..., ApiResponse]


@pytest.fixture
def platform(call: Call, loopback_allowed: None) -> Platform:
    """Calls a platform function with an admin key (the surface always needs one, DESIGN 10)."""
    key = composition.key_service().create("acct_local", "functional", Permission.ADMIN).secret

    def send(name: str, path: dict[str, str] | None = None, body: Any = ...) -> ApiResponse:
        return _platform(call, key, name, path, body)

    return send


def _platform(call: Call, key: str, name: str, path: dict[str, str] | None, body: Any) -> ApiResponse:
    event = load_event(name)
    event["headers"]["authorization"] = f"Bearer {key}"
    event["headers"].pop("idempotency-key", None)
    for parameter, value in (path or {}).items():
        event["rawPath"] = event["rawPath"].replace(event["pathParameters"][parameter], value)
        event["pathParameters"][parameter] = value
    if body is not ...:
        event["body"] = json.dumps(body)
    return call(name, event)


# --- the sender ----------------------------------------------------------------------------------
def test_a_delivery_is_a_signed_json_post_of_the_exact_payload(endpoint: WebhookReceiver) -> None:
    payload = '{"id":"evt_1","object":"event","amount":12.50}'

    result = HttpSender(allow_loopback=True).send(endpoint.url("/signed"), payload, SECRET)

    assert result.delivered and result.status_code == 200 and result.body == '{"received":true}'
    (request,) = endpoint.at("/signed")
    assert request.body == payload.encode()
    assert request.headers["content-type"] == "application/json"
    stamp, signature = (part.split("=", 1)[1] for part in request.headers["checkout-signature"].split(","))
    assert abs(int(stamp) - time.time()) < 5
    assert signature == sign(SECRET, int(stamp), payload.encode())


def test_only_the_first_kibibyte_of_an_answer_is_kept(endpoint: WebhookReceiver) -> None:
    endpoint.script("/long", Answer(500, b"x" * 5000))

    result = HttpSender(allow_loopback=True).send(endpoint.url("/long"), "{}", SECRET)

    assert result.status_code == 500 and result.body == "x" * 1024


def test_a_redirect_is_an_answer_not_a_destination(endpoint: WebhookReceiver) -> None:
    endpoint.script("/moved", Answer(302, b"", headers={"Location": endpoint.url("/elsewhere")}))

    result = HttpSender(allow_loopback=True).send(endpoint.url("/moved"), "{}", SECRET)

    assert result.status_code == 302 and not result.delivered
    assert endpoint.at("/elsewhere") == []


def test_an_endpoint_that_trickles_its_answer_is_cut_off_at_the_timeout() -> None:
    """One byte every 0.2 s keeps each read alive; the watchdog ends the send at the timeout."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
                if stop.wait(0.2):
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return

    threading.Thread(target=trickle, daemon=True).start()
    started = time.monotonic()
    try:
        result = HttpSender(allow_loopback=True, timeout_s=1.0).send(
            f"http://127.0.0.1:{listener.getsockname()[1]}/hook", "{}", SECRET
        )
    finally:
        stop.set()
        listener.close()

    assert time.monotonic() - started < 3
    assert result.status_code is None and result.error == "timed out after 10 s"


def test_a_closed_port_is_a_failed_attempt_saying_so() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens once it is closed

    result = HttpSender(allow_loopback=True).send(f"http://127.0.0.1:{port}/hook", "{}", SECRET)

    assert result.status_code is None and result.error == "connection refused"


# --- the handlers on moto ------------------------------------------------------------------------
def test_the_management_calls_store_and_read_back_through_dynamodb(
    platform: Platform, endpoint: WebhookReceiver
) -> None:
    created = platform("platform_create_webhook", body={"url": endpoint.url("/moto"), "events": ["*"]})
    assert created.status == 200, created.body
    webhook_id = created.body["id"]

    tested = platform("platform_test_webhook", {"id": webhook_id})
    listed = platform("platform_list_webhook_deliveries", {"id": webhook_id})
    fetched = platform("platform_get_webhook", {"id": webhook_id})

    assert tested.body["success"] is True
    assert [d["id"] for d in listed.body["data"]] == [tested.body["delivery"]["id"]]
    assert (fetched.body["success_count"], fetched.body["failure_count"]) == (1, 0)
    (request,) = endpoint.at("/moto")
    parts = dict(part.split("=", 1) for part in request.headers["checkout-signature"].split(","))
    assert parts["v1"] == sign(created.body["secret"], int(parts["t"]), request.body)
    deleted = platform("platform_delete_webhook", {"id": webhook_id})
    assert deleted.body == {"object": "webhook", "id": webhook_id, "deleted": True}


def test_the_retry_job_delivers_what_failed_once_it_is_due(
    platform: Platform, endpoint: WebhookReceiver
) -> None:
    endpoint.script("/later", Answer(500), Answer(200))
    webhook_id = platform(
        "platform_create_webhook", body={"url": endpoint.url("/later"), "events": ["*"]}
    ).body["id"]
    session = platform("platform_create_checkout_session", body={})
    assert session.status == 200, session.body
    expired = platform("platform_expire_checkout_session", {"id": session.body["id"]})
    assert expired.status == 200, expired.body
    # The stream's part, given the records it would carry (the outbox, then the new job).
    assert invoke("sync_sessions", {"Records": [final_session_record(session.body["id"])]}) == {
        "batchItemFailures": []
    }
    assert invoke("deliver_webhooks", {"Records": new_job_records(webhook_id)}) == {"attempts": 1}

    def retried() -> bool:  # the schedule's first retry is due 1 s (plus at most 10 %) after the first
        return bool(invoke("retry_webhooks", load_event("retry_webhooks"))["attempts"])

    assert wait_for(retried, timeout=10)
    first, second = endpoint.at("/later")
    assert first.body == second.body and json.loads(first.body)["type"] == "checkout.expired"


def test_the_largest_session_and_order_make_a_payment_event_that_fits_one_item(
    platform: Platform, call: Call, dynamodb: Any
) -> None:
    # Bodies of ~64 KiB each, all emoji: escaped as `\ud83d\ude00` (and again inside the session's
    # metadata string) the event came to over 400 KB; written as UTF-8 it is well under.
    emoji = "\U0001f600"
    metadata = {f"k{index:02d}": emoji * 320 for index in range(50)}
    webhook = platform("platform_create_webhook", body={"url": "https://example.com/h", "events": ["*"]})
    assert webhook.status == 200, webhook.body
    session = call(  # the public create: acct_local, the platform key's merchant, in open mode
        "create_checkout_session",
        http_event(
            "create_checkout_session", raw_body=json.dumps({"metadata": metadata}, ensure_ascii=False)
        ),
    )
    assert session.status == 200, session.body
    order_body = linked_order_body(session.data["id"], metadata={"m": emoji * 15_900})
    order = call(
        "create_order", http_event("create_order", raw_body=json.dumps(order_body, ensure_ascii=False))
    )
    assert order.status == 200, order.body
    order_id = order.data["id"]
    executed = order_event_body(order_id, "executed", event_id=f"evt_{order_id}")
    assert call("record_order_event", signed_order_event(executed)).status == 200

    outcome = invoke(
        "sync_sessions", {"Records": [order_change_record(order_id, "scanning_deposit_transaction")]}
    )

    assert outcome == {"batchItemFailures": []}
    payloads = [  # test-only look at moto's table: this order's events
        item["payload"]["S"]
        for item in dynamodb.scan(TableName=TABLE_NAME)["Items"]
        if item.get("entity", {}).get("S") == "webhook_event" and order_id in item["payload"]["S"]
    ]
    assert [json.loads(payload)["type"] for payload in payloads] == ["payment.completed"]
    assert len(payloads[0].encode()) < 150_000


def test_degrading_a_merchant_goes_on_past_a_webhook_caught_mid_transaction(
    call: Call, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    from tests.builders import a_webhook

    store = composition.webhook_store()
    hooks = [a_webhook(id=f"wh_{mark * 24}", merchant_id="acct_contention") for mark in "12"]
    for hook in hooks:
        assert store.create_webhook(hook, limit=16)
    real_update, updates = store.client.update_item, []

    def one_conflict(**request: Any) -> Any:
        updates.append(request["Key"]["sk"]["S"])
        if len(updates) == 2:  # the merchant's item first, then this webhook, mid-transaction
            conflict = {"Error": {"Code": "TransactionConflictException", "Message": "conflict"}}
            raise ClientError(conflict, "UpdateItem")  # type: ignore[arg-type]
        return real_update(**request)

    monkeypatch.setattr(store.client, "update_item", one_conflict)
    until = int(time.time() * 1000) + 60_000

    store.degrade_merchant("acct_contention", until)

    assert len(updates) == 3
    stored = [store.get_webhook("acct_contention", hook.id) for hook in hooks]
    assert sorted(hook.degraded_until == until for hook in stored if hook is not None) == [False, True]
