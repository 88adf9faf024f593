"""The composition root hands each service the storage of its own concern (the in-memory fake the
unit tier uses serves both ports, so only real adapters can tell a mix-up)."""

from __future__ import annotations

from typing import Any

from checkout import composition
from checkout.adapters.dynamodb.repository import DynamoDBRepository
from checkout.adapters.dynamodb.webhook_store import WebhookStore
from tests.builders import PUBLIC_BASE_URL


def test_session_order_event_and_key_services_use_the_session_and_order_storage(dynamodb: Any) -> None:
    composition.reset()
    assert type(composition.session_service().repository) is DynamoDBRepository
    assert type(composition.order_service().repository) is DynamoDBRepository
    assert type(composition.order_lookup().repository) is DynamoDBRepository
    assert type(composition.order_event_service().repository) is DynamoDBRepository
    assert type(composition.key_service().repository) is DynamoDBRepository


def test_webhook_management_and_delivery_use_the_webhook_storage(dynamodb: Any) -> None:
    composition.reset()
    assert type(composition.webhook_service().webhook_store) is WebhookStore
    assert type(composition.deliveries().webhook_store) is WebhookStore


def test_the_outbox_reads_sessions_from_one_and_writes_events_to_the_other(dynamodb: Any) -> None:
    composition.reset()
    outbox = composition.webhook_outbox(PUBLIC_BASE_URL)
    assert type(outbox.repository) is DynamoDBRepository
    assert type(outbox.webhook_store) is WebhookStore


def test_both_storages_share_the_one_client(dynamodb: Any) -> None:
    composition.reset()
    assert composition.repository().client is composition.webhook_store().client
