"""One entry per route of template.yaml: what the document cannot read from the code itself.

A new route needs one entry here: its route key, its function, a summary, its request and response
models, and the domain errors its endpoint raises beyond what the HTTP glue adds (a key, a body, an
`Idempotency-Key`, a signature: those come from the function's `http_handler` arguments). The
status codes and error codes follow from `checkout.web.errors`. tests/template fails until every
template route has its entry, and every entry a route.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

from checkout.domain import errors
from checkout.requests.listing import ListSessionsQuery
from checkout.requests.order_events import OrderEventRequest
from checkout.requests.orders import CreateOrderRequest
from checkout.requests.platform import CreatePlatformSessionRequest
from checkout.requests.sessions import CreateSessionRequest
from checkout.requests.webhooks import CreateWebhookRequest, DeliveriesQuery, UpdateWebhookRequest
from checkout.web.errors import RouteNotFound
from checkout.web.order_details_views import OrderDetailsView, SessionWithOrderView
from checkout.web.order_views import OrderView
from checkout.web.platform_views import PlatformSessionView
from checkout.web.session_views import SessionView
from checkout.web.webhook_views import (
    ActionView,
    CreatedWebhookView,
    DeletedWebhookView,
    DeliveryView,
    WebhookView,
)

Content = Literal["json", "html", "asset", "openapi"]


@dataclass(frozen=True)
class Query:
    """A query parameter: its name and JSON Schema (query values arrive as text)."""

    name: str
    schema: dict[str, Any]
    description: str = ""


@dataclass(frozen=True)
class Link:
    """An OpenAPI link from a 200 to the next call it enables (schemathesis follows them)."""

    name: str
    operation_id: str
    parameters: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] | None = None  # merged into the next request's body


def _session_links(id_at: str) -> tuple[Link, ...]:
    """What a new session (its id at `id_at` in the answer) enables, on either surface."""
    session_id = f"$response.body#{id_at}"
    return (
        Link("GetSession", "get_checkout_session", {"id": session_id}),
        Link("GetPlatformSession", "platform_get_checkout_session", {"id": session_id}),
        Link("ExpireSession", "expire_checkout_session", {"id": session_id}),
        Link("ExpirePlatformSession", "platform_expire_checkout_session", {"id": session_id}),
        Link("LinkOrder", "create_order", body={"checkoutSessionId": session_id}),
        Link("PayPage", "hosted_page", {"id": session_id}),
    )


ORDER_LINKS = (
    Link("GetOrder", "get_order", {"id": "$response.body#/data/id"}),
    Link("GetLinkedSession", "get_checkout_session", {"id": "$response.body#/data/checkoutSessionId"}),
    Link("ReportProgress", "record_order_event", body={"orderId": "$response.body#/data/id"}),
)


def _webhook_links(id_at: str) -> tuple[Link, ...]:
    """What a webhook (its id at `id_at` in the answer) enables."""
    webhook_id = {"id": f"$response.body#{id_at}"}
    return (
        Link("GetWebhook", "platform_get_webhook", webhook_id),
        Link("UpdateWebhook", "platform_update_webhook", webhook_id),
        Link("TestWebhook", "platform_test_webhook", webhook_id),
        Link("ListDeliveries", "platform_list_webhook_deliveries", webhook_id),
        Link("DeleteWebhook", "platform_delete_webhook", webhook_id),
    )


DELIVERY_LINKS = (
    Link(
        "RetryDelivery",
        "platform_retry_webhook_delivery",
        {"id": "$response.body#/delivery/webhook_id", "delivery_id": "$response.body#/delivery/id"},
    ),
    Link("ListDeliveries", "platform_list_webhook_deliveries", {"id": "$response.body#/delivery/webhook_id"}),
)


@dataclass(frozen=True)
class Operation:
    route: str  # "METHOD /path", exactly as template.yaml's HttpApi event declares it
    function: str  # functions/<function>/app.py
    tag: str
    summary: str
    description: str = ""
    body: type[BaseModel] | None = None
    query: tuple[Query, ...] | type[BaseModel] = ()
    response: type[BaseModel] | None = None  # the data of a 200 (the envelope's `data` on the public surface)
    list_of: bool = False  # the response is the platform's `ListResponse` of `response`
    message: str = ""  # the public envelope's `message` on success
    raises: tuple[type[errors.CheckoutError], ...] = ()  # what the endpoint itself raises
    example: str | None = None  # events/<example>.json: its body (and signature) are the request example
    # Fields of that body the document's example leaves out: POST /orders shows the merchant's own
    # order, which any caller with a key can send as it is; the event links a session that exists only
    # where it was made, so as the example it could only ever be refused (400 `session_not_found`).
    # A signed example is shown whole: its signature is of the whole body (build() refuses otherwise).
    example_omits: tuple[str, ...] = ()
    content: Content = "json"
    extra_headers: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    links: tuple[Link, ...] = ()

    @property
    def method(self) -> str:
        return self.route.split(" ", 1)[0]

    @property
    def path(self) -> str:
        return self.route.split(" ", 1)[1]

    @property
    def operation_id(self) -> str:
        return self.function


SESSION_ERRORS = (errors.SessionNotFound,)
INCLUDE = Query("include", {"type": "string", "enum": ["order"]}, "`order` embeds the linked order")

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "POST /checkout-sessions",
        "create_checkout_session",
        "checkout sessions",
        "Create a checkout session",
        "An `open` session, with one conditional write. Every field is optional; `null` counts as absent.",
        body=CreateSessionRequest,
        response=SessionView,
        message="Checkout session created",
        raises=(errors.StorageRefused,),
        example="create_checkout_session",
        links=_session_links("/data/id"),
    ),
    Operation(
        "GET /checkout-sessions/{id}",
        "get_checkout_session",
        "checkout sessions",
        "Retrieve a checkout session",
        "The session, its status synced from its order and the clock. The buyer's call: no key is"
        " needed (the id is the capability); a key that is sent sees only its merchant's sessions."
        " A malformed id is a 404, like an unknown one.",
        query=(INCLUDE,),
        response=SessionWithOrderView,
        message="Checkout session retrieved",
        raises=SESSION_ERRORS,
    ),
    Operation(
        "POST /checkout-sessions/{id}/expire",
        "expire_checkout_session",
        "checkout sessions",
        "Expire a checkout session",
        "`open` → `expired`, with an order still awaiting its deposit. A session that is not open"
        " (or past its deadline) is a 400 `session_not_open`; one whose payment arrived, a 400"
        " `payment_in_progress`.",
        response=SessionView,
        message="Checkout session expired",
        raises=(*SESSION_ERRORS, errors.SessionNotOpen, errors.PaymentInProgress),
    ),
    Operation(
        "POST /orders",
        "create_order",
        "orders",
        "Create an order",
        "With `checkoutSessionId` (or `callbackMetadata.checkoutSessionId`) the order is linked to"
        " that session atomically: the buyer's call, no key needed. A session that does not exist is a"
        " 400 `session_not_found`, one that is not open a 400 `session_not_open`, one that already has"
        " an order a 409 `session_has_order`; a session with a payment config takes only an order that"
        " pays it exactly (else 400 `order_mismatch`). Without a session it is the merchant's own order"
        " and needs a `write` key.",
        body=CreateOrderRequest,
        response=OrderView,
        message="Order created",
        raises=(
            errors.SessionNotFoundForOrder,
            errors.SessionNotOpen,
            errors.SessionAlreadyHasOrder,
            errors.OrderMismatch,
            errors.AuthenticationRequired,
            errors.PermissionDenied,
            errors.StorageRefused,
        ),
        example="create_order",
        example_omits=("checkoutSessionId",),
        links=ORDER_LINKS,
    ),
    Operation(
        "GET /orders/{id}",
        "get_order",
        "orders",
        "Retrieve an order",
        "The order with its transactions. The buyer's call: no key is needed; a key that is sent sees"
        " only its merchant's orders.",
        response=OrderDetailsView,
        message="Order retrieved",
        raises=(errors.OrderNotFound,),
    ),
    Operation(
        "POST /order-events",
        "record_order_event",
        "order events",
        "Report an order's progress (the payment watcher)",
        'Signed with `Checkout-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`'
        " (300 s tolerance; several `v1=` during a rotation), checked before the body is read. The same"
        " event again is a 200 no-op; the same id with another body a 409 `event_id_reused`; a status the"
        " order's state machine does not allow a 409 `illegal_transition`.",
        body=OrderEventRequest,
        response=OrderDetailsView,
        message="Order event recorded",
        raises=(
            errors.OrderNotFound,
            errors.IllegalOrderTransition,
            errors.EventIdReused,
            errors.StorageRefused,
        ),
        example="record_order_event",
        links=(Link("GetOrder", "get_order", {"id": "$response.body#/data/order/id"}),),
    ),
    Operation(
        "GET /api/v1/checkout-sessions",
        "platform_list_checkout_sessions",
        "platform",
        "List checkout sessions",
        "The key's merchant's sessions, newest first. `total_count` is exact while the window holds at"
        " most 1,000 matching sessions past the page, else that lower bound (and `has_more` is true);"
        " pages are served to a depth of 10,000 sessions (`page` * `limit`), deeper is a 400 that says"
        " to narrow `from`/`to`.",
        query=ListSessionsQuery,
        response=PlatformSessionView,
        list_of=True,
        raises=(errors.UnsupportedParameter,),
    ),
    Operation(
        "POST /api/v1/checkout-sessions",
        "platform_create_checkout_session",
        "platform",
        "Create a checkout session",
        "Optionally with a payment config (`amount`, `token_address`, `chain_id`, `recipient_address`:"
        " all four or none): the session then takes only an order that pays exactly that, and has a"
        " hosted page (`url`).",
        body=CreatePlatformSessionRequest,
        response=PlatformSessionView,
        raises=(errors.UnsupportedParameter, errors.StorageRefused),
        example="platform_create_checkout_session",
        links=_session_links("/id"),
    ),
    Operation(
        "GET /api/v1/checkout-sessions/{id}",
        "platform_get_checkout_session",
        "platform",
        "Retrieve a checkout session",
        "The session in the platform's view, synced from its order and the clock.",
        response=PlatformSessionView,
        raises=SESSION_ERRORS,
    ),
    Operation(
        "POST /api/v1/checkout-sessions/{id}/expire",
        "platform_expire_checkout_session",
        "platform",
        "Expire a checkout session",
        "`open` → `expired`. Not open: 400 `session_not_open`; its payment arrived: 400"
        " `payment_in_progress`.",
        response=PlatformSessionView,
        raises=(*SESSION_ERRORS, errors.SessionNotOpen, errors.PaymentInProgress),
    ),
    Operation(
        "GET /api/v1/webhooks",
        "platform_list_webhooks",
        "webhooks",
        "List webhooks",
        "Every webhook of the key's merchant (at most 16), never their secrets.",
        response=WebhookView,
        list_of=True,
    ),
    Operation(
        "POST /api/v1/webhooks",
        "platform_create_webhook",
        "webhooks",
        "Create a webhook",
        'An endpoint for the events it names (or `["*"]`: every event). `url` must be https (plain'
        " http only to this machine on a local stack) and must not name a private, loopback or"
        " link-local address; it is checked again, on every resolved address, at each delivery. The"
        " answer is the only one that shows the signing `secret` (`whsec_…`). A merchant has at most"
        " 16 webhooks (400 `webhook_limit_reached`).",
        body=CreateWebhookRequest,
        response=CreatedWebhookView,
        raises=(errors.WebhookLimitReached, errors.StorageRefused),
        example="platform_create_webhook",
        links=_webhook_links("/id"),
    ),
    Operation(
        "GET /api/v1/webhooks/{id}",
        "platform_get_webhook",
        "webhooks",
        "Retrieve a webhook",
        "With its counters (`success_count`, `failure_count`, `last_triggered_at`); never its secret.",
        response=WebhookView,
        raises=(errors.WebhookNotFound,),
    ),
    Operation(
        "PATCH /api/v1/webhooks/{id}",
        "platform_update_webhook",
        "webhooks",
        "Update a webhook",
        "Changes what the body names (at least one of `url`, `events`, `is_active`, `description`).",
        body=UpdateWebhookRequest,
        response=WebhookView,
        raises=(errors.WebhookNotFound,),
        example="platform_update_webhook",
    ),
    Operation(
        "DELETE /api/v1/webhooks/{id}",
        "platform_delete_webhook",
        "webhooks",
        "Delete a webhook",
        "No further deliveries; the ones made stay listed until purged.",
        response=DeletedWebhookView,
        raises=(errors.WebhookNotFound,),
    ),
    Operation(
        "POST /api/v1/webhooks/{id}/test",
        "platform_test_webhook",
        "webhooks",
        "Send a test event",
        "Sends a signed `webhook.test` event now and answers how the endpoint responded (`success`,"
        " and the delivery, also listed with the others). An endpoint that fails is still a 200: the"
        " delivery says why.",
        response=ActionView,
        raises=(errors.WebhookNotFound,),
        links=DELIVERY_LINKS,
    ),
    Operation(
        "GET /api/v1/webhooks/{id}/deliveries",
        "platform_list_webhook_deliveries",
        "webhooks",
        "List a webhook's deliveries",
        "Every attempt to deliver the webhook's events, newest first.",
        query=DeliveriesQuery,
        response=DeliveryView,
        list_of=True,
        raises=(errors.WebhookNotFound, errors.UnknownParameter),
    ),
    Operation(
        "POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/retry",
        "platform_retry_webhook_delivery",
        "webhooks",
        "Retry a delivery",
        "Sends that delivery's event again, now, with the same event id and payload; a new delivery"
        " records how it went.",
        response=ActionView,
        raises=(errors.WebhookNotFound, errors.DeliveryNotFound),
        links=DELIVERY_LINKS,
    ),
    Operation(
        "GET /pay/{id}",
        "hosted_page",
        "hosted page",
        "The hosted checkout page",
        "An HTML page for the buyer of a session with a payment config (no key: the id is the"
        " capability). An unknown or malformed id, or a session without a payment config, gets the"
        " 404 page.",
        content="html",
        raises=SESSION_ERRORS,
    ),
    Operation(
        "GET /pay/assets/{file}",
        "hosted_page_assets",
        "hosted page",
        "A file of the hosted page",
        "The page's script, stylesheet and icon. The URL the page uses carries the content's hash"
        " (`?v=`) and is cached for good; any other answers the current file, cached for a minute.",
        query=(Query("v", {"type": "string"}, "the first 16 hex digits of the content's SHA-256"),),
        content="asset",
        raises=(RouteNotFound,),
        extra_headers=(
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
                "description": "the file's `ETag`: a 304 while it is current",
            },
        ),
    ),
    Operation(
        "GET /openapi.json",
        "openapi_document",
        "documentation",
        "This document",
        "The OpenAPI 3.1 document of both surfaces, as committed (generated by `make openapi`).",
        content="openapi",
    ),
    Operation(
        "GET /docs",
        "api_docs",
        "documentation",
        "This document as a page",
        "The OpenAPI document rendered as one HTML page, on the server: no script, no third-party request.",
        content="html",
    ),
)
