"""GET /api/v1/checkout-sessions: the key's merchant's sessions, newest first, a page at a time."""

from __future__ import annotations

from checkout.composition import session_service
from checkout.domain.access import Permission
from checkout.requests.listing import ListSessionsQuery
from checkout.requests.parsing import parse_model
from checkout.startup import check_settings
from checkout.web.handler import Ok, http_handler
from checkout.web.platform_views import session_list
from checkout.web.request import ApiRequest
from checkout.web.surfaces import PLATFORM

settings = check_settings()


def list_checkout_sessions(request: ApiRequest) -> Ok:
    merchant_id = request.caller.acting_merchant(Permission.READ)
    query = parse_model(ListSessionsQuery, request.query_parameters(), settings).to_query()
    sessions = session_service()
    page = sessions.list(merchant_id, query)
    return Ok("", session_list(page, request.base_url, sessions.clock()))


handler = http_handler(list_checkout_sessions, needs=Permission.READ, surface=PLATFORM)
