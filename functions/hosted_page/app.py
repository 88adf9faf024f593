"""GET /pay/{id}: the hosted checkout page of a session with a payment config (DESIGN 12).

Buyer-facing like GET /checkout-sessions/{id}: the id is the capability and no key is read. The
session is read through the same service, so the page shows the status synced from its order and
the clock. Unknown, malformed, or without a payment config: the 404 page.
"""

from __future__ import annotations

from checkout.composition import session_service
from checkout.config import get_settings
from checkout.startup import check_settings
from checkout.web.hosted.page import checkout_page
from checkout.web.pages import WebResponse, html, page_handler
from checkout.web.request import ApiRequest

# Init phase: a misconfigured deployment stops here, once, with the reason in the log.
check_settings()


def hosted_page(request: ApiRequest) -> WebResponse:
    session_id = request.path_parameter("id")
    session, order = session_service().get_with_order(session_id, request.caller)
    return html(checkout_page(session, order, get_settings()))


handler = page_handler(hosted_page)
