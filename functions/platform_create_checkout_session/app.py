"""POST /api/v1/checkout-sessions: a session, optionally with a payment config the order must pay."""

from __future__ import annotations

from checkout.composition import session_service
from checkout.domain.access import Permission
from checkout.observability import count
from checkout.requests.platform import CreatePlatformSessionRequest
from checkout.startup import check_settings
from checkout.web.handler import Ok, http_handler
from checkout.web.platform_views import platform_session
from checkout.web.request import ApiRequest
from checkout.web.surfaces import PLATFORM

check_settings()


def create_checkout_session(request: ApiRequest) -> Ok:
    merchant_id = request.caller.acting_merchant(Permission.WRITE)
    sessions = session_service()
    session = sessions.create(request.parsed(CreatePlatformSessionRequest), merchant_id)
    count("CheckoutSessionCreated")
    return Ok("", platform_session(session, request.base_url, sessions.clock()))


handler = http_handler(create_checkout_session, needs=Permission.WRITE, surface=PLATFORM)
