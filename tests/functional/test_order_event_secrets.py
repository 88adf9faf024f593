"""The order-events secret: from the environment locally, from an SSM SecureString in AWS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.parameters.base import DEFAULT_PROVIDERS  # type: ignore[attr-defined]

from checkout import composition
from tests.builders import ORDER_EVENTS_SECRET, http_event, order_body, signed_order_event
from tests.support import ApiResponse

Call = Callable[[str, dict[str, Any]], ApiResponse]
PARAMETER = "/checkout/order-events-secret"


@pytest.fixture
def secret_in_ssm(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """No ORDER_EVENTS_SECRET; the template's parameter name points at SSM (moto)."""
    monkeypatch.delenv("ORDER_EVENTS_SECRET")
    monkeypatch.setenv("ORDER_EVENTS_SECRET_PARAMETER", PARAMETER)
    composition.reset()
    DEFAULT_PROVIDERS.clear()  # a fresh provider (and client) inside this mock
    ssm = boto3.client("ssm", region_name="us-east-1")
    yield ssm
    DEFAULT_PROVIDERS.clear()
    if ssm.get_parameters(Names=[PARAMETER])["Parameters"]:
        ssm.delete_parameter(Name=PARAMETER)  # the mock outlives the test


def new_order(call: Call) -> str:
    order_id: str = call("create_order", http_event("create_order", body=order_body())).data["id"]
    return order_id


def post(call: Call, order_id: str, secret: str) -> ApiResponse:
    body = {"id": f"evt_{secret[-4:]}", "orderId": order_id, "status": "relay"}
    return call("record_order_event", signed_order_event(body, [secret]))


def test_the_secret_is_read_from_an_ssm_secure_string(call: Call, secret_in_ssm: Any) -> None:
    secret_in_ssm.put_parameter(Name=PARAMETER, Value="whsec_from_ssm", Type="SecureString")
    order_id = new_order(call)

    assert post(call, order_id, "whsec_from_ssm").status == 200
    assert post(call, order_id, ORDER_EVENTS_SECRET).status == 401


def test_a_comma_separated_parameter_accepts_every_listed_secret(call: Call, secret_in_ssm: Any) -> None:
    secret_in_ssm.put_parameter(Name=PARAMETER, Value="whsec_new_aaaa,whsec_old_bbbb", Type="SecureString")
    order_id = new_order(call)

    assert post(call, order_id, "whsec_new_aaaa").status == 200
    assert post(call, order_id, "whsec_old_bbbb").status == 200


def test_the_parameter_is_cached_between_requests(call: Call, secret_in_ssm: Any) -> None:
    secret_in_ssm.put_parameter(Name=PARAMETER, Value="whsec_cached_1111", Type="SecureString")
    order_id = new_order(call)
    assert post(call, order_id, "whsec_cached_1111").status == 200

    secret_in_ssm.delete_parameter(Name=PARAMETER)

    assert post(call, order_id, "whsec_cached_1111").status == 200  # no SSM call per request


def test_no_configured_secret_is_a_500_that_leaks_nothing(
    call: Call, monkeypatch: pytest.MonkeyPatch
) -> None:
    order_id = new_order(call)
    monkeypatch.delenv("ORDER_EVENTS_SECRET")
    composition.reset()

    response = post(call, order_id, "whsec_anything")

    assert response.status == 500
    assert response.body["message"] == "An internal error occurred"
    assert response.error == {"type": "api_error", "code": "internal_error"}
