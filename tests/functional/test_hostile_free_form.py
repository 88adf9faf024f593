"""Free-form JSON (order `metadata`/`payload`/`callbackMetadata`, event `errorDetails`) and
unicode (issue 10): exact numbers, and a clear 400 naming the field for what cannot be stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from tests.builders import http_event
from tests.functional.hostile_fixtures import (
    assert_error_envelope,
    deep,
    exact,
    get_order,
    moto_checkout,
    new_order,
    order_body,
    order_event,
    post_raw_event,
    raw_json,
)
from tests.support import invoke_http


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with moto_checkout(monkeypatch) as client:
        yield client


# --- numbers and shapes in free-form JSON ---------------------------------------------------------
EXACT_NUMBERS = ["12.5", "1e10", "-0.000001", "12345678901234567890123456789012345678", "1.5e-130", "9.5e125"]


@pytest.mark.parametrize("number", EXACT_NUMBERS)
def test_numbers_in_order_metadata_and_payload_round_trip_exactly(store: Any, number: str) -> None:
    body = order_body(metadata={"price": "@n@"}, payload={"list": ["@n@"]})
    raw = raw_json(body, n=number)
    created = exact("create_order", http_event("create_order", raw_body=raw))

    stored = exact("get_order", http_event("get_order", order_id=created["id"]))["order"]

    assert created["metadata"]["price"] == Decimal(number)
    assert stored["metadata"]["price"] == Decimal(number)
    assert stored["payload"]["list"] == [Decimal(number)]


@pytest.mark.parametrize(
    ("raw_metadata", "param"),
    [
        ('{"too_precise": 1.23456789012345678901234567890123456789}', "metadata.too_precise"),
        ('{"big": 123456789012345678901234567890123456789}', "metadata.big"),
        ('{"huge": 1e400}', "metadata.huge"),
        ('{"tiny": 1e-131}', "metadata.tiny"),
        ('{"a": [1, {"overflow": 1e126}]}', "metadata.a.1.overflow"),
        ('{"": "empty key"}', "metadata"),
        ('{"a": {"": 1}}', "metadata.a"),
        (json.dumps(deep(32)), "metadata"),
        (json.dumps({"a": [deep(31)]}), "metadata"),
    ],
)
def test_what_cannot_be_stored_exactly_is_a_400_naming_the_field(
    store: Any, raw_metadata: str, param: str
) -> None:
    raw = json.dumps(order_body()).replace('"metadata": {"sku": "tee-42"}', f'"metadata": {raw_metadata}')
    assert raw_metadata in raw

    response = invoke_http("create_order", http_event("create_order", raw_body=raw))

    assert_error_envelope(response, 400, "parameter_invalid")
    assert response.body["error"]["param"] == param
    assert response.body["message"].startswith(param + " ")


def test_thirty_two_levels_of_nesting_are_kept(store: Any) -> None:
    """31 nested objects and their values: DynamoDB's 32 levels, the deepest it stores."""
    order = new_order(payload=deep(31), metadata={"a": [deep(29)]})
    stored = get_order(order["id"]).data["order"]
    assert stored["payload"] == deep(31)
    assert stored["metadata"] == {"a": [deep(29)]}


@pytest.mark.parametrize(
    ("raw_details", "param"),
    [
        ('{"x": 1e400}', "errorDetails.x"),
        ('{"": 1}', "errorDetails"),
        (json.dumps(deep(32)), "errorDetails"),
        ("12.5", "errorDetails"),
    ],
)
def test_event_error_details_that_cannot_be_stored_are_a_400(
    store: Any, raw_details: str, param: str
) -> None:
    order = new_order()
    raw = raw_json(
        order_event(order["id"], "failure", "evt_bad", errorDetails="@details@"), details=raw_details
    )
    response = post_raw_event(raw.encode())
    assert_error_envelope(response, 400, "parameter_invalid")
    assert response.body["error"]["param"] == param


# --- unicode --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw_body", "param"),
    [
        ('{"metadata": {"k": "a\\ud800b"}}', "metadata.k"),
        ('{"metadata": {"a\\udfffb": "v"}}', "metadata"),
        ('{"success_url": "https://shop.example/\\udc00"}', "success_url"),
        ('{"client_reference_id": "\\ud83d"}', "client_reference_id"),
    ],
)
def test_a_lone_surrogate_is_a_400_in_keys_values_and_urls(store: Any, raw_body: str, param: str) -> None:
    response = invoke_http(
        "create_checkout_session", http_event("create_checkout_session", raw_body=raw_body)
    )
    assert_error_envelope(response, 400, "parameter_invalid")
    assert response.body["error"]["param"] == param


def test_a_lone_surrogate_in_free_form_order_json_is_a_400(store: Any) -> None:
    raw = json.dumps(order_body()).replace('"tee-42"', '"\\udead"')
    response = invoke_http("create_order", http_event("create_order", raw_body=raw))
    assert_error_envelope(response, 400, "parameter_invalid")
    assert response.body["error"]["param"] == "metadata.sku"


def test_a_surrogate_pair_is_an_ordinary_character(store: Any) -> None:
    raw = '{"metadata": {"emoji": "\\ud83d\\ude00"}}'
    response = invoke_http("create_checkout_session", http_event("create_checkout_session", raw_body=raw))
    assert response.status == 200
    assert response.data["metadata"] == {"emoji": "\U0001f600"}
