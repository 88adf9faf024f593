"""The composition root: builds the repository and the domain services once per container, on
first use (never at import time).

Each factory imports its service itself, so a function loads only what it calls: the GET
functions never import the keccak library `POST /orders` needs, for instance.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from checkout.adapters.dynamodb.client import default_client
from checkout.config import get_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

    from checkout.adapters.dynamodb.repository import DynamoDBRepository
    from checkout.adapters.dynamodb.webhook_store import WebhookStore
    from checkout.domain.api_keys import KeyService
    from checkout.domain.order_events import OrderEventService
    from checkout.domain.order_lookup import OrderLookup
    from checkout.domain.orders import OrderService
    from checkout.domain.sessions import SessionService
    from checkout.domain.webhook_delivery import Deliveries
    from checkout.domain.webhook_events import WebhookOutbox
    from checkout.domain.webhooks import WebhookService


@lru_cache(maxsize=1)
def repository() -> DynamoDBRepository:
    from checkout.adapters.dynamodb.repository import DynamoDBRepository

    settings = get_settings()
    return DynamoDBRepository(settings.table_name, settings)


@lru_cache(maxsize=1)
def webhook_store() -> WebhookStore:
    """The webhooks' storage, apart from the sessions' and orders': each function loads the records
    of only what it stores."""
    from checkout.adapters.dynamodb.webhook_store import WebhookStore

    settings = get_settings()
    return WebhookStore(settings.table_name, settings)


@lru_cache(maxsize=1)
def session_service() -> SessionService:
    from checkout.domain.sessions import SessionService

    return SessionService(repository(), get_settings())


@lru_cache(maxsize=1)
def order_service() -> OrderService:
    from checkout.domain.orders import OrderService

    return OrderService(repository(), get_settings())


@lru_cache(maxsize=1)
def order_lookup() -> OrderLookup:
    """Reads only: GET /orders/{id} never loads what creating an order needs (keccak, the onramp)."""
    from checkout.domain.order_lookup import OrderLookup

    return OrderLookup(repository())


@lru_cache(maxsize=1)
def order_event_service() -> OrderEventService:
    from checkout.domain.order_events import OrderEventService

    return OrderEventService(repository())


@lru_cache(maxsize=1)
def key_service() -> KeyService:
    """Made only when a key is presented: anonymous buyer calls never load it."""
    from checkout.domain.api_keys import KeyService

    settings = get_settings()
    return KeyService(repository(), settings.api_key_prefix, cache_ms=settings.api_key_cache_seconds * 1000)


@lru_cache(maxsize=1)
def idempotency_store() -> BasePersistenceLayer:
    """powertools' DynamoDB persistence on the idempotency table, sharing the one client. Loaded
    only by a request that carries an Idempotency-Key (it imports boto3)."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    table = get_settings().idempotency_table_name
    if not table:
        raise RuntimeError("IDEMPOTENCY_TABLE_NAME is not set")
    return DynamoDBPersistenceLayer(table_name=table, boto3_client=default_client())


@lru_cache(maxsize=1)
def webhook_service() -> WebhookService:
    from checkout.domain.webhooks import WebhookService
    from checkout.web.webhook_payloads import render_test_event

    return WebhookService(webhook_store(), deliveries, render_test_event)


@lru_cache(maxsize=1)
def deliveries() -> Deliveries:
    """Sends webhooks: made only by the functions (and the calls) that send."""
    from checkout.adapters.webhook_http import HttpSender
    from checkout.domain.webhook_delivery import Deliveries

    settings = get_settings()
    return Deliveries(
        webhook_store(), HttpSender(settings.webhook_allow_loopback), settings.webhook_retry_schedule
    )


@lru_cache(maxsize=1)
def webhook_outbox(base_url: str) -> WebhookOutbox:
    """`base_url`: where buyers reach the hosted page, for the sessions' `url` in the payloads."""
    from checkout.domain.webhook_events import WebhookOutbox
    from checkout.web.transition_payloads import event_renderer

    return WebhookOutbox(repository(), webhook_store(), event_renderer(base_url))


def order_event_secrets() -> list[str]:
    """Read on every request: the secret store's client caches them, for a bounded time, so a
    rotation takes effect without a cold start."""
    from checkout.adapters.secrets import order_event_secrets

    return order_event_secrets(get_settings())


def reset() -> None:
    """Forgets cached settings and services (tests change the environment between cases)."""
    get_settings.cache_clear()
    default_client.cache_clear()
    repository.cache_clear()
    webhook_store.cache_clear()
    session_service.cache_clear()
    order_service.cache_clear()
    order_lookup.cache_clear()
    order_event_service.cache_clear()
    key_service.cache_clear()
    idempotency_store.cache_clear()
    webhook_service.cache_clear()
    deliveries.cache_clear()
    webhook_outbox.cache_clear()
