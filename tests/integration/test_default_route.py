"""Locally as in AWS, a request no route matches goes to the `$default` route's function, which
answers in the envelope: the gateway itself answers nothing."""

from __future__ import annotations

import json

import httpx

from tests.integration.conftest import RunningStack, wait_for


def logged_by(stack: RunningStack, function: str, request_id: str) -> bool:
    """Whether `function` logged the request (its correlation id is the API request id)."""
    for line in stack.log().splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            if entry.get("function_name") == function and entry.get("correlation_id") == request_id:
                return True
    return False


def test_an_unknown_path_is_the_default_functions_404_envelope(
    api: httpx.Client, stack: RunningStack
) -> None:
    response = api.get("/payments/42")

    assert response.status_code == 404
    assert response.json() == {
        "success": False,
        "message": "No route for GET /payments/42",
        "statusCode": 404,
        "error": {
            "type": "invalid_request_error",
            "code": "route_not_found",
            "message": "No route for GET /payments/42",
        },
    }
    request_id = response.headers["x-request-id"]
    assert wait_for(lambda: logged_by(stack, "DefaultRouteFunction", request_id), timeout=5)


def test_a_known_path_with_another_method_is_its_405_envelope(api: httpx.Client, stack: RunningStack) -> None:
    response = api.put("/orders/9c1e5d7a-3b2f-4e6d-8a9b-0c1d2e3f4a5b", json={})

    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    body = response.json()
    assert body["error"] == {
        "type": "invalid_request_error",
        "code": "method_not_allowed",
        "message": body["message"],
    }
    assert wait_for(
        lambda: logged_by(stack, "DefaultRouteFunction", response.headers["x-request-id"]), timeout=5
    )
