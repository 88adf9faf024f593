"""GET /api/v1/webhooks: the key's merchant's webhooks (never their secrets)."""

from __future__ import annotations

from checkout.composition import webhook_service
from checkout.domain.access import Permission
from checkout.startup import check_settings
from checkout.web.handler import Ok, http_handler
from checkout.web.request import ApiRequest
from checkout.web.surfaces import PLATFORM
from checkout.web.webhook_views import webhook_list

check_settings()


def list_webhooks(request: ApiRequest) -> Ok:
    request.only_query({})
    return Ok("", webhook_list(webhook_service().list(request.caller.acting_merchant(Permission.READ))))


handler = http_handler(list_webhooks, needs=Permission.READ, surface=PLATFORM)
