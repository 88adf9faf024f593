"""POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/retry: sends that delivery's event again,
now, with the same event id; a new delivery records how it went."""

from __future__ import annotations

from checkout.composition import webhook_service
from checkout.domain.access import Permission
from checkout.startup import check_settings
from checkout.web.handler import Ok, http_handler
from checkout.web.request import ApiRequest
from checkout.web.surfaces import PLATFORM
from checkout.web.webhook_views import action

check_settings()


def retry_delivery(request: ApiRequest) -> Ok:
    request.only_query({})
    merchant_id = request.caller.acting_merchant(Permission.ADMIN)
    webhook_id, delivery_id = request.path_parameter("id"), request.path_parameter("delivery_id")
    attempt = webhook_service().resend(merchant_id, webhook_id, delivery_id)
    return Ok("", action("retry", attempt))


handler = http_handler(retry_delivery, needs=Permission.ADMIN, surface=PLATFORM)
