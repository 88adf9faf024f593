"""`$default` route: every request no other route takes gets the envelope's 404 or 405."""

from __future__ import annotations

from checkout.startup import check_route_table
from checkout.web.handler import Ok, http_handler
from checkout.web.request import ApiRequest

# Init phase: the template's route table, or a loud stop in the log.
ROUTES = check_route_table()


def default_route(request: ApiRequest) -> Ok:
    raise ROUTES.unmatched(request.method, request.path)


handler = http_handler(default_route)
