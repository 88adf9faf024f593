"""`Checkout-Signature` verification (DESIGN 5): HMAC-SHA256 over "<t>.<raw body>".

    Checkout-Signature: t=1795464528,v1=<hex>[,v1=<hex>...]

Several `v1=` let the sender sign with an old and a new secret during a rotation; several
configured secrets let this side rotate too. Any one match is enough.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Iterable

from checkout.config import get_settings
from checkout.signing import sign, signature_header
from checkout.web.errors import InvalidSignature
from checkout.web.request import ApiRequest

HEADER = "checkout-signature"


def _parse(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            if timestamp is not None or not value.isascii() or not value.isdigit() or len(value) > 12:
                raise InvalidSignature("Checkout-Signature has a malformed timestamp")
            timestamp = int(value)
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not signatures:
        raise InvalidSignature("Checkout-Signature must have the form t=<unix seconds>,v1=<hex signature>")
    return timestamp, signatures


def verify(header: str | None, body: bytes, secrets: Iterable[str], now_s: int, tolerance_s: int) -> None:
    """Raises `InvalidSignature` (a 401) unless some `v1` is a valid HMAC by some secret."""
    if not header:
        raise InvalidSignature("Missing Checkout-Signature header")
    timestamp, signatures = _parse(header)
    if abs(now_s - timestamp) > tolerance_s:
        raise InvalidSignature("Checkout-Signature timestamp is outside the tolerance window")
    expected = [sign(secret, timestamp, body) for secret in secrets]
    # compare_digest on every pair: no early exit that would leak which one matched
    matched = False
    for candidate in signatures:
        for good in expected:
            matched |= hmac.compare_digest(candidate.encode(), good.encode())
    if not matched:
        raise InvalidSignature("Checkout-Signature does not match")


def signature_required(secrets: Callable[[], Iterable[str]]) -> Callable[[ApiRequest], None]:
    """A handler's guard: the request's raw body must carry a valid `Checkout-Signature` by one of
    `secrets()`, checked before anything is parsed or a kept answer is replayed."""

    def check(request: ApiRequest) -> None:
        verify(
            request.headers.get(HEADER),
            request.body,
            secrets(),
            time.time_ns() // 1_000_000_000,
            get_settings().signature_tolerance_seconds,
        )

    return check


__all__ = ["HEADER", "sign", "signature_header", "signature_required", "verify"]
