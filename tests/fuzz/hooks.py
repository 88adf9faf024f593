"""What schemathesis is told about this API beyond its OpenAPI document (loaded through the
config's `hooks`): how to draw an `evm-address` (a checksum is beyond a pattern) and the two URL
formats (a browser's reading of a host is beyond one too), and the two things a real client does
that a generator cannot: sign the body it sends, and use a fresh `Idempotency-Key` for
each new request. Nothing here filters a request or a failure."""

from __future__ import annotations

import json
import re
import secrets
import time
import uuid
from typing import Any

import schemathesis
from hypothesis import strategies as st

from checkout.domain.addresses import to_checksum_address
from checkout.domain.redirects import MAX_URL_LENGTH, PLACEHOLDERS, resolve_redirect_url
from checkout.web.idempotency import HEADER as IDEMPOTENCY_HEADER
from checkout.web.signatures import HEADER as SIGNATURE_HEADER
from checkout.web.signatures import signature_header
from tests.builders import ORDER_EVENTS_SECRET

_SIGNATURE_FORM = re.compile(r"t=[0-9]{1,12}(?:,v1=[0-9a-f]{64})+")
_IDEMPOTENCY_KEY = re.compile(r"[\x20-\x7e]{1,255}")

# `format: evm-address`: all lower-case, all upper-case, or EIP-55 checksummed mixed case.
_HEX_ADDRESS = st.binary(min_size=20, max_size=20).map(lambda raw: "0x" + raw.hex())
schemathesis.openapi.format(
    "evm-address",
    st.one_of(
        _HEX_ADDRESS,
        _HEX_ADDRESS.map(lambda address: "0x" + address[2:].upper()),
        _HEX_ADDRESS.map(to_checksum_address),
    ),
)


# `format: redirect-url` and `webhook-url`: the plain form every one of them accepts, an https URL
# with an ASCII name of up to four labels, a port, a path and a query (a redirect URL's path and query
# may hold the `{SESSION_ID}`/`{ORDER_ID}` templates). A redirect URL is drawn at most 2048
# characters long once resolved (each template a session id, or `sessionId=<id>` appended), as the
# API judges it; the labels of both are 31 characters at most (a host with a label over 63 is
# refused). The document states no pattern: the API takes more than this form (`http://localhost`,
# IDNA hosts, other characters), and a schema-violating value is expected to be refused.
_LABEL = r"[a-z][a-z0-9]{0,30}(?:-[a-z0-9]{1,30})?"
_ORIGIN = rf"https://{_LABEL}(?:\.{_LABEL}){{0,3}}\.[a-z]{{2,12}}(?::[1-9][0-9]{{0,3}})?"
_TEMPLATE = "|".join(map(re.escape, PLACEHOLDERS))
_REDIRECT_URL = rf"{_ORIGIN}(?:/(?:[A-Za-z0-9._~-]|{_TEMPLATE})*)*(?:\?(?:[A-Za-z0-9._~=&-]|{_TEMPLATE})*)?"
_WEBHOOK_URL = rf"{_ORIGIN}(?:/[A-Za-z0-9._~-]*)*(?:\?[A-Za-z0-9._~=&-]*)?"
_A_SESSION_ID = str(uuid.UUID(int=0))  # every session id is this long


def _fits_once_resolved(url: str) -> bool:
    return len(resolve_redirect_url(url, _A_SESSION_ID)) <= MAX_URL_LENGTH


schemathesis.openapi.format(
    "redirect-url", st.from_regex(_REDIRECT_URL, fullmatch=True).filter(_fits_once_resolved)
)
schemathesis.openapi.format(
    "webhook-url", st.from_regex(_WEBHOOK_URL, fullmatch=True).filter(lambda url: len(url) <= 2048)
)


def _key(case: Any, name: str) -> str | None:
    for header in case.headers or {}:
        if header.lower() == name:
            return str(header)
    return None


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """A well-formed `Checkout-Signature` becomes a real one over the body as sent (a malformed or
    missing one stays as drawn, so the 401s are tested too); a well-formed `Idempotency-Key` becomes
    a fresh one, as a client's next request would carry (a drawn key repeats across requests with
    other bodies, which the API rightly refuses)."""
    signature = _key(case, SIGNATURE_HEADER)
    if signature is not None and _SIGNATURE_FORM.fullmatch(str(case.headers[signature])):
        body = _body_bytes(case)
        kwargs["data"] = body
        case.headers[signature] = signature_header([ORDER_EVENTS_SECRET], int(time.time()), body)
    idempotency = _key(case, IDEMPOTENCY_HEADER)
    if idempotency is not None and _IDEMPOTENCY_KEY.fullmatch(str(case.headers[idempotency])):
        case.headers[idempotency] = f"fuzz-{uuid.uuid4()}-{secrets.token_hex(4)}"


def _body_bytes(case: Any) -> bytes:
    """The body as the transport will send it, so that the signature covers exactly those bytes."""
    if type(case.body).__name__ == "NotSet":
        return b""
    if isinstance(case.body, bytes):
        return case.body
    return json.dumps(case.body).encode()
