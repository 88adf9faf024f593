"""GET /api/v1/checkout-sessions/{id}: the session in the platform's view, synced from its order
and the clock exactly as the public GET syncs it."""

from __future__ import annotations

from checkout.composition import session_service
from checkout.domain.access import Permission
from checkout.startup import check_settings
from checkout.web.handler import Ok, http_handler
from checkout.web.platform_views import platform_session
from checkout.web.request import ApiRequest
from checkout.web.surfaces import PLATFORM

check_settings()


def get_checkout_session(request: ApiRequest) -> Ok:
    request.only_query({})
    sessions = session_service()
    session, _ = sessions.get(request.path_parameter("id"), request.caller, include_order=False)
    return Ok("", platform_session(session, request.base_url, sessions.clock()))


handler = http_handler(get_checkout_session, needs=Permission.READ, surface=PLATFORM)
