"""POST /checkout-sessions/{id}/expire: `open` → `expired` at the merchant's request."""

from __future__ import annotations

from checkout.composition import session_service
from checkout.domain.access import Permission
from checkout.observability import count
from checkout.startup import check_settings
from checkout.web.handler import Ok, http_handler
from checkout.web.request import ApiRequest
from checkout.web.session_views import session_view

# Init phase: a misconfigured deployment stops here, once, with the reason in the log.
check_settings()


def expire_checkout_session(request: ApiRequest) -> Ok:
    merchant_id = request.caller.acting_merchant(Permission.WRITE)
    session = session_service().expire(request.path_parameter("id"), merchant_id)
    count("CheckoutSessionExpired")
    return Ok("Checkout session expired", session_view(session))


handler = http_handler(expire_checkout_session, needs=Permission.WRITE)
