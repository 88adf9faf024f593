"""The order-events secret: from the environment locally, from an SSM SecureString in AWS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.parameters.base import DEFAULT_PROVIDERS  # type: ignore[attr-defined]

from checkout import services
from checkout.orders import OrderService
from tests.support import ApiResponse, signed_order_event
from tests.unit.test_create_order import order_body

Call = Callable[[str, dict[str, Any]], ApiResponse]
PARAMETER = "/checkout/order-events-secret"


@pytest.fixture
def secret_in_ssm(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """No ORDER_EVENTS_SECRET; the template's parameter name points at SSM (moto)."""
    monkeypatch.delenv("ORDER_EVENTS_SECRET")
    monkeypatch.setenv("ORDER_EVENTS_SECRET_PARAMETER", PARAMETER)
    services.reset()
    DEFAULT_PROVIDERS.clear()  # a fresh provider (and client) inside this mock
    yield boto3.client("ssm", region_name="us-east-1")
    DEFAULT_PROVIDERS.clear()


def post(call: Call, order_id: str, secret: str) -> ApiResponse:
    body = {"id": f"evt_{secret[-4:]}", "orderId": order_id, "status": "relay"}
    return call("record_order_event", signed_order_event(body, [secret]))


def test_the_secret_is_read_from_an_ssm_secure_string(
    call: Call, orders: OrderService, secret_in_ssm: Any
) -> None:
    secret_in_ssm.put_parameter(Name=PARAMETER, Value="whsec_from_ssm", Type="SecureString")
    order = orders.create(order_body())

    assert post(call, order.id, "whsec_from_ssm").status == 200
    assert post(call, order.id, "whsec_unit_test_secret").status == 401


def test_a_comma_separated_parameter_accepts_every_listed_secret(
    call: Call, orders: OrderService, secret_in_ssm: Any
) -> None:
    secret_in_ssm.put_parameter(Name=PARAMETER, Value="whsec_new_aaaa,whsec_old_bbbb", Type="SecureString")
    order = orders.create(order_body())

    assert post(call, order.id, "whsec_new_aaaa").status == 200
    assert post(call, order.id, "whsec_old_bbbb").status == 200


def test_the_parameter_is_cached_between_requests(
    call: Call, orders: OrderService, secret_in_ssm: Any
) -> None:
    secret_in_ssm.put_parameter(Name=PARAMETER, Value="whsec_cached_1111", Type="SecureString")
    order = orders.create(order_body())
    assert post(call, order.id, "whsec_cached_1111").status == 200

    secret_in_ssm.delete_parameter(Name=PARAMETER)

    assert post(call, order.id, "whsec_cached_1111").status == 200  # no SSM call per request


def test_no_configured_secret_is_a_500_that_leaks_nothing(
    call: Call, orders: OrderService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ORDER_EVENTS_SECRET")
    services.reset()
    order = orders.create(order_body())

    response = post(call, order.id, "whsec_anything")

    assert response.status == 500
    assert response.body["message"] == "An internal error occurred"
    assert response.error == {"type": "api_error", "code": "internal_error"}
