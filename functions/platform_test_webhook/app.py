"""POST /api/v1/webhooks/{id}/test: sends a signed `webhook.test` event now; the answer says how
the endpoint responded (the delivery is also listed with the others)."""

from __future__ import annotations

from checkout.composition import webhook_service
from checkout.domain.access import Permission
from checkout.startup import check_settings
from checkout.web.handler import Ok, http_handler
from checkout.web.request import ApiRequest
from checkout.web.surfaces import PLATFORM
from checkout.web.webhook_views import action

check_settings()


def send_test_event(request: ApiRequest) -> Ok:
    request.only_query({})
    merchant_id = request.caller.acting_merchant(Permission.ADMIN)
    attempt = webhook_service().send_test(merchant_id, request.path_parameter("id"))
    return Ok("", action("test", attempt))


handler = http_handler(send_test_event, needs=Permission.ADMIN, surface=PLATFORM)
