"""Transport errors (the body and the route), and the one table that maps every error to its
HTTP answer."""

from __future__ import annotations

from dataclasses import dataclass

from checkout.domain import errors


# --- transport errors: raised in web/, before the domain is involved ----------------------------
class MalformedJson(errors.CheckoutError):
    """The body is not parseable JSON."""


class BodyNotObject(errors.CheckoutError):
    """The body is JSON but not an object."""


class BodyTooLarge(errors.CheckoutError):
    """The body exceeds the size limit."""


class UnsupportedMediaType(errors.CheckoutError):
    """A body was sent with a content type other than JSON."""


class RouteNotFound(errors.CheckoutError):
    """No route for the path."""


class MethodNotAllowed(errors.CheckoutError):
    """The path exists, the method does not; `allowed` goes out in the `Allow` header."""

    def __init__(self, message: str, *, allowed: list[str]) -> None:
        super().__init__(message)
        self.allowed = allowed


class InvalidApiKey(errors.CheckoutError):
    """An `Authorization` header that is malformed, or names no live key of this environment."""


class InvalidSignature(errors.CheckoutError):
    """The `Checkout-Signature` header is missing, malformed, stale or wrong."""


class InvalidIdempotencyKey(errors.CheckoutError):
    """The `Idempotency-Key` header is empty, too long, or not printable ASCII."""


class IdempotencyKeyReused(errors.CheckoutError):
    """The key was used for a request with another body."""


class IdempotencyKeyInProgress(errors.CheckoutError):
    """The first request with this key is still running."""


@dataclass(frozen=True)
class HttpError:
    status: int
    type: str
    code: str


INVALID = "invalid_request_error"
IDEMPOTENCY = "idempotency_error"
ERROR_TABLE: dict[type[errors.CheckoutError], HttpError] = {
    errors.InvalidParameter: HttpError(400, INVALID, "parameter_invalid"),
    errors.UnknownParameter: HttpError(400, INVALID, "parameter_unknown"),
    errors.MissingParameter: HttpError(400, INVALID, "parameter_missing"),
    errors.UnsupportedParameter: HttpError(400, INVALID, "parameter_unsupported"),
    errors.OrderMismatch: HttpError(400, INVALID, "order_mismatch"),
    MalformedJson: HttpError(400, INVALID, "invalid_json"),
    BodyNotObject: HttpError(400, INVALID, "invalid_body"),
    BodyTooLarge: HttpError(413, INVALID, "body_too_large"),
    UnsupportedMediaType: HttpError(415, INVALID, "unsupported_media_type"),
    RouteNotFound: HttpError(404, INVALID, "route_not_found"),
    MethodNotAllowed: HttpError(405, INVALID, "method_not_allowed"),
    errors.SessionNotFound: HttpError(404, INVALID, "resource_missing"),
    errors.SessionNotOpen: HttpError(400, INVALID, "session_not_open"),
    errors.SessionNotFoundForOrder: HttpError(400, INVALID, "session_not_found"),
    errors.SessionAlreadyHasOrder: HttpError(409, "conflict_error", "session_has_order"),
    errors.PaymentInProgress: HttpError(400, INVALID, "payment_in_progress"),
    errors.OrderNotFound: HttpError(404, INVALID, "resource_missing"),
    errors.IllegalOrderTransition: HttpError(409, "conflict_error", "illegal_transition"),
    errors.EventIdReused: HttpError(409, "conflict_error", "event_id_reused"),
    errors.WebhookNotFound: HttpError(404, INVALID, "resource_missing"),
    errors.DeliveryNotFound: HttpError(404, INVALID, "resource_missing"),
    errors.WebhookLimitReached: HttpError(400, INVALID, "webhook_limit_reached"),
    InvalidSignature: HttpError(401, "authentication_error", "invalid_signature"),
    errors.AuthenticationRequired: HttpError(401, "authentication_error", "api_key_required"),
    InvalidApiKey: HttpError(401, "authentication_error", "invalid_api_key"),
    errors.PermissionDenied: HttpError(403, "permission_error", "insufficient_permissions"),
    InvalidIdempotencyKey: HttpError(400, IDEMPOTENCY, "idempotency_key_invalid"),
    IdempotencyKeyReused: HttpError(400, IDEMPOTENCY, "idempotency_key_reused"),
    IdempotencyKeyInProgress: HttpError(409, IDEMPOTENCY, "idempotency_key_in_progress"),
    errors.StorageUnavailable: HttpError(503, "api_error", "service_unavailable"),
    errors.StorageRefused: HttpError(400, INVALID, "storage_limit_exceeded"),
}


INTERNAL = HttpError(500, "api_error", "internal_error")
INTERNAL_MESSAGE = "An internal error occurred"


def http_error_for(exc: errors.CheckoutError) -> HttpError:
    for cls in type(exc).__mro__:
        if cls in ERROR_TABLE:
            return ERROR_TABLE[cls]
    return INTERNAL
