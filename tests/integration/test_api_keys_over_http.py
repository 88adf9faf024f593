"""Merchants and keys over real HTTP (DESIGN 8), on a second local stack in `AUTH_MODE=required`:
every answer with its exact status and error type, keys minted with `make api-key`, and neither a
key nor its hash in the logs of the whole run."""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.builders import ROOT, linked_order_body, order_body
from tests.integration.conftest import TABLE_NAME, RunningStack, start_stack, stop_stack
from tests.stack import printed_admin_key

minted: list[str] = []  # every key this module made, for the log check at the end


@pytest.fixture(scope="module")
def required_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    log = tmp_path_factory.mktemp("required") / "devstack.log"
    running = start_stack(log, AUTH_MODE="required", API_KEY_CACHE_SECONDS="1")
    yield running
    stop_stack(running)


@pytest.fixture(scope="module")
def api(required_stack: RunningStack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=required_stack.base_url, timeout=30) as client:
        yield client


def make(stack: RunningStack, *args: str) -> str:
    env = {**os.environ, "DYNAMODB_PORT": str(stack.dynamodb_port), "TABLE_NAME": TABLE_NAME}
    done = subprocess.run(
        ["make", "-s", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def new_key(stack: RunningStack, merchant: str, permission: str) -> str:
    output = make(stack, "api-key", f"MERCHANT={merchant}", f"PERMISSIONS={permission}", "NAME=integration")
    key = output.strip().splitlines()[-1]  # alone on the last line
    minted.append(key)
    return key


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def assert_error(response: httpx.Response, status: int, error_type: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error"]["type"] == error_type
    assert response.headers["x-request-id"]


@pytest.fixture(scope="module")
def writer_a(required_stack: RunningStack) -> str:
    return new_key(required_stack, "acct_integration_a", "write")


@pytest.fixture(scope="module")
def admin_b(required_stack: RunningStack) -> str:
    return new_key(required_stack, "acct_integration_b", "admin")


@pytest.fixture
def session_of_a(api: httpx.Client, writer_a: str) -> dict[str, Any]:
    response = api.post("/checkout-sessions", json={}, headers=auth(writer_a))
    assert response.status_code == 200, response.text
    session: dict[str, Any] = response.json()["data"]
    return session


def test_make_api_key_prints_a_test_key_alone_on_its_last_line(required_stack: RunningStack) -> None:
    key = new_key(required_stack, "acct_integration_c", "read")

    assert key.startswith("csk_test_") and len(key) == len("csk_test_") + 43


def test_make_dev_prints_a_ready_admin_key_for_the_local_merchant(
    api: httpx.Client, required_stack: RunningStack
) -> None:
    key = printed_admin_key(required_stack)

    created = api.post("/api/v1/checkout-sessions", json={}, headers=auth(key))
    listed = api.get("/api/v1/checkout-sessions", headers=auth(key))

    assert created.status_code == 200, created.text
    assert listed.status_code == 200, listed.text
    assert created.json()["id"] in [session["id"] for session in listed.json()["data"]]
    assert api.get("/api/v1/checkout-sessions").status_code == 401


def test_no_key_is_a_401(api: httpx.Client) -> None:
    assert_error(api.post("/checkout-sessions", json={}), 401, "authentication_error")


def test_a_malformed_key_is_a_401(api: httpx.Client) -> None:
    assert_error(
        api.post("/checkout-sessions", json={}, headers={"Authorization": "Bearer x"}),
        401,
        "authentication_error",
    )


def test_an_unknown_key_is_a_401(api: httpx.Client) -> None:
    unknown = auth("csk_test_" + "Z" * 43)
    assert_error(api.post("/checkout-sessions", json={}, headers=unknown), 401, "authentication_error")


def test_a_revoked_key_is_a_401_once_the_cache_window_has_passed(
    api: httpx.Client, required_stack: RunningStack
) -> None:
    key = new_key(required_stack, "acct_integration_a", "write")
    assert api.post("/checkout-sessions", json={}, headers=auth(key)).status_code == 200
    listed = make(required_stack, "api-key", "MERCHANT=acct_integration_a", "PERMISSIONS=read")
    minted.append(listed.strip().splitlines()[-1])
    key_id = _key_id(required_stack, key)

    make(required_stack, "api-key-revoke", f"ID={key_id}")
    time.sleep(1.5)  # the stack trusts what it read of a key for 1 s (60 s in AWS)

    assert_error(api.post("/checkout-sessions", json={}, headers=auth(key)), 401, "authentication_error")


def _key_id(stack: RunningStack, key: str) -> str:
    import boto3

    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=f"http://127.0.0.1:{stack.dynamodb_port}",
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    key_hash = hashlib.sha256(key.encode()).hexdigest()
    item = dynamodb.get_item(
        TableName=TABLE_NAME, Key={"pk": {"S": f"APIKEY#{key_hash}"}, "sk": {"S": "APIKEY"}}
    )
    return str(item["Item"]["id"]["S"])


def test_a_read_key_on_a_write_is_a_403(api: httpx.Client, required_stack: RunningStack) -> None:
    reader = new_key(required_stack, "acct_integration_a", "read")
    assert_error(api.post("/checkout-sessions", json={}, headers=auth(reader)), 403, "permission_error")


def test_merchant_b_reading_merchant_as_session_is_a_404(
    api: httpx.Client, session_of_a: dict[str, Any], admin_b: str
) -> None:
    response = api.get(f"/checkout-sessions/{session_of_a['id']}", headers=auth(admin_b))
    assert_error(response, 404, "invalid_request_error")


def test_merchant_b_expiring_merchant_as_session_is_a_404(
    api: httpx.Client, session_of_a: dict[str, Any], admin_b: str, writer_a: str
) -> None:
    response = api.post(f"/checkout-sessions/{session_of_a['id']}/expire", headers=auth(admin_b))

    assert_error(response, 404, "invalid_request_error")
    still = api.get(f"/checkout-sessions/{session_of_a['id']}", headers=auth(writer_a)).json()["data"]
    assert still["status"] == "open"


def test_merchant_b_linking_an_order_to_merchant_as_session_is_the_unknown_session_400(
    api: httpx.Client, session_of_a: dict[str, Any], admin_b: str
) -> None:
    response = api.post("/orders", json=linked_order_body(session_of_a["id"]), headers=auth(admin_b))

    assert_error(response, 400, "invalid_request_error")
    assert response.json()["error"]["code"] == "session_not_found"


def test_a_buyer_needs_no_key_to_read_link_and_follow(
    api: httpx.Client, session_of_a: dict[str, Any]
) -> None:
    assert api.get(f"/checkout-sessions/{session_of_a['id']}").status_code == 200
    order = api.post("/orders", json=linked_order_body(session_of_a["id"]))
    assert order.status_code == 200, order.text
    assert api.get(f"/orders/{order.json()['data']['id']}").status_code == 200


def test_a_standalone_order_needs_a_write_key(api: httpx.Client, writer_a: str) -> None:
    assert_error(api.post("/orders", json=order_body()), 401, "authentication_error")
    assert api.post("/orders", json=order_body(), headers=auth(writer_a)).status_code == 200


def test_zz_no_key_or_hash_ever_reaches_the_logs(required_stack: RunningStack) -> None:
    """Runs last in this module (by name): every key minted above has been used by now."""
    log = required_stack.log()
    assert minted
    assert "acct_integration_a" in log  # the functions' logs were captured (merchant ids are fine)
    for key in minted:
        assert key not in log
        assert key[12:] not in log
        assert hashlib.sha256(key.encode()).hexdigest() not in log
