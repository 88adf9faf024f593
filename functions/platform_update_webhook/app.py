"""PATCH /api/v1/webhooks/{id}: its URL, events, description, or whether it is active."""

from __future__ import annotations

from checkout.composition import webhook_service
from checkout.domain.access import Permission
from checkout.requests.webhooks import UpdateWebhookRequest
from checkout.startup import check_settings
from checkout.web.handler import Ok, http_handler
from checkout.web.request import ApiRequest
from checkout.web.surfaces import PLATFORM
from checkout.web.webhook_views import webhook_view

check_settings()


def update_webhook(request: ApiRequest) -> Ok:
    merchant_id = request.caller.acting_merchant(Permission.ADMIN)
    changes = request.parsed(UpdateWebhookRequest).changes()
    return Ok("", webhook_view(webhook_service().update(merchant_id, request.path_parameter("id"), changes)))


handler = http_handler(update_webhook, needs=Permission.ADMIN, surface=PLATFORM)
