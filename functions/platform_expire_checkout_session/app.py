"""POST /api/v1/checkout-sessions/{id}/expire: `open` → `expired` at the merchant's request."""

from __future__ import annotations

from checkout.composition import session_service
from checkout.domain.access import Permission
from checkout.observability import count
from checkout.startup import check_settings
from checkout.web.handler import Ok, http_handler
from checkout.web.platform_views import platform_session
from checkout.web.request import ApiRequest
from checkout.web.surfaces import PLATFORM

check_settings()


def expire_checkout_session(request: ApiRequest) -> Ok:
    merchant_id = request.caller.acting_merchant(Permission.WRITE)
    sessions = session_service()
    session = sessions.expire(request.path_parameter("id"), merchant_id)
    count("CheckoutSessionExpired")
    return Ok("", platform_session(session, request.base_url, sessions.clock()))


handler = http_handler(expire_checkout_session, needs=Permission.WRITE, surface=PLATFORM)
