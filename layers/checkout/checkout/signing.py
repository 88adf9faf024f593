"""`Checkout-Signature` (DESIGN 5 and 11): HMAC-SHA256 over "<t>.<raw body>", one scheme for the
payment watcher's events in and the merchant's webhooks out, so one verifier serves both.

    Checkout-Signature: t=1795464528,v1=<hex>[,v1=<hex>...]
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

HEADER = "Checkout-Signature"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secrets: Iterable[str], timestamp: int, body: bytes) -> str:
    return ",".join([f"t={timestamp}", *(f"v1={sign(secret, timestamp, body)}" for secret in secrets)])
