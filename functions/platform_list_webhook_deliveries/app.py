"""GET /api/v1/webhooks/{id}/deliveries: every attempt to deliver the webhook's events, newest first."""

from __future__ import annotations

from checkout.composition import webhook_service
from checkout.domain.access import Permission
from checkout.requests.parsing import parse_model
from checkout.requests.webhooks import DeliveriesQuery
from checkout.startup import check_settings
from checkout.web.handler import Ok, http_handler
from checkout.web.request import ApiRequest
from checkout.web.surfaces import PLATFORM
from checkout.web.webhook_views import delivery_list

settings = check_settings()


def list_deliveries(request: ApiRequest) -> Ok:
    merchant_id = request.caller.acting_merchant(Permission.READ)
    query = parse_model(DeliveriesQuery, request.query_parameters(), settings)
    webhook_id = request.path_parameter("id")
    page = webhook_service().deliveries_of(merchant_id, webhook_id, query.page, query.limit)
    return Ok("", delivery_list(webhook_id, page))


handler = http_handler(list_deliveries, needs=Permission.READ, surface=PLATFORM)
