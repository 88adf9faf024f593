"""GET /api/v1/webhooks/{id}: one webhook, with its counters."""

from __future__ import annotations

from checkout.composition import webhook_service
from checkout.domain.access import Permission
from checkout.startup import check_settings
from checkout.web.handler import Ok, http_handler
from checkout.web.request import ApiRequest
from checkout.web.surfaces import PLATFORM
from checkout.web.webhook_views import webhook_view

check_settings()


def get_webhook(request: ApiRequest) -> Ok:
    request.only_query({})
    merchant_id = request.caller.acting_merchant(Permission.READ)
    return Ok("", webhook_view(webhook_service().get(merchant_id, request.path_parameter("id"))))


handler = http_handler(get_webhook, needs=Permission.READ, surface=PLATFORM)
