"""Merchant webhooks over real HTTP (DESIGN 11): the local stack runs the outbox, the stream's first
attempts and the retry job as AWS does, and delivers to a real receiver on loopback. The stack's
retry schedule is seconds (`WEBHOOK_RETRY_SCHEDULE=1,2,3`)."""

from __future__ import annotations

import base64
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from checkout.signing import sign
from tests.builders import ROOT, linked_order_body
from tests.stack import (
    RunningStack,
    dynamodb_client,
    mint_key,
    start_stack,
    stop_stack,
    stored_item,
    wait_for,
)
from tests.support import send_order_event
from tests.webhook_receiver import Answer, Received, WebhookReceiver, receiver

MERCHANT = "acct_webhooks_http"


def admin_headers(stack: RunningStack, merchant: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_key(stack, merchant)}"}


@pytest.fixture(scope="module")
def admin(stack: RunningStack) -> dict[str, str]:
    return admin_headers(stack, MERCHANT)


@pytest.fixture(scope="module")
def endpoint() -> Iterator[WebhookReceiver]:
    with receiver() as running:
        yield running


def subscribe(api: httpx.Client, admin: dict[str, str], url: str, events: list[str]) -> dict[str, Any]:
    response = api.post("/api/v1/webhooks", json={"url": url, "events": events}, headers=admin)
    assert response.status_code == 200, response.text
    webhook: dict[str, Any] = response.json()
    return webhook


def new_session(api: httpx.Client, admin: dict[str, str], **body: Any) -> str:
    response = api.post("/api/v1/checkout-sessions", json=body, headers=admin)
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def pay(api: httpx.Client, session_id: str) -> None:
    order = api.post("/orders", json=linked_order_body(session_id)).json()["data"]
    for status, kind in [
        ("sending_token_from_vault", "deposit"),
        ("executing", "relay"),
        ("executed", "execute"),
    ]:
        assert send_order_event(api, order["id"], status, kind).status_code == 200


def events_of(requests: list[Received], session_id: str) -> list[dict[str, Any]]:
    payloads = [json.loads(request.body) for request in requests]
    return [p for p in payloads if (p["data"].get("checkout_session") or {}).get("id") == session_id]


def verified(request: Received, secret: str) -> bool:
    """`Checkout-Signature: t=…,v1=…` over "<t>.<raw body>" (DESIGN 5, 11)."""
    parts = dict(part.split("=", 1) for part in request.headers["checkout-signature"].split(","))
    return parts["v1"] == sign(secret, int(parts["t"]), request.body)


def test_a_paid_session_delivers_payment_completed_and_checkout_completed_once_each(
    api: httpx.Client, admin: dict[str, str], endpoint: WebhookReceiver
) -> None:
    webhook = subscribe(api, admin, endpoint.url("/paid"), ["*"])
    session_id = new_session(api, admin, client_reference_id="order-42", metadata={"cart": "c1"})

    pay(api, session_id)

    requests = endpoint.wait_for("/paid", 2)
    kinds = sorted(event["type"] for event in events_of(requests, session_id))
    assert kinds == ["checkout.completed", "payment.completed"]
    for request in requests:
        assert verified(request, webhook["secret"])
        assert request.headers["content-type"] == "application/json"
    completed = next(e for e in events_of(requests, session_id) if e["type"] == "checkout.completed")
    view = completed["data"]["checkout_session"]
    assert (view["status"], view["client_reference_id"], json.loads(view["metadata"])) == (
        "completed",
        "order-42",
        {"cart": "c1"},
    )
    paid = next(e for e in events_of(requests, session_id) if e["type"] == "payment.completed")
    assert paid["data"]["order"]["status"] == "executed"


def test_an_expired_session_delivers_checkout_expired(
    api: httpx.Client, admin: dict[str, str], endpoint: WebhookReceiver
) -> None:
    subscribe(api, admin, endpoint.url("/expired"), ["checkout.expired"])
    session_id = new_session(api, admin)

    assert api.post(f"/api/v1/checkout-sessions/{session_id}/expire", headers=admin).status_code == 200

    (event,) = events_of(endpoint.wait_for("/expired", 1), session_id)
    assert event["type"] == "checkout.expired"
    assert event["data"]["checkout_session"]["status"] == "expired"


