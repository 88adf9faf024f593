"""Wraps one endpoint function as a Lambda handler: a plain ASGI app (`web/asgi.py`) + Mangum +
powertools.

The endpoint is a plain function `ApiRequest -> Ok`; everything HTTP (who is calling, idempotency,
the surface's response shape, error mapping, request id, logging) happens here, once, for every
function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from mangum.types import ASGI

from checkout.coldstart import ends_cold_path
from checkout.config import get_settings
from checkout.domain.access import Caller, Permission
from checkout.domain.errors import CheckoutError
from checkout.domain.json_text import dumps
from checkout.observability import logger, metrics
from checkout.web.asgi import HttpRequest, Receive, Scope, Send, lambda_adapter, read_request, send_response
from checkout.web.auth import authenticate
from checkout.web.correlation import correlate
from checkout.web.errors import INTERNAL, INTERNAL_MESSAGE, MethodNotAllowed, http_error_for
from checkout.web.idempotency import REPLAYED, Result, run_once
from checkout.web.request import ApiRequest
from checkout.web.surfaces import PUBLIC, Surface

LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


@dataclass(frozen=True)
class Ok:
    message: str
    data: Any


Endpoint = Callable[[ApiRequest], Ok]


def error_response_body(exc: Exception, surface: Surface = PUBLIC) -> tuple[int, dict[str, Any]]:
    """Status and body for any exception, in the surface's shape; internal details never leave."""
    if isinstance(exc, CheckoutError):
        http = http_error_for(exc)
        error_type = surface.type_for_status.get(http.status, http.type)
        if http.status < 500:
            logger.info("request rejected", extra={"error_code": http.code, "param": exc.param})
            return http.status, surface.error(http.status, exc.message, error_type, http.code, exc.param)
        logger.warning("request failed", extra={"error_code": http.code})
        return http.status, surface.error(http.status, exc.message, error_type, http.code, None)
    logger.exception("unhandled error")
    return INTERNAL.status, surface.error(
        INTERNAL.status, INTERNAL_MESSAGE, INTERNAL.type, INTERNAL.code, None
    )


def _answer(endpoint: Endpoint, request: ApiRequest, surface: Surface) -> Result:
    try:
        ok = endpoint(request)
    except Exception as exc:
        return _error_result(exc, surface)
    return Result(200, _json(surface.success(ok.message, ok.data)))


def _error_result(exc: Exception, surface: Surface) -> Result:
    status, body = error_response_body(exc, surface)
    return Result(status, _json(body), headers=_error_headers(exc))


def _base_url(event: dict[str, Any]) -> str:
    configured = get_settings().public_base_url
    if configured:
        return configured.rstrip("/")
    return f"https://{event.get('requestContext', {}).get('domainName', '')}"


def _error_headers(exc: Exception) -> dict[str, str]:
    """A 405 names the methods the path allows (RFC 9110)."""
    return {"Allow": ", ".join(exc.allowed)} if isinstance(exc, MethodNotAllowed) else {}


def _json(body: Any) -> str:
    return dumps(body)  # exact numbers: decimals from free-form JSON are written as they came


def http_handler(
    endpoint: Endpoint,
    needs: Permission | None = None,
    api_keys: bool = True,
    surface: Surface = PUBLIC,
    guard: Callable[[ApiRequest], None] | None = None,
) -> LambdaHandler:
    """`needs`: the permission every call of this endpoint needs (a merchant's call); None for a
    buyer-facing endpoint, where a key is optional and, when sent, scopes what the caller sees.
    `guard`: what else must hold before the endpoint runs or a kept answer is replayed (it raises
    otherwise): a valid signature, or a permission that the body decides (a standalone order).
    `api_keys=False`: an endpoint authenticated otherwise (the signed ingress) ignores the header.
    `surface`: which API this endpoint belongs to, and so the shape of its answers."""

    def route(request: HttpRequest) -> tuple[Result, str]:
        # Endpoints are synchronous on purpose: a Lambda serves one request at a time, so
        # blocking I/O costs nothing and spares a thread pool on the cold path.
        event = request.event
        request_id = correlate(event)
        try:
            authorization = request.headers.get("authorization")
            caller = (
                authenticate(
                    authorization, stand_in=surface.anonymous_merchant_calls, buyer_call=needs is None
                )
                if api_keys
                else Caller.anonymous()
            )
            if caller.merchant_id is not None:
                logger.append_keys(merchant_id=caller.merchant_id, key_id=caller.key_id)
            if needs is not None:
                caller.acting_merchant(needs)
            api_request = ApiRequest(
                method=request.method,
                path=request.path,
                path_parameters=dict(event.get("pathParameters") or {}),
                query=request.query,
                repeated_query=request.repeated_query,
                headers=request.headers,
                body=request.body,
                request_id=request_id,
                caller=caller,
                base_url=_base_url(event),
            )
            if guard is not None:
                guard(api_request)
            result = run_once(api_request, lambda: _answer(endpoint, api_request, surface), request.context)
        except Exception as exc:
            result = _error_result(exc, surface)
        return result, request_id

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        # No router: API Gateway already routed the request, and a route pattern does not match
        # every path (`/{path:path}` stops at a decoded newline, `%0A`). Every request reaches
        # `route`, which answers in the envelope.
        result, request_id = route(await read_request(scope, receive))
        headers = {"X-Request-Id": request_id, **result.headers}
        if result.replayed:
            headers[REPLAYED] = "true"
        await send_response(send, result.status, result.body, "application/json", headers)

    return lambda_handler(app)


def lambda_handler(app: ASGI) -> LambdaHandler:
    """`app` as the handler Lambda calls, for every HTTP function (API and pages alike): Mangum,
    powertools' Logger (its state cleared per request) and Metrics, and the cold path's end."""
    asgi = lambda_adapter(app)

    @ends_cold_path
    @logger.inject_lambda_context(clear_state=True)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        response: dict[str, Any] = asgi(event, context)  # type: ignore[arg-type]  # same object, two stubs
        return response

    return handler
