"""In AWS the ingress secret is the stack's Secrets Manager secret, read through powertools
Parameters (cached, for a bounded time so a rotation is picked up); here on moto."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.parameters.base import DEFAULT_PROVIDERS  # type: ignore[attr-defined]
from moto import mock_aws

from checkout.adapters import secrets
from checkout.web.signatures import HEADER, signature_header
from devstack.lambda_runtime import Handler, context_for, load_handler
from devstack.tables import create_table
from tests.functional.deploy_fixtures import AWS_ONLY, deployed_environment, deployed_specs

SPEC = deployed_specs()["record_order_event"]
SECRET_NAME = "OrderEventsSecret-test"
EVENT = json.loads((SPEC.code_uri.parent.parent / "events" / "record_order_event.json").read_text())


@pytest.fixture
def secretsmanager(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto's Secrets Manager and DynamoDB; the function's environment names the secret by ARN."""
    with mock_aws():
        deployed_environment(monkeypatch, SPEC)
        create_table(boto3.client("dynamodb", region_name="us-east-1"), AWS_ONLY["TABLE_NAME"])
        client = boto3.client("secretsmanager", region_name="us-east-1")
        DEFAULT_PROVIDERS.clear()  # a fresh provider (and client) inside this mock
        yield client
        DEFAULT_PROVIDERS.clear()
        if client.list_secrets(Filters=[{"Key": "name", "Values": [SECRET_NAME]}])["SecretList"]:
            # this tier's moto state can outlive the test (an outer mock): leave no secret behind
            client.delete_secret(SecretId=SECRET_NAME, ForceDeleteWithoutRecovery=True)


def stack_secret(client: Any, monkeypatch: pytest.MonkeyPatch, value: str) -> Handler:
    """The secret as the stack creates it, and the function started with its ARN."""
    arn = client.create_secret(Name=SECRET_NAME, SecretString=value)["ARN"]
    monkeypatch.setenv("ORDER_EVENTS_SECRET_ARN", arn)
    return load_handler(SPEC)


def post(handler: Handler, secret: str) -> int:
    """A signed event for an order that does not exist: 404 once the signature is accepted."""
    event = json.loads(json.dumps(EVENT))
    event["headers"][HEADER] = signature_header([secret], int(time.time()), event["body"].encode())
    status: int = handler(event, context_for(SPEC))["statusCode"]
    return status


def test_the_secret_is_read_from_secrets_manager(
    secretsmanager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler = stack_secret(secretsmanager, monkeypatch, "generatedByTheStack64chars")

    assert post(handler, "generatedByTheStack64chars") == 404
    assert post(handler, "whsec_anything_else") == 401


def test_every_secret_of_a_rotation_is_accepted(secretsmanager: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    handler = stack_secret(secretsmanager, monkeypatch, "newSecretAaaa,oldSecretBbbb")

    assert post(handler, "newSecretAaaa") == 404
    assert post(handler, "oldSecretBbbb") == 404


def test_the_secret_is_cached_between_requests(secretsmanager: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    handler = stack_secret(secretsmanager, monkeypatch, "cachedSecret1111")
    assert post(handler, "cachedSecret1111") == 404

    secretsmanager.delete_secret(SecretId=SECRET_NAME, ForceDeleteWithoutRecovery=True)

    assert post(handler, "cachedSecret1111") == 404  # no Secrets Manager call per request


def test_a_rotation_is_picked_up_when_the_cache_expires(
    secretsmanager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert 0 < secrets.SECRET_CACHE_SECONDS <= 300
    monkeypatch.setattr(secrets, "SECRET_CACHE_SECONDS", 1)
    handler = stack_secret(secretsmanager, monkeypatch, "beforeRotation")
    assert post(handler, "beforeRotation") == 404

    secretsmanager.put_secret_value(SecretId=SECRET_NAME, SecretString="afterRotation")
    time.sleep(1.1)

    assert post(handler, "afterRotation") == 404
    assert post(handler, "beforeRotation") == 401


def test_an_empty_secret_answers_500_and_leaks_nothing(
    secretsmanager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler = stack_secret(secretsmanager, monkeypatch, " , ")

    event = json.loads(json.dumps(EVENT))
    result = handler(event, context_for(SPEC))

    assert result["statusCode"] == 500
    assert json.loads(result["body"])["message"] == "An internal error occurred"
