"""Bodies that are not a JSON object get their own clear 4xx, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.builders import http_event
from tests.fakes import InMemoryRepository
from tests.support import ApiResponse

Call = Callable[[str, dict[str, Any]], ApiResponse]


def post(call: Call, raw_body: bytes | str, content_type: str | None = "application/json") -> ApiResponse:
    return call(
        "create_checkout_session",
        http_event("create_checkout_session", raw_body=raw_body, content_type=content_type),
    )


def nothing_stored(store: InMemoryRepository) -> bool:
    return not store.sessions and not store.orders


@pytest.mark.parametrize(
    "raw", ["{", '{"expires_in": }', "nope", '{"a":1}x', "NaN", '{"expires_in": NaN}', '{"a":1,"a":2}']
)
def test_malformed_json_is_a_400(call: Call, store: InMemoryRepository, raw: str) -> None:
    response = post(call, raw)
    assert response.status == 400
    assert response.error == {"type": "invalid_request_error", "code": "invalid_json"}
    assert response.body["message"] == "Request body is not valid JSON"
    assert nothing_stored(store)


@pytest.mark.parametrize("raw", ["[]", "[{}]", '"text"', "42", "null", "true"])
def test_a_body_that_is_not_an_object_is_a_400(call: Call, store: InMemoryRepository, raw: str) -> None:
    response = post(call, raw)
    assert response.status == 400
    assert response.error == {"type": "invalid_request_error", "code": "invalid_body"}
    assert response.body["message"] == "Request body must be a JSON object"
    assert nothing_stored(store)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None]
)
def test_a_body_that_is_not_declared_json_is_a_415(
    call: Call, store: InMemoryRepository, content_type: str | None
) -> None:
    response = post(call, "{}", content_type)
    assert response.status == 415
    assert response.error == {"type": "invalid_request_error", "code": "unsupported_media_type"}
    assert nothing_stored(store)


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.api+json"]
)
def test_json_content_types_with_parameters_are_accepted(call: Call, content_type: str) -> None:
    assert post(call, "{}", content_type).status == 200


def test_a_body_over_64_kib_is_a_413(call: Call, store: InMemoryRepository) -> None:
    raw = '{"metadata": {"k": "' + "x" * (64 * 1024) + '"}}'
    response = post(call, raw)
    assert response.status == 413
    assert response.error == {"type": "invalid_request_error", "code": "body_too_large"}
    assert nothing_stored(store)


def test_a_body_of_exactly_64_kib_is_parsed(call: Call) -> None:
    raw = "{}" + " " * (64 * 1024 - 2)
    assert post(call, raw).status == 200


def test_a_base64_encoded_body_is_decoded(call: Call) -> None:
    response = post(call, b'{"client_reference_id": "b64"}')
    assert response.status == 200
    assert response.data["client_reference_id"] == "b64"


def test_invalid_utf8_is_malformed_json(call: Call) -> None:
    assert post(call, b'{"client_reference_id": "\xff"}').error["code"] == "invalid_json"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_json_in_another_unicode_encoding_is_malformed_json(
    call: Call, store: InMemoryRepository, encoding: str
) -> None:
    response = post(call, '{"client_reference_id": "a"}'.encode(encoding))

    assert response.error["code"] == "invalid_json"
    assert nothing_stored(store)


def test_a_utf8_byte_order_mark_is_ignored(call: Call) -> None:
    response = post(call, b'\xef\xbb\xbf{"client_reference_id": "a"}')

    assert response.status == 200
    assert response.data["client_reference_id"] == "a"


def test_deeply_nested_json_is_rejected_cleanly(call: Call) -> None:
    response = post(call, '{"metadata":' + "[" * 5000 + "]" * 5000 + "}")
    assert response.status == 400


def test_an_integer_longer_than_python_reads_is_refused_by_its_field_not_as_bad_json(call: Call) -> None:
    response = post(call, '{"expires_in": ' + "9" * 5000 + "}")
    assert response.status == 400
    assert response.error == {
        "type": "invalid_request_error",
        "code": "parameter_invalid",
        "param": "expires_in",
    }
