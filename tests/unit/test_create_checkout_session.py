"""POST /checkout-sessions: validation (DESIGN 2.2), the envelope, and the stored item (DESIGN 4)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.builders import http_event
from tests.support import ApiResponse

Call = Callable[[str, dict[str, Any]], ApiResponse]
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def create(call: Call, body: Any = ..., **kwargs: Any) -> ApiResponse:
    return call("create_checkout_session", http_event("create_checkout_session", body=body, **kwargs))


def assert_invalid(response: ApiResponse, status: int, code: str, param: str | None = None) -> None:
    assert response.status == status, response.body
    assert response.body["success"] is False
    assert response.body["statusCode"] == status
    assert response.error["code"] == code
    assert response.error["type"] == "invalid_request_error"
    assert response.error.get("param") == param
    assert response.body["message"]
    assert "data" not in response.body
    assert response.headers["x-request-id"]


def test_the_event_file_creates_an_open_session(call: Call) -> None:
    from tests.builders import load_event

    response = call("create_checkout_session", load_event("create_checkout_session"))

    assert response.status == 200
    assert response.body["success"] is True
    assert response.body["statusCode"] == 200
    assert response.body["message"] == "Checkout session created"
    session = response.data
    assert session["status"] == "open"
    assert session["metadata"] == {"cart_id": "cart_123"}
    assert session["client_reference_id"] == "order-42"
    assert session["success_url"] == f"https://shop.example.com/thanks?session={session['id']}"
    assert session["cancel_url"] == f"https://shop.example.com/cart?sessionId={session['id']}"
    assert response.headers["x-request-id"] == "Vx1aBcDeFgHiJkL="


def test_an_empty_body_creates_a_session_with_defaults(call: Call) -> None:
    response = create(call, raw_body="", content_type=None)

    assert response.status == 200
    session = response.data
    assert session["status"] == "open"
    assert session["success_url"] is None
    assert session["cancel_url"] is None
    assert session["metadata"] == {}
    assert session["client_reference_id"] is None
    assert session["order_id"] is None
    assert session["completed_at"] is None
    for field in ("expires_at", "created_at", "updated_at"):
        assert ISO_Z.match(session[field]), session[field]


def test_an_empty_object_is_valid(call: Call) -> None:
    assert create(call, {}).status == 200


def test_the_session_object_has_exactly_the_contract_fields(call: Call) -> None:
    assert set(create(call, {}).data) == {
        "id",
        "status",
        "success_url",
        "cancel_url",
        "metadata",
        "client_reference_id",
        "order_id",
        "expires_at",
        "created_at",
        "updated_at",
        "completed_at",
    }


def test_default_expiry_is_1800_seconds(call: Call) -> None:
    from datetime import datetime

    session = create(call, {}).data
    created = datetime.fromisoformat(session["created_at"].replace("Z", "+00:00"))
    expires = datetime.fromisoformat(session["expires_at"].replace("Z", "+00:00"))
    assert 1799 <= (expires - created).total_seconds() <= 1800


@pytest.mark.parametrize("expires_in", [300, 301, 1800, 86399, 86400])
def test_expires_in_accepts_the_bounds(call: Call, expires_in: int) -> None:
    assert create(call, {"expires_in": expires_in}).status == 200


@pytest.mark.parametrize("expires_in", [299, 86401, 0, -1, 10**20])
def test_expires_in_outside_the_bounds_is_rejected(call: Call, expires_in: int) -> None:
    response = create(call, {"expires_in": expires_in})
    assert_invalid(response, 400, "parameter_invalid", "expires_in")
    assert response.body["message"] == "expires_in must be between 300 and 86400"


@pytest.mark.parametrize("expires_in", ["600", 600.0, 600.5, True, "", [600], {"s": 600}])
def test_expires_in_must_be_an_integer(call: Call, expires_in: Any) -> None:
    response = create(call, {"expires_in": expires_in})
    assert_invalid(response, 400, "parameter_invalid", "expires_in")
    assert response.body["message"] == "expires_in must be an integer"


def test_expiry_bounds_come_from_the_environment(call: Call, monkeypatch: pytest.MonkeyPatch) -> None:
    from checkout import composition

    monkeypatch.setenv("MIN_EXPIRES_IN", "2")
    composition.reset()

    assert create(call, {"expires_in": 2}).status == 200
    assert create(call, {"expires_in": 1}).status == 400


def test_an_unknown_field_is_rejected_by_name(call: Call) -> None:
    response = create(call, {"expires_in": 600, "amount": 100})
    assert_invalid(response, 400, "parameter_unknown", "amount")
    assert response.body["message"] == "Unknown parameter: amount"


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example.com/done",
        "https://shop.example.com:8443/done?x=1#top",
        "http://localhost:3000/done",
        "http://127.0.0.1/done",
        "https://xn--bcher-kva.example/ok",
        # 2048 once `?sessionId=<id>` is appended (47 characters)
        "https://shop.example.com/" + "a" * (2048 - 47 - len("https://shop.example.com/")),
    ],
)
def test_acceptable_redirect_urls(call: Call, url: str) -> None:
    assert create(call, {"success_url": url, "cancel_url": url}).status == 200


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://shop.example.com/done", "must use https"),
        ("ftp://shop.example.com/done", "must be an absolute https URL"),
        ("/relative/path", "must be an absolute https URL"),
        ("https://", "must be an absolute https URL"),
        ("javascript:alert(1)", "must be an absolute https URL"),
        ("https://user:pass@shop.example.com/", "must not contain credentials"),
        ("https://user@shop.example.com/", "must not contain credentials"),
        ("https://shop.example.com/a b", "whitespace, control or invisible characters"),
        ("https://shop.example.com/\x00", "whitespace, control or invisible characters"),
        ("https://shop.example.com/\n", "whitespace, control or invisible characters"),
        ("https://shop.example.com:99999/", "must have a port from 0 to 65535"),
        ("https://shop.example.com/" + "a" * (2049 - len("https://shop.example.com/")), "at most 2048"),
    ],
)
@pytest.mark.parametrize("field", ["success_url", "cancel_url"])
def test_unacceptable_redirect_urls_are_rejected(call: Call, field: str, url: str, reason: str) -> None:
    response = create(call, {field: url})
    assert_invalid(response, 400, "parameter_invalid", field)
    assert reason in response.body["message"]
    assert response.body["message"].startswith(field)


def test_allowed_redirect_hosts_limit_the_host(call: Call, monkeypatch: pytest.MonkeyPatch) -> None:
    from checkout import composition

    monkeypatch.setenv("ALLOWED_REDIRECT_HOSTS", "shop.example.com, pay.example.com")
    composition.reset()

    assert create(call, {"success_url": "https://SHOP.example.com/ok"}).status == 200
    response = create(call, {"success_url": "https://evil.example.net/ok"})
    assert_invalid(response, 400, "parameter_invalid", "success_url")
    assert "allowed redirect hosts" in response.body["message"]


def test_an_allowed_host_may_be_written_in_unicode(call: Call, monkeypatch: pytest.MonkeyPatch) -> None:
    from checkout import composition

    monkeypatch.setenv("ALLOWED_REDIRECT_HOSTS", "B\u00fccher.example")
    composition.reset()

    for url in ("https://b\u00fccher.example/ok", "https://xn--bcher-kva.example/ok"):
        response = create(call, {"success_url": url})
        assert response.status == 200, response.body
        assert response.data["success_url"].startswith("https://xn--bcher-kva.example/ok")


@pytest.mark.parametrize("field", ["success_url", "cancel_url", "client_reference_id"])
def test_string_fields_reject_other_types(call: Call, field: str) -> None:
    response = create(call, {field: 42})
    assert_invalid(response, 400, "parameter_invalid", field)
    assert response.body["message"] == f"{field} must be a string"


def test_null_fields_count_as_absent(call: Call) -> None:
    body = {
        "expires_in": None,
        "success_url": None,
        "cancel_url": None,
        "metadata": None,
        "client_reference_id": None,
    }
    response = create(call, body)
    assert response.status == 200
    assert response.data["metadata"] == {}


def test_metadata_at_its_limits_is_accepted(call: Call) -> None:
    metadata = {f"k{index:02d}".ljust(40, "x"): "v" * 500 for index in range(50)}
    response = create(call, {"metadata": metadata})
    assert response.status == 200
    assert response.data["metadata"] == metadata


def test_metadata_keeps_unicode_and_counts_characters_not_bytes(call: Call) -> None:
    metadata = {"名前": "ü" * 500, "emoji🙂": "🙂" * 500}
    response = create(call, {"metadata": metadata})
    assert response.status == 200
    assert response.data["metadata"] == metadata


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({f"k{index}": "v" for index in range(51)}, "at most 50 keys"),
        ({"k" * 41: "v"}, "metadata keys must be 1-40 characters"),
        ({"": "v"}, "metadata keys must be 1-40 characters"),
        ({"items[0]": "v"}, "without '[' or ']'"),
        ({"a]": "v"}, "without '[' or ']'"),
        ({"k": "v" * 501}, "at most 500 characters"),
    ],
)
def test_metadata_limits(call: Call, metadata: dict[str, str], message: str) -> None:
    response = create(call, {"metadata": metadata})
    assert_invalid(response, 400, "parameter_invalid", "metadata")
    assert message in response.body["message"]


@pytest.mark.parametrize("metadata", [{"k": 1}, {"k": None}, {"k": {"nested": "v"}}, {"k": ["v"]}])
def test_metadata_values_must_be_strings(call: Call, metadata: dict[str, Any]) -> None:
    response = create(call, {"metadata": metadata})
    assert_invalid(response, 400, "parameter_invalid", "metadata.k")
    assert response.body["message"] == "metadata.k must be a string"


@pytest.mark.parametrize("metadata", ["a=b", ["k", "v"], 5])
def test_metadata_must_be_an_object(call: Call, metadata: Any) -> None:
    response = create(call, {"metadata": metadata})
    assert_invalid(response, 400, "parameter_invalid", "metadata")
    assert response.body["message"] == "metadata must be an object"


@pytest.mark.parametrize("reference", ["a", "A-z_09", "x" * 255, "order-2026_11"])
def test_client_reference_id_accepts_its_charset(call: Call, reference: str) -> None:
    response = create(call, {"client_reference_id": reference})
    assert response.status == 200
    assert response.data["client_reference_id"] == reference


@pytest.mark.parametrize("reference", ["", "x" * 256, "has space", "dot.ted", "ünï", "٣", "a/b", "a\nb"])
def test_client_reference_id_rejects_anything_else(call: Call, reference: str) -> None:
    response = create(call, {"client_reference_id": reference})
    assert_invalid(response, 400, "parameter_invalid", "client_reference_id")
