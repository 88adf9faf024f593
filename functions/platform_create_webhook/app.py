"""POST /api/v1/webhooks: a webhook; its signing secret is in this answer and never again."""

from __future__ import annotations

from checkout.composition import webhook_service
from checkout.domain.access import Permission
from checkout.observability import count
from checkout.requests.webhooks import CreateWebhookRequest
from checkout.startup import check_settings
from checkout.web.handler import Ok, http_handler
from checkout.web.request import ApiRequest
from checkout.web.surfaces import PLATFORM
from checkout.web.webhook_views import webhook_view

check_settings()


def create_webhook(request: ApiRequest) -> Ok:
    merchant_id = request.caller.acting_merchant(Permission.ADMIN)
    wanted = request.parsed(CreateWebhookRequest)
    webhook = webhook_service().create(merchant_id, wanted.url, wanted.events, wanted.description)
    count("WebhookCreated")
    return Ok("", webhook_view(webhook, with_secret=True))


handler = http_handler(create_webhook, needs=Permission.ADMIN, surface=PLATFORM)
