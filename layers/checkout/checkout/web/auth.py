"""Who is calling: the `Authorization: Bearer <key>` header, verified once per request before any
endpoint code runs (DESIGN 8). Neither the key nor its hash is ever logged."""

from __future__ import annotations

from checkout.config import get_settings
from checkout.domain.access import LOCAL_MERCHANT, Caller
from checkout.web.errors import InvalidApiKey

_BEARER = "bearer "
_KEY_MARK = "csk_"  # every key of this service, live or test


def authenticate(authorization: str | None, stand_in: bool = True, buyer_call: bool = False) -> Caller:
    """The caller a request's `Authorization` header names; anonymous when there is none (acting
    for the built-in merchant in `AUTH_MODE=open`, where the surface allows it). An API key that is
    sent is always verified. On a buyer's call, a credential that is not one of this service's keys
    (the published SDK sends its own session token with `createOrder`) is not ours to judge: the
    caller stays an anonymous buyer."""
    if authorization is not None and buyer_call and not _names_a_key(authorization):
        authorization = None
    if authorization is None:
        open_mode = stand_in and get_settings().auth_mode == "open"
        return Caller.anonymous(LOCAL_MERCHANT if open_mode else None)
    if not authorization.lower().startswith(_BEARER):
        raise InvalidApiKey("Authorization must be: Bearer <API key>")
    from checkout.composition import key_service  # only requests that carry a key load it
    from checkout.domain.api_keys import UnknownKey

    try:
        return key_service().caller_for(authorization[len(_BEARER) :].strip())
    except UnknownKey:
        raise InvalidApiKey("Invalid API key") from None


def _names_a_key(authorization: str) -> bool:
    return authorization.lower().startswith(_BEARER) and authorization[len(_BEARER) :].strip().startswith(
        _KEY_MARK
    )