def test_a_receiver_that_fails_twice_gets_three_attempts_of_the_same_event(
    api: httpx.Client, admin: dict[str, str], endpoint: WebhookReceiver
) -> None:
    endpoint.script("/flaky", Answer(500, b"down"), Answer(503, b"still down"), Answer(200))
    webhook = subscribe(api, admin, endpoint.url("/flaky"), ["checkout.expired"])
    session_id = new_session(api, admin)

    api.post(f"/api/v1/checkout-sessions/{session_id}/expire", headers=admin)

    requests = endpoint.wait_for("/flaky", 3)
    assert len(requests) == 3
    assert len({json.loads(request.body)["id"] for request in requests}) == 1  # the same event id
    assert len({request.body for request in requests}) == 1  # the same bytes
    deliveries = wait_for(
        lambda: (
            (d := api.get(f"/api/v1/webhooks/{webhook['id']}/deliveries", headers=admin).json())[
                "total_count"
            ]
            == 3
            and d
        )
    )
    assert [d["status"] for d in deliveries["data"]] == ["success", "failed", "failed"]
    assert [d["status_code"] for d in deliveries["data"]] == [200, 503, 500]
    assert deliveries["data"][2]["response_body"] == "down"
    counted = api.get(f"/api/v1/webhooks/{webhook['id']}", headers=admin).json()
    assert (counted["success_count"], counted["failure_count"]) == (1, 2)


def test_test_and_retry_send_at_once(
    api: httpx.Client, admin: dict[str, str], endpoint: WebhookReceiver
) -> None:
    endpoint.script("/manual", Answer(500, b"not yet"), Answer(200))
    webhook = subscribe(api, admin, endpoint.url("/manual"), ["payment.failed"])

    tested = api.post(f"/api/v1/webhooks/{webhook['id']}/test", headers=admin)
    failed = tested.json()["delivery"]
    retried = api.post(f"/api/v1/webhooks/{webhook['id']}/deliveries/{failed['id']}/retry", headers=admin)

    assert tested.status_code == 200 and tested.json()["success"] is False
    assert retried.status_code == 200 and retried.json()["success"] is True
    first, second = endpoint.at("/manual")
    assert first.body == second.body and json.loads(first.body)["type"] == "webhook.test"
    assert retried.json()["delivery"]["event_id"] == failed["event_id"]


def test_a_slow_endpoint_does_not_hold_up_another(
    api: httpx.Client, admin: dict[str, str], endpoint: WebhookReceiver
) -> None:
    endpoint.script("/slow", Answer(200, delay=6.0))
    subscribe(api, admin, endpoint.url("/slow"), ["checkout.expired"])
    subscribe(api, admin, endpoint.url("/fast"), ["checkout.expired"])
    sessions = [new_session(api, admin) for _ in range(2)]

    api.post(f"/api/v1/checkout-sessions/{sessions[0]}/expire", headers=admin)
    (slow_first,) = events_of(endpoint.wait_for("/slow", 1), sessions[0])  # the slow answer is under way
    api.post(f"/api/v1/checkout-sessions/{sessions[1]}/expire", headers=admin)

    fast = {
        event["data"]["checkout_session"]["id"]: event
        for event in events_of(endpoint.wait_for("/fast", 2), sessions[0])
    }
    arrivals = {json.loads(r.body)["data"]["checkout_session"]["id"]: r.at for r in endpoint.at("/fast")}
    slow_started = next(r.at for r in endpoint.at("/slow") if json.loads(r.body)["id"] == slow_first["id"])
    assert sessions[0] in fast
    # Both of the fast endpoint's events arrived while the slow one was still answering the first.
    assert arrivals[sessions[0]] < slow_started + 6.0
    assert arrivals[sessions[1]] < slow_started + 6.0


# --- the outbox replayed -------------------------------------------------------------------------
def delivered_this_run(log: str, function: str) -> int:
    found = re.search(rf"stream {function}: delivered (\d+) records", log)
    assert found, f"no delivery summary for {function}"
    return int(found.group(1))


def test_a_stream_replayed_twice_still_delivers_each_event_once(tmp_path: Path) -> None:
    """Three runs on the same data: the second and third forget their stream checkpoints, so each
    reads the whole stream again (every order, session and job record) before a new marker."""
    state = tmp_path / "state"
    folders = {
        "DEVSTACK_IN_MEMORY": "",
        "DEVSTACK_DATA_DIR": str(tmp_path / "data"),
        "DEVSTACK_STATE_DIR": str(state),
    }
    markers: list[str] = []
    key: dict[str, str] = {}
    with receiver() as endpoint:
        for run in range(3):
            for checkpoint in (state / "checkpoints").glob("*.json"):
                checkpoint.unlink()  # the stream is read again from its start
            stack = start_stack(tmp_path / f"run{run}.log", **folders)
            try:
                with httpx.Client(base_url=stack.base_url, timeout=30) as api:
                    if run == 0:
                        key = admin_headers(stack, "acct_replay")  # kept with the data
                        subscribe(api, key, endpoint.url("/replayed"), ["*"])
                        paid = new_session(api, key)
                        pay(api, paid)
                    # A new transition after the replayed ones: its event arrives once the
                    # records before it on the stream were handled again.
                    markers.append(new_session(api, key))
                    api.post(f"/api/v1/checkout-sessions/{markers[-1]}/expire", headers=key)
                    assert events_of(endpoint.wait_for("/replayed", 3 + run), markers[-1])
            finally:
                stop_stack(stack)
            if run > 0:  # every record of the earlier runs came again
                assert delivered_this_run(stack.log(), "SyncSessionsFunction") > 4
                assert delivered_this_run(stack.log(), "DeliverWebhooksFunction") >= 2 + run

    types = sorted((event["type"], event["data"]["checkout_session"]["id"]) for event in
                   (json.loads(r.body) for r in endpoint.at("/replayed")))  # fmt: skip
    assert types == sorted(
        [("checkout.completed", paid), ("payment.completed", paid)]
        + [("checkout.expired", marker) for marker in markers]
    )


