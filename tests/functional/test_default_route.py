"""The `$default` route's function: every request API Gateway matched to no route gets the
envelope's 404, or 405 when the path exists under another method."""

from __future__ import annotations

import json
from typing import Any

import pytest

from checkout.startup import InvalidSettings
from devstack.lambda_runtime import Handler, context_for, load_handler
from tests.functional.deploy_fixtures import deployed_environment, deployed_specs

SPEC = deployed_specs()["default_route"]
EVENT = json.loads((SPEC.code_uri.parent.parent / "events" / "default_route.json").read_text())


@pytest.fixture
def handler(monkeypatch: pytest.MonkeyPatch) -> Handler:
    deployed_environment(monkeypatch, SPEC)
    return load_handler(SPEC)


def call(handler: Handler, method: str, path: str) -> dict[str, Any]:
    event = json.loads(json.dumps(EVENT))
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = method
    result: dict[str, Any] = handler(event, context_for(SPEC))
    return result


def test_the_event_file_is_a_wrong_method_on_a_known_path(handler: Handler) -> None:
    result = handler(EVENT, context_for(SPEC))

    body = json.loads(result["body"])
    assert result["statusCode"] == 405
    assert body == {
        "success": False,
        "message": "Method DELETE is not allowed on /checkout-sessions/5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f21",
        "statusCode": 405,
        "error": {
            "type": "invalid_request_error",
            "code": "method_not_allowed",
            "message": body["message"],
        },
    }
    assert result["headers"]["allow"] == "GET"
    assert result["headers"]["x-request-id"] == EVENT["requestContext"]["requestId"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", "/checkout-sessions", "POST"),
        ("PUT", "/orders/9c1e5d7a-3b2f-4e6d-8a9b-0c1d2e3f4a5b", "GET"),
        ("GET", "/checkout-sessions/abc/expire", "POST"),
        ("GET", "/order-events", "POST"),
    ],
)
def test_a_known_path_with_another_method_is_a_405(
    handler: Handler, method: str, path: str, allow: str
) -> None:
    result = call(handler, method, path)

    assert result["statusCode"] == 405
    assert json.loads(result["body"])["error"]["code"] == "method_not_allowed"
    assert result["headers"]["allow"] == allow


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/payments"),
        ("GET", "/"),
        ("POST", "/checkout-sessions/a/b/expire"),
        ("GET", "/orders/"),
        ("DELETE", "/checkout-sessions/x/expire/now"),
    ],
)
def test_an_unknown_path_is_a_404(handler: Handler, method: str, path: str) -> None:
    result = call(handler, method, path)

    assert result["statusCode"] == 404
    body = json.loads(result["body"])
    assert body["success"] is False
    assert body["error"] == {
        "type": "invalid_request_error",
        "code": "route_not_found",
        "message": body["message"],
    }
    assert "allow" not in result["headers"]


@pytest.mark.parametrize("path", ["/api/v1", "/api/v1/", "/api/v1/nothing-here"])
def test_an_unknown_path_on_the_platform_is_a_404_in_its_shape(handler: Handler, path: str) -> None:
    result = call(handler, "GET", path)

    assert result["statusCode"] == 404
    body = json.loads(result["body"])
    assert body == {
        "error": {"type": "not_found_error", "code": "route_not_found", "message": body["error"]["message"]}
    }


@pytest.mark.parametrize("path", ["/api/v10", "/api/v1x/checkout-sessions"])
def test_a_path_that_only_starts_like_the_platform_is_public(handler: Handler, path: str) -> None:
    body = json.loads(call(handler, "GET", path)["body"])

    assert body["success"] is False
    assert body["error"]["code"] == "route_not_found"


@pytest.mark.parametrize("routes", [None, "", "GET orders", "POST /orders,FETCH /orders"])
def test_a_missing_or_malformed_route_table_stops_the_function_at_start(
    routes: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    deployed_environment(monkeypatch, SPEC, HTTP_ROUTES=routes)

    with pytest.raises(InvalidSettings, match="HTTP_ROUTES"):
        load_handler(SPEC)


def test_a_repeated_query_parameter_does_not_hide_the_wrong_method(handler: Handler) -> None:
    event = json.loads(json.dumps(EVENT))
    event["rawQueryString"] = "a=1&a=2"

    result = handler(event, context_for(SPEC))

    assert result["statusCode"] == 405
    assert json.loads(result["body"])["error"]["code"] == "method_not_allowed"
