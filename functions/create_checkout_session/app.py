"""POST /checkout-sessions: creates an `open` checkout session (one conditional write)."""

from __future__ import annotations

from checkout.observability import count
from checkout.services import session_service
from checkout.views import session_view
from checkout.web.handler import Ok, http_handler
from checkout.web.request import ApiRequest


def create_checkout_session(request: ApiRequest) -> Ok:
    session = session_service().create(request.json_object())
    count("CheckoutSessionCreated")
    return Ok("Checkout session created", session_view(session))


handler = http_handler(create_checkout_session)
