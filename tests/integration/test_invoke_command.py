"""`make invoke`: one function's real handler with an event file, like `sam local invoke -e`."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import httpx

from tests.builders import linked_order_body
from tests.integration.conftest import RunningStack, stack_environment, stored_item
from tests.support import ROOT, new_session


def run_invoke(stack: RunningStack, *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "devstack.invoke", *args],
        cwd=ROOT,
        env=stack_environment(stack.port, stack.dynamodb_port),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    start = result.stdout.index('{\n  "statusCode"')  # the handler's own JSON logs come first
    output: dict[str, Any] = json.loads(result.stdout[start:])
    return output


def test_invoking_create_with_its_event_file_stores_a_session(stack: RunningStack, dynamodb: Any) -> None:
    result = run_invoke(stack, "create_checkout_session", "events/create_checkout_session.json")

    assert result["statusCode"] == 200
    session = json.loads(result["body"])["data"]
    assert stored_item(dynamodb, f"SESSION#{session['id']}", "SESSION") is not None


def test_invoking_the_event_ingress_with_a_fresh_signature(
    stack: RunningStack, api: httpx.Client, tmp_path: Any
) -> None:
    session = new_session(api)
    order = api.post("/orders", json=linked_order_body(session["id"])).json()["data"]
    event = json.loads((ROOT / "events" / "record_order_event.json").read_text())
    body = json.loads(event["body"])
    body["orderId"] = order["id"]
    event["body"] = json.dumps(body)
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))

    stale = run_invoke(stack, "record_order_event", str(path))
    fresh = run_invoke(stack, "record_order_event", str(path), "--sign")

    assert stale["statusCode"] == 401
    assert fresh["statusCode"] == 200
    assert json.loads(fresh["body"])["data"]["order"]["status"] == "sending_token_from_vault"
