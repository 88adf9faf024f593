"""Wraps one endpoint function as a Lambda handler: Starlette app + Mangum + powertools.

The endpoint is a plain function `ApiRequest -> Ok`; everything HTTP (envelope, error
mapping, request id, logging) happens here, once, for every function.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from mangum import Mangum
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from checkout.domain.errors import CheckoutError
from checkout.domain.json_text import dumps
from checkout.observability import logger, metrics
from checkout.web.envelope import error_body, success_body
from checkout.web.errors import INTERNAL, INTERNAL_MESSAGE, http_error_for
from checkout.web.request import ApiRequest

LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


@dataclass(frozen=True)
class Ok:
    message: str
    data: Any


Endpoint = Callable[[ApiRequest], Ok]


def error_response_body(exc: Exception) -> tuple[int, dict[str, Any]]:
    """Status and envelope for any exception; internal details never leave the process."""
    if isinstance(exc, CheckoutError):
        http = http_error_for(exc)
        if http.status < 500:
            logger.info("request rejected", extra={"error_code": http.code, "param": exc.param})
            return http.status, error_body(http.status, exc.message, http.type, http.code, exc.param)
        logger.warning("request failed", extra={"error_code": http.code})
        return http.status, error_body(http.status, exc.message, http.type, http.code, None)
    logger.exception("unhandled error")
    return INTERNAL.status, error_body(INTERNAL.status, INTERNAL_MESSAGE, INTERNAL.type, INTERNAL.code, None)


def json_response(status: int, body: dict[str, Any], request_id: str) -> Response:
    return Response(
        dumps(body),
        status_code=status,
        media_type="application/json",
        headers={"X-Request-Id": request_id},
    )


def http_handler(endpoint: Endpoint) -> LambdaHandler:
    async def route(request: Request) -> Response:
        # Endpoints are synchronous on purpose: a Lambda serves one request at a time, so
        # blocking I/O costs nothing and spares a thread pool on the cold path.
        event: dict[str, Any] = request.scope.get("aws.event") or {}
        request_id = str(event.get("requestContext", {}).get("requestId") or uuid.uuid4())
        try:
            api_request = ApiRequest(
                method=request.method,
                path=request.url.path,
                path_parameters=dict(event.get("pathParameters") or {}),
                query=dict(request.query_params),
                headers=dict(request.headers),
                body=await request.body(),
                request_id=request_id,
            )
            result = endpoint(api_request)
            return json_response(200, success_body(result.message, result.data), request_id)
        except Exception as exc:
            status, body = error_response_body(exc)
            return json_response(status, body, request_id)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        # No router: API Gateway already routed the request, and a route pattern does not match
        # every path (`/{path:path}` stops at a decoded newline, `%0A`), leaving Starlette to
        # answer a plain-text 404. Every request reaches `route`, which answers in the envelope.
        response = await route(Request(scope, receive))
        await response(scope, receive, send)

    asgi = Mangum(app, lifespan="off")

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        response: dict[str, Any] = asgi(event, context)  # type: ignore[arg-type]  # same object, two stubs
        return response

    return handler
