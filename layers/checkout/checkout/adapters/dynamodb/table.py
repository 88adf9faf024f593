"""One DynamoDB table as the adapter uses it: its calls, and the one place that reads DynamoDB's
error codes and turns them into the domain's errors or the adapter's own conditions."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as EndpointUnreachable

from checkout.adapters.dynamodb.client import default_client
from checkout.adapters.dynamodb.codec import from_attributes, record_from_item, to_attributes
from checkout.config import Settings
from checkout.domain.errors import StorageRefused, StorageUnavailable
from checkout.domain.record_base import Record

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

RecordT = TypeVar("RecordT", bound=Record)
_RETRYABLE = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
    }
)
CONTENTION_ATTEMPTS = 8
# What DynamoDB says when the data itself breaks a limit (item size, nesting, number range): a
# refusal for good, the caller's to fix. Any other validation error is this service's own bug
# (an expression it cannot parse) and stays a loud 500.
_DATA_LIMIT_MESSAGES = (
    "size has exceeded",
    "size to update has exceeded",
    "nesting levels have exceeded",
    "number overflow",
    "number underflow",
    "precision up to 38 digits",
    "cannot be converted to a numeric value",
    "empty attribute name",
    "may not contain an empty",
)
_VALIDATION_CODES = frozenset({"ValidationError", "ValidationException"})  # DynamoDB, moto
_STORAGE_REFUSED = "The request exceeds a storage limit and cannot be stored"


class Table:
    """The table and its client (made on first use), with the calls every store makes."""

    def __init__(self, table_name: str, settings: Settings, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self.settings = settings
        self._client = client

    @property
    def client(self) -> DynamoDBClient:
        if self._client is None:
            self._client = default_client()
        return self._client

    def _get(self, key: dict[str, str]) -> dict[str, Any] | None:
        with translated_errors():
            response = self.client.get_item(
                TableName=self.table_name, Key=to_attributes(key), ConsistentRead=True
            )
        item = response.get("Item")
        return None if item is None else from_attributes(item)

    def _put_new(self, item: Mapping[str, Any]) -> None:
        try:
            with translated_errors():
                self.client.put_item(
                    TableName=self.table_name,
                    Item=to_attributes(item),
                    ConditionExpression="attribute_not_exists(pk)",
                )
        except ConditionFailed:
            # The key holds a fresh UUID, so only our own attempt can be there already: the client
            # retried a put whose first answer was lost (a read timeout). It is stored; done.
            pass

    def _transact(self, items: list[dict[str, Any]]) -> Cancelled | None:
        """Runs the transaction; None when it committed, else which conditions failed and why."""
        for item in items:
            for operation in item.values():
                operation["TableName"] = self.table_name
                operation["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return retry_on_contention(lambda: self._transact_once(items))

    def _transact_once(self, items: list[dict[str, Any]]) -> Cancelled | None:
        try:
            with translated_errors():
                self.client.transact_write_items(TransactItems=items)  # type: ignore[arg-type]
        except TransactionCancelled as cancelled:
            return cancelled.outcome
        return None


# --- error translation (the only place that reads DynamoDB error codes) --------------------------
class ConditionFailed(Exception):
    def __init__(self, current: dict[str, Any] | None) -> None:
        super().__init__("condition failed")
        self.current = current


@dataclass(frozen=True)
class Cancelled:
    """A transaction cancelled by failed conditions: per item, whether its own condition failed
    and (then) the item as it was."""

    failed: list[bool]
    current: list[dict[str, Any] | None]

    def record(self, index: int, model: type[RecordT]) -> RecordT | None:
        item = self.current[index]
        return None if item is None else record_from_item(model, item)


class TransactionCancelled(Exception):
    def __init__(self, outcome: Cancelled) -> None:
        super().__init__("transaction cancelled")
        self.outcome = outcome


class Contention(Exception):
    """Lost to a concurrent transaction on the same items; nothing was written."""


def retry_on_contention(attempt: Callable[[], Cancelled | None]) -> Cancelled | None:
    for number in range(CONTENTION_ATTEMPTS):
        try:
            return attempt()
        except Contention:
            # Full jitter: spread the losers out so the next round mostly finds the winner's result.
            time.sleep(random.uniform(0, 0.01 * 2**number))
    raise StorageUnavailable("The request conflicted with concurrent requests; please retry")


@contextmanager
def translated_errors() -> Iterator[None]:
    try:
        yield
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ConditionalCheckFailedException":
            old: Any = exc.response.get("Item")
            raise ConditionFailed(from_attributes(old) if old else None) from None
        if code == "TransactionCanceledException":
            reasons: Any = exc.response.get("CancellationReasons", [])
            raise _cancellation(list(reasons)) from None
        if code == "TransactionConflictException":
            raise Contention() from None
        if code in _RETRYABLE:
            raise StorageUnavailable("The service is busy; please retry") from None
        message = exc.response.get("Error", {}).get("Message")
        if code == "ValidationException" and _breaks_a_data_limit(message):
            raise StorageRefused(_STORAGE_REFUSED) from None
        raise
    except (EndpointUnreachable, HTTPClientError):
        # Refused, timed out or cut off after the client's own bounded retries (see client.py).
        raise StorageUnavailable("The service is temporarily unavailable; please retry") from None


def _breaks_a_data_limit(message: object) -> bool:
    return isinstance(message, str) and any(text in message.lower() for text in _DATA_LIMIT_MESSAGES)


def _cancellation(reasons: list[dict[str, Any]]) -> Exception:
    invalid = [reason for reason in reasons if reason.get("Code") in _VALIDATION_CODES]
    if invalid:
        if all(_breaks_a_data_limit(reason.get("Message")) for reason in invalid):
            return StorageRefused(_STORAGE_REFUSED)
        return RuntimeError(f"transaction refused: {invalid[0].get('Message')}")
    failed = [reason.get("Code") == "ConditionalCheckFailed" for reason in reasons]
    if any(failed):
        current = [from_attributes(reason["Item"]) if reason.get("Item") else None for reason in reasons]
        return TransactionCancelled(Cancelled(failed, current))
    if any(reason.get("Code") == "TransactionConflict" for reason in reasons):
        return Contention()
    return StorageUnavailable("The service is busy; please retry")
