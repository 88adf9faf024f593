"""`Idempotency-Key` on every POST (DESIGN 9), on powertools' Idempotency utility.

The first request with a key runs; its response is kept (24 h by default) under the key, scoped by
the caller (the merchant, or for an anonymous buyer the session its body names), the method and the
path. A retry with the same key and the same body (as canonical JSON) gets that response byte for
byte, marked `Idempotent-Replayed: true`, and nothing runs again. Only a response that changed
something is kept: every 4xx here is refused before any write, so a 4xx (or a 5xx) is forgotten and
a retry runs afresh.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from checkout.config import get_settings
from checkout.domain.errors import StorageUnavailable
from checkout.domain.json_text import canonical
from checkout.requests.order_link import named_session
from checkout.web.errors import IdempotencyKeyInProgress, IdempotencyKeyReused, InvalidIdempotencyKey
from checkout.web.request import ApiRequest, parse_json

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
    from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord

HEADER = "idempotency-key"
REPLAYED = "Idempotent-Replayed"
_KEY = re.compile(r"[\x20-\x7e]{1,255}", re.ASCII)  # printable ASCII
_NOT_JSON = object()  # a body that does not read as JSON: compared as its raw text
MAX_KEPT_CHARACTERS = 350_000  # an answer's JSON text, under DynamoDB's 400 KB per item


@dataclass(frozen=True)
class Result:
    status: int
    body: str
    replayed: bool = False
    headers: dict[str, str] = field(default_factory=dict)  # only on answers that are never kept (4xx)


class _NotKept(Exception):
    """A response that changed nothing: powertools drops the in-progress record on an exception."""

    def __init__(self, result: Result) -> None:
        super().__init__(result.status)
        self.result = result


def run_once(request: ApiRequest, run: Callable[[], Result], lambda_context: Any) -> Result:
    """`run()` once per key and scope: on a retry, the first response instead."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return run()
    if not _KEY.fullmatch(key):
        raise InvalidIdempotencyKey(
            "Idempotency-Key must be 1-255 printable ASCII characters", param="Idempotency-Key"
        )
    from aws_lambda_powertools.utilities.idempotency import idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyPersistenceLayerError,
        IdempotencyValidationError,
    )

    from checkout.composition import idempotency_store

    config = _config(get_settings().idempotency_ttl_seconds)
    config.register_lambda_context(lambda_context)
    execute = idempotent_function(
        _execute, data_keyword_argument="request", persistence_store=idempotency_store(), config=config
    )
    body = _read(request.body)
    scoped = {
        "key": f"{_scope(request, body)} {request.method} {request.path} {key}",
        "body": _canonical(request.body, body),
    }
    try:
        kept: dict[str, Any] = execute(run, request=scoped)
    except _NotKept as not_kept:
        return not_kept.result
    except IdempotencyValidationError:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used with a different request body", param="Idempotency-Key"
        ) from None
    except IdempotencyAlreadyInProgressError:
        raise IdempotencyKeyInProgress(
            "A request with this Idempotency-Key is still in progress; retry later", param="Idempotency-Key"
        ) from None
    except IdempotencyPersistenceLayerError:
        raise StorageUnavailable("The service is busy; please retry") from None
    return Result(int(kept["status"]), str(kept["body"]), bool(kept.get("replayed")))


def _execute(run: Callable[[], Result], *, request: dict[str, Any]) -> dict[str, Any]:
    result = run()
    kept = {"status": result.status, "body": result.body}
    if not 200 <= result.status < 300 or not _fits_a_record(kept):
        raise _NotKept(result)
    return kept


def _fits_a_record(kept: dict[str, Any]) -> bool:
    """Whether powertools can store this answer: it writes it as ASCII JSON text into one DynamoDB
    item (400 KB with the key and the rest). An answer that cannot be kept is answered all the same
    and forgotten, as a 4xx is, instead of becoming a 5xx after its writes were made; only an order
    event's answer grows so large (the order's transactions), and its retry is then a no-op by its
    event id."""
    return len(json.dumps(kept)) <= MAX_KEPT_CHARACTERS


@lru_cache(maxsize=4)
def _config(ttl_seconds: int) -> IdempotencyConfig:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    return IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="body",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=ttl_seconds,
        hash_function="sha256",
        response_hook=_mark_replayed,
    )


def _mark_replayed(response: dict[str, Any], idempotent_data: DataRecord) -> dict[str, Any]:
    return {**response, "replayed": True}


def _read(body: bytes) -> Any:
    """The body as the endpoint reads it, or `_NOT_JSON`: read once for the scope and the comparison."""
    if not body.strip():
        return {}
    try:
        return parse_json(body)
    except (ValueError, RecursionError):
        return _NOT_JSON


def _scope(request: ApiRequest, body: Any) -> str:
    """Whose key space a key lives in: the merchant's, or for an anonymous buyer, the session's."""
    caller = request.caller
    if caller.merchant_id is not None:
        return f"merchant:{caller.merchant_id}"
    named = named_session(body) if isinstance(body, dict) else None
    if isinstance(named, str):
        return f"session:{named.lower()}"
    return f"merchant:{caller.stand_in}" if caller.stand_in else "anonymous"


def _canonical(raw: bytes, body: Any) -> str:
    """The body as compared between a request and its retry: its canonical JSON text (key order,
    spacing and a number's spelling do not matter; its value, to the last digit, does), or the raw
    text when it does not read as JSON. Text, not the parsed value: powertools copies the payload,
    which a deeply nested value would not survive."""
    if body is not _NOT_JSON:
        try:
            return canonical(body)
        except (ValueError, ArithmeticError, RecursionError):  # never a 5xx for what a client sends
            pass
    return raw.decode(errors="replace")
