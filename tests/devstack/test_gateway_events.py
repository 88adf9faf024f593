"""The local gateway builds faithful API Gateway HTTP API v2.0 events and routes by the template."""

from __future__ import annotations

import base64

from devstack.http_events import build_event, response_from_result
from devstack.template import HttpRoute, functions

ROUTE = HttpRoute("POST", "/checkout-sessions/{id}/expire", "ExpireCheckoutSessionFunction")
SID = "5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f21"


def event(**kwargs: object) -> dict[str, object]:
    defaults: dict[str, object] = {
        "route": ROUTE,
        "method": "POST",
        "target": f"/checkout-sessions/{SID}/expire?a=1&a=2&b=",
        "headers": [("Host", "127.0.0.1:3000"), ("Content-Type", "application/json"), ("X-Custom", "v")],
        "body": b'{"k":"v"}',
        "source_ip": "127.0.0.1",
        "path_parameters": {"id": SID},
    }
    defaults.update(kwargs)
    return build_event(**defaults)  # type: ignore[arg-type]


def test_the_event_has_the_v2_shape() -> None:
    built = event()

    assert built["version"] == "2.0"
    assert built["routeKey"] == "POST /checkout-sessions/{id}/expire"
    assert built["rawPath"] == f"/checkout-sessions/{SID}/expire"
    assert built["rawQueryString"] == "a=1&a=2&b="
    assert built["queryStringParameters"] == {"a": "1,2", "b": ""}
    assert built["pathParameters"] == {"id": SID}
    context = built["requestContext"]
    assert isinstance(context, dict)
    assert context["http"]["method"] == "POST"
    assert context["requestId"]
    assert isinstance(context["timeEpoch"], int)
    assert context["routeKey"] == built["routeKey"]


def test_header_names_are_lower_cased_and_repeats_joined() -> None:
    built = event(headers=[("X-Thing", "a"), ("x-thing", "b"), ("Content-Type", "application/json")])
    assert built["headers"] == {"x-thing": "a,b", "content-type": "application/json"}


def test_cookies_move_out_of_the_headers() -> None:
    built = event(headers=[("Cookie", "a=1; b=2")])
    assert built["cookies"] == ["a=1", "b=2"]
    assert "cookie" not in built["headers"]  # type: ignore[operator]


def test_a_json_body_is_text() -> None:
    built = event()
    assert built["body"] == '{"k":"v"}'
    assert built["isBase64Encoded"] is False


def test_a_binary_body_is_base64() -> None:
    payload = bytes(range(256))
    built = event(headers=[("Content-Type", "application/octet-stream")], body=payload)
    assert built["isBase64Encoded"] is True
    assert base64.b64decode(str(built["body"])) == payload


def test_invalid_utf8_declared_as_json_is_base64() -> None:
    built = event(body=b'{"k":"\xff"}')
    assert built["isBase64Encoded"] is True


def test_routes_match_only_their_template() -> None:
    assert ROUTE.match(f"/checkout-sessions/{SID}/expire") == {"id": SID}
    assert ROUTE.match(f"/checkout-sessions/{SID}") is None
    assert ROUTE.match("/checkout-sessions//expire") is None


def test_every_route_comes_from_the_template() -> None:
    keys = {route.route_key for spec in functions() for route in spec.routes}
    assert {
        "POST /checkout-sessions",
        "GET /checkout-sessions/{id}",
        "POST /checkout-sessions/{id}/expire",
    } <= keys


def test_a_malformed_host_is_replaced_by_the_gateways_own() -> None:
    for host in ["a:b:c", "host:port", "bad host", "", "x:99999", "[::1", "-x-"]:
        built = event(headers=[("Host", host)], default_host="127.0.0.1:3000")
        assert built["headers"]["host"] == "127.0.0.1:3000"  # type: ignore[index]
        assert built["requestContext"]["domainName"] == "127.0.0.1"  # type: ignore[index]


def test_the_domain_name_is_the_host_without_its_port() -> None:
    built = event(headers=[("Host", "abc123.execute-api.us-east-1.amazonaws.com:443")])
    context = built["requestContext"]
    assert isinstance(context, dict)
    assert context["domainName"] == "abc123.execute-api.us-east-1.amazonaws.com"
    assert context["domainPrefix"] == "abc123"


def test_the_request_id_can_be_given() -> None:
    built = event(request_id="Vx1aBcDeFgHiJkL=")
    assert built["requestContext"]["requestId"] == "Vx1aBcDeFgHiJkL="  # type: ignore[index]


def test_the_default_route_and_any_routes_have_their_route_keys() -> None:
    assert event(route=HttpRoute("ANY", "$default", "F"), path_parameters={})["routeKey"] == "$default"
    assert HttpRoute("ANY", "/files/{proxy+}", "F").route_key == "ANY /files/{proxy+}"


def test_a_result_without_status_code_is_a_json_200() -> None:
    response = response_from_result({"hello": "world"})
    assert response is not None
    assert (response.status, response.body) == (200, b'{"hello":"world"}')
    assert ("content-type", "application/json") in response.headers


def test_a_full_result_becomes_status_headers_cookies_and_body() -> None:
    response = response_from_result(
        {
            "statusCode": 201,
            "headers": {"X-A": "1", "Content-Length": "999"},
            "cookies": ["a=1", "b=2"],
            "body": base64.b64encode(b"\x00\x01").decode(),
            "isBase64Encoded": True,
        }
    )
    assert response is not None
    assert response.status == 201
    assert response.headers == [("X-A", "1"), ("set-cookie", "a=1"), ("set-cookie", "b=2")]
    assert response.body == b"\x00\x01"


def test_malformed_results_are_refused() -> None:
    for result in [{"statusCode": "abc"}, {"statusCode": 200, "body": {"a": 1}}, {"statusCode": 99}]:
        assert response_from_result(result) is None
    assert response_from_result({"statusCode": 200, "body": "!!", "isBase64Encoded": True}) is None
