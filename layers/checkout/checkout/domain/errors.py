"""Domain exceptions. They say what went wrong; `checkout.web.errors` decides each surface's answer."""

from __future__ import annotations


class CheckoutError(Exception):
    """Base for every error a caller may see. `message` is safe to show to a merchant."""

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param


# --- request values --------------------------------------------------------------------------
class InvalidParameter(CheckoutError):
    """A field has the wrong type or value."""


class UnknownParameter(CheckoutError):
    """A field the contract does not define."""


class MissingParameter(CheckoutError):
    """A required field is absent."""


class UnsupportedParameter(CheckoutError):
    """A field the contract names but this service does not offer (payment links, products)."""


# --- access ----------------------------------------------------------------------------------
class AuthenticationRequired(CheckoutError):
    """No usable API key where one is needed (missing, malformed, unknown or revoked)."""


class PermissionDenied(CheckoutError):
    """The key is valid but lacks the permission the call needs."""


# --- sessions --------------------------------------------------------------------------------
class SessionNotFound(CheckoutError):
    """No session with that id (or the id is malformed)."""


class SessionNotOpen(CheckoutError):
    """The session cannot take this action in its current status."""


class SessionNotFoundForOrder(CheckoutError):
    """`POST /orders` named a session that does not exist (a 400 by contract, not a 404)."""


class SessionAlreadyHasOrder(CheckoutError):
    """Another order won the race to link to the session."""


class OrderMismatch(CheckoutError):
    """The order does not pay exactly what the session's payment config asks."""


class PaymentInProgress(CheckoutError):
    """The session's payment was received, so it can no longer be expired by hand."""


# --- orders ----------------------------------------------------------------------------------
class OrderNotFound(CheckoutError):
    """No order with that id."""


class IllegalOrderTransition(CheckoutError):
    """The order's state machine does not allow the reported status change."""


class EventIdReused(CheckoutError):
    """An event id already recorded with a different body (DESIGN 5): never a silent drop."""


# --- webhooks --------------------------------------------------------------------------------
class WebhookNotFound(CheckoutError):
    """No webhook with that id for the caller's merchant."""


class DeliveryNotFound(CheckoutError):
    """No such delivery of the webhook, or its event is no longer kept."""


class WebhookLimitReached(CheckoutError):
    """The merchant already has the most webhooks allowed."""


# --- infrastructure --------------------------------------------------------------------------
class StorageUnavailable(CheckoutError):
    """The store throttled or was unreachable; the caller may retry."""


class StorageRefused(CheckoutError):
    """The store refused the write for good (a size or shape limit): a retry would fail the same way."""
