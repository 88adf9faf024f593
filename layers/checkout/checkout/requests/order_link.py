"""Which session an order's body names, read from its JSON before validation: it scopes a buyer's
`Idempotency-Key`, and a body that names none is a standalone order, which needs `write`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CALLBACK_SESSION_KEY = "checkoutSessionId"  # how the SDK's checkout component links its orders


def named_session(body: Mapping[str, Any]) -> Any:
    """`checkoutSessionId`, else `callbackMetadata.checkoutSessionId`; None when neither is given.
    Unvalidated: whatever the body holds there."""
    named = body.get("checkoutSessionId")
    callback = body.get("callbackMetadata")
    if named is None and isinstance(callback, Mapping):
        named = callback.get(CALLBACK_SESSION_KEY)
    return named
