"""GET /checkout-sessions/{id}: the session, synced from its order and the clock. Buyer-facing:
the id is the capability, so no key is needed; a key that is sent scopes it to its merchant."""

from __future__ import annotations

from checkout.composition import session_service
from checkout.startup import check_settings
from checkout.web.handler import Ok, http_handler
from checkout.web.order_details_views import session_with_order_view
from checkout.web.request import ApiRequest
from checkout.web.session_views import session_view

# Init phase: a misconfigured deployment stops here, once, with the reason in the log.
check_settings()

QUERY = {"include": frozenset({"order"})}


def get_checkout_session(request: ApiRequest) -> Ok:
    request.only_query(QUERY)
    include_order = request.query.get("include") == "order"
    session_id = request.path_parameter("id")
    session, order = session_service().get(session_id, request.caller, include_order=include_order)
    view = session_with_order_view(session, order) if include_order else session_view(session)
    return Ok("Checkout session retrieved", view)


handler = http_handler(get_checkout_session)
