"""Wraps an endpoint that answers a web page or one of its files, rather than the JSON API, as a
Lambda handler: a plain ASGI app under the API's own `lambda_handler` (Mangum, powertools), the
hosted page's security headers on every answer, and errors as HTML pages (never JSON, never a stack
trace).

These endpoints are the buyer's: they read no API key and take no body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from checkout.domain.errors import CheckoutError
from checkout.observability import logger
from checkout.web.asgi import HttpRequest, Receive, Scope, Send, read_request, send_response
from checkout.web.correlation import correlate
from checkout.web.errors import RouteNotFound, http_error_for
from checkout.web.handler import LambdaHandler, lambda_handler
from checkout.web.hosted.assets import assets
from checkout.web.hosted.markup import Markup
from checkout.web.hosted.page import error_page, not_found_page
from checkout.web.hosted.security import SECURITY_HEADERS
from checkout.web.request import ApiRequest

HTML = "text/html; charset=utf-8"
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class WebResponse:
    body: bytes | str
    content_type: str = HTML
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


WebEndpoint = Callable[[ApiRequest], WebResponse]


def html(page: Markup, status: int = 200) -> WebResponse:
    """A page is never cached: it shows a live status, and its URL is the capability to pay."""
    return WebResponse(page, HTML, status, {"Cache-Control": "no-store"})


def asset_response(name: str, version: str | None, if_none_match: str | None) -> WebResponse:
    """One of the page's files. The URL the page uses names the content's hash (`?v=`): that one is
    cached for good; any other answers the current file, revalidated after a minute."""
    asset = assets().get(name)
    if asset is None:
        raise RouteNotFound(f"No asset named {name[:64]!r}")
    etag = f'"{asset.version}"'
    cache = IMMUTABLE if version == asset.version else "public, max-age=60"
    headers = {"Cache-Control": cache, "ETag": etag}
    if if_none_match == etag:
        return WebResponse(b"", asset.content_type, 304, headers)
    return WebResponse(asset.body, asset.content_type, 200, headers)


def _error_response(exc: Exception) -> WebResponse:
    if isinstance(exc, CheckoutError):
        http = http_error_for(exc)
        if http.status < 500:  # an unknown or malformed id, a session without a page, no such file
            logger.info("page not found", extra={"error_code": http.code})
            return html(not_found_page(), 404)
        logger.warning("page failed", extra={"error_code": http.code})
        return html(error_page(), http.status)
    logger.exception("unhandled error")
    return html(error_page(), 500)


def page_handler(endpoint: WebEndpoint) -> LambdaHandler:
    def route(request: HttpRequest) -> tuple[WebResponse, str]:
        request_id = correlate(request.event)
        try:
            response = endpoint(
                ApiRequest(
                    method=request.method,
                    path=request.path,
                    path_parameters=dict(request.event.get("pathParameters") or {}),
                    query=request.query,
                    headers=request.headers,
                    body=b"",
                    request_id=request_id,
                )
            )
        except Exception as exc:
            response = _error_response(exc)
        return response, request_id

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        # No router, as in `http_handler`: API Gateway routes only `GET /pay/...` here, and a route
        # pattern does not match a path with a decoded newline inside (`/pay/a%0Ab`), whose plain-text
        # 404 had none of the page's headers.
        response, request_id = route(await read_request(scope, receive))
        headers = {**SECURITY_HEADERS, "X-Request-Id": request_id, **response.headers}
        await send_response(send, response.status, response.body, response.content_type, headers)

    return lambda_handler(app)
