"""The one place that maps domain exceptions to HTTP answers."""

from __future__ import annotations

from dataclasses import dataclass

from checkout import errors


@dataclass(frozen=True)
class HttpError:
    status: int
    type: str
    code: str


INVALID = "invalid_request_error"
_BY_EXCEPTION: dict[type[errors.CheckoutError], HttpError] = {
    errors.InvalidParameter: HttpError(400, INVALID, "parameter_invalid"),
    errors.UnknownParameter: HttpError(400, INVALID, "parameter_unknown"),
    errors.MissingParameter: HttpError(400, INVALID, "parameter_missing"),
    errors.MalformedJson: HttpError(400, INVALID, "invalid_json"),
    errors.BodyNotObject: HttpError(400, INVALID, "invalid_body"),
    errors.BodyTooLarge: HttpError(413, INVALID, "body_too_large"),
    errors.UnsupportedMediaType: HttpError(415, INVALID, "unsupported_media_type"),
    errors.RouteNotFound: HttpError(404, INVALID, "route_not_found"),
    errors.MethodNotAllowed: HttpError(405, INVALID, "method_not_allowed"),
    errors.SessionNotFound: HttpError(404, INVALID, "resource_missing"),
    errors.SessionNotOpen: HttpError(400, INVALID, "session_not_open"),
    errors.SessionNotFoundForOrder: HttpError(400, INVALID, "session_not_found"),
    errors.SessionAlreadyHasOrder: HttpError(409, "conflict_error", "session_has_order"),
    errors.PaymentInProgress: HttpError(400, INVALID, "payment_in_progress"),
    errors.OrderNotFound: HttpError(404, INVALID, "resource_missing"),
    errors.IllegalOrderTransition: HttpError(409, "conflict_error", "illegal_transition"),
    errors.InvalidSignature: HttpError(401, "authentication_error", "invalid_signature"),
    errors.StorageUnavailable: HttpError(503, "api_error", "service_unavailable"),
}
INTERNAL = HttpError(500, "api_error", "internal_error")
INTERNAL_MESSAGE = "An internal error occurred"


def http_error_for(exc: errors.CheckoutError) -> HttpError:
    for cls in type(exc).__mro__:
        if cls in _BY_EXCEPTION:
            return _BY_EXCEPTION[cls]
    return INTERNAL
