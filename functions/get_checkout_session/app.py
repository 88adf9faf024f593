"""GET /checkout-sessions/{id}: the session, synced from its order and the clock."""

from __future__ import annotations

from checkout.services import session_service
from checkout.views import session_view
from checkout.web.handler import Ok, http_handler
from checkout.web.request import ApiRequest

INCLUDE_VALUES = frozenset({"order"})


def get_checkout_session(request: ApiRequest) -> Ok:
    request.only_query({"include": INCLUDE_VALUES})
    session, _order = session_service().get(request.path_parameter("id"))
    return Ok("Checkout session retrieved", session_view(session))


handler = http_handler(get_checkout_session)
