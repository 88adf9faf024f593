"""`$default` route: every request no other route takes gets a 404 or 405 in its surface's shape
(the platform's under /api/v1, the public envelope elsewhere). It needs no key and reads nothing."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from checkout.startup import check_route_table
from checkout.web.handler import Ok, http_handler
from checkout.web.request import ApiRequest
from checkout.web.surfaces import PLATFORM, PUBLIC

# Init phase: the template's route table, or a loud stop in the log.
ROUTES = check_route_table()
PLATFORM_ROOT = "/api/v1"


def default_route(request: ApiRequest) -> Ok:
    raise ROUTES.unmatched(request.method, request.path)


_public = http_handler(default_route, api_keys=False, surface=PUBLIC)
_platform = http_handler(default_route, api_keys=False, surface=PLATFORM)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    path = str(event.get("rawPath", ""))
    on_platform = path == PLATFORM_ROOT or path.startswith(f"{PLATFORM_ROOT}/")
    return (_platform if on_platform else _public)(event, context)