# --- never into the service's own network ---------------------------------------------------------
@pytest.fixture(scope="module")
def guarded_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """A stack as deployed: WEBHOOK_ALLOW_LOOPBACK=false."""
    running = start_stack(tmp_path_factory.mktemp("guarded") / "devstack.log", WEBHOOK_ALLOW_LOOPBACK="false")
    yield running
    stop_stack(running)


@pytest.mark.parametrize(
    "url", ["https://169.254.169.254/latest/meta-data/", "https://10.0.0.1/hook", "https://[::1]:8443/hook"]
)
def test_an_address_in_the_services_network_is_refused_when_set(
    guarded_stack: RunningStack, url: str
) -> None:
    key = admin_headers(guarded_stack, MERCHANT)
    response = httpx.post(
        f"{guarded_stack.base_url}/api/v1/webhooks", json={"url": url, "events": ["*"]}, headers=key
    )

    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == "url"


def test_a_name_resolving_to_loopback_is_never_called(guarded_stack: RunningStack) -> None:
    key = admin_headers(guarded_stack, MERCHANT)
    with receiver("::1") as v6, receiver("127.0.0.1") as v4:
        for target in (v6, v4):
            url = f"https://localhost:{target.port}/hook"
            body = {"url": url, "events": ["*"]}
            webhook = httpx.post(f"{guarded_stack.base_url}/api/v1/webhooks", json=body, headers=key).json()

            tested = httpx.post(
                f"{guarded_stack.base_url}/api/v1/webhooks/{webhook['id']}/test", headers=key, timeout=30
            )

            delivery = tested.json()["delivery"]
            assert delivery["status"] == "failed" and delivery["status_code"] is None
            assert delivery["error_message"] == "not sent: localhost resolves to a loopback address"
        assert v6.received == [] and v4.received == []


def test_the_webhook_items_are_stored_as_designed(
    api: httpx.Client, admin: dict[str, str], stack: RunningStack, endpoint: WebhookReceiver
) -> None:
    webhook = subscribe(api, admin, endpoint.url("/stored"), ["*"])
    item = stored_item(dynamodb_client(stack), f"MERCHANT#{MERCHANT}", f"WEBHOOK#{webhook['id']}")
    assert item is not None and item["secret"]["S"] == webhook["secret"]


# --- the README's verifiers ----------------------------------------------------------------------
def readme_verifier(language: str) -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("**Verifying a delivery.**") :]
    found = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert found, f"the README lost its {language} verifier"
    return found.group(1)


def python_verifies(header: str, body: bytes, secret: str) -> bool:
    namespace: dict[str, Any] = {}
    exec(readme_verifier("python"), namespace)  # the README's code, as a merchant would paste it
    return bool(namespace["verify"](header, body, secret))


def node_verifies(header: str, body: bytes, secret: str) -> bool:
    script = readme_verifier("javascript") + (
        "\nconst [header, body, secret] = JSON.parse(process.argv[1]);"
        "\nprocess.stdout.write(String(verify(header, Buffer.from(body, 'base64'), secret)));"
    )
    argument = json.dumps([header, base64.b64encode(body).decode(), secret])
    done = subprocess.run(["node", "-e", script, argument], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout == "true"


def test_a_delivery_verifies_with_the_readmes_python_and_javascript(
    api: httpx.Client, admin: dict[str, str], endpoint: WebhookReceiver
) -> None:
    webhook = subscribe(api, admin, endpoint.url("/verified"), ["*"])
    api.post(f"/api/v1/webhooks/{webhook['id']}/test", headers=admin)
    (delivery,) = endpoint.wait_for("/verified", 1)
    header, body, secret = delivery.headers["checkout-signature"], delivery.body, webhook["secret"]

    assert python_verifies(header, body, secret)
    assert node_verifies(header, body, secret)
    tampered = body.replace(b"webhook.test", b"webhook.tost")
    assert not python_verifies(header, tampered, secret) and not node_verifies(header, tampered, secret)
    assert not python_verifies(header, body, "whsec_other") and not node_verifies(header, body, "whsec_other")
