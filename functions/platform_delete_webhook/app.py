"""DELETE /api/v1/webhooks/{id}: no further deliveries; what was sent stays listed until purged."""

from __future__ import annotations

from checkout.composition import webhook_service
from checkout.domain.access import Permission
from checkout.startup import check_settings
from checkout.web.handler import Ok, http_handler
from checkout.web.request import ApiRequest
from checkout.web.surfaces import PLATFORM
from checkout.web.webhook_views import deleted

check_settings()


def delete_webhook(request: ApiRequest) -> Ok:
    request.only_query({})
    webhook_id = request.path_parameter("id")
    webhook_service().delete(request.caller.acting_merchant(Permission.ADMIN), webhook_id)
    return Ok("", deleted(webhook_id))


handler = http_handler(delete_webhook, needs=Permission.ADMIN, surface=PLATFORM)
