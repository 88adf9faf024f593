"""Every answer in the envelope (issue 10): `error.message`, and odd paths that Starlette's router
used to answer in plain text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.builders import http_event
from tests.functional.hostile_fixtures import (
    assert_error_envelope,
    moto_checkout,
)
from tests.support import ApiResponse, invoke, invoke_http


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with moto_checkout(monkeypatch) as client:
        yield client


# --- the error envelope ---------------------------------------------------------------------------
def test_every_error_envelope_repeats_its_message_in_the_error_object(store: Any) -> None:
    response = invoke_http("create_checkout_session", http_event("create_checkout_session", body={"x": 1}))
    assert_error_envelope(response, 400, "parameter_unknown")
    assert response.body["error"]["message"] == "Unknown parameter: x"


# --- odd paths ------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw_id", ["a%0Ab", "a%0Db", "%00", "a%2Fb", "%E2%80%8B", "%ED%A0%80", "a%", "%ZZ"])
def test_an_odd_path_is_answered_in_the_envelope(store: Any, raw_id: str) -> None:
    from urllib.parse import unquote

    event = http_event("get_checkout_session", query={})
    # API Gateway keeps the raw path and hands the function the decoded parameter.
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/checkout-sessions/{raw_id}"
    event["pathParameters"] = {"id": unquote(raw_id)}

    result = invoke("get_checkout_session", event)

    assert result["headers"]["content-type"].startswith("application/json")
    response = ApiResponse(result["statusCode"], json.loads(result["body"]), result["headers"])
    assert_error_envelope(response, 404, "resource_missing")
