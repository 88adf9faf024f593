"""The only code that speaks DynamoDB.

Every status change is one conditional write whose condition names the allowed source
statuses; a failed condition comes back as `WriteConflict` carrying the item as it is now
(`ReturnValuesOnConditionCheckFailure=ALL_OLD`), so callers never need a second read to explain it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import ClientError

from checkout.errors import StorageUnavailable
from checkout.keys import event_key, order_key, session_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

OPEN_SESSIONS_INDEX = "open-sessions-by-expiry"
_RETRYABLE = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
    }
)


@lru_cache(maxsize=1)
def default_client() -> DynamoDBClient:
    """One client per container, made on first use (not at import, which would slow cold starts).

    botocore directly rather than boto3: boto3's import drags in s3transfer, ~60 ms of cold
    start for nothing. `AWS_ENDPOINT_URL_DYNAMODB` (read by botocore) points it at DynamoDB Local.
    """
    import botocore.session

    return cast("DynamoDBClient", botocore.session.get_session().create_client("dynamodb"))


# --- plain <-> DynamoDB JSON -----------------------------------------------------------------
def serialize(value: Any) -> dict[str, Any]:
    """A plain value as a DynamoDB attribute value (the types this table stores)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | Decimal):
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, Mapping):
        return {"M": {str(key): serialize(item) for key, item in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [serialize(item) for item in value]}
    raise TypeError(f"cannot store a {type(value).__name__}")


def deserialize(attribute: Mapping[str, Any]) -> Any:
    if not attribute:
        # Stream records read through botocore (the local poller) carry an empty map as `{}`
        # instead of `{"M": {}}`; nothing else is ever empty.
        return {}
    ((kind, value),) = attribute.items()
    if kind == "S":
        return value
    if kind == "N":
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "BOOL":
        return bool(value)
    if kind == "NULL":
        return None
    if kind == "M":
        return {key: deserialize(item) for key, item in value.items()}
    if kind == "L":
        return [deserialize(item) for item in value]
    raise TypeError(f"unexpected attribute type {kind}")


def to_attributes(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: serialize(value) for key, value in item.items() if value is not None}


def from_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    return {key: deserialize(value) for key, value in attributes.items()}


# --- exceptions ------------------------------------------------------------------------------
class WriteConflict(Exception):
    """A conditional write's condition failed. `current` is the item as stored (None if absent)."""

    def __init__(self, current: dict[str, Any] | None) -> None:
        super().__init__("condition failed")
        self.current = current


class TransactionConflict(Exception):
    """A transaction was cancelled by a failed condition. `current[i]` is the i-th item's old
    image when its own condition failed, else None; `failed[i]` says which conditions failed."""

    def __init__(self, failed: list[bool], current: list[dict[str, Any] | None]) -> None:
        super().__init__("transaction cancelled")
        self.failed = failed
        self.current = current


class TransactionContention(Exception):
    """A transaction lost to a concurrent one on the same items; nothing was written. Retry."""


class AlreadyExists(Exception):
    """A put guarded by `attribute_not_exists` found an item there."""


# --- write descriptions ----------------------------------------------------------------------
@dataclass
class _Expression:
    """Accumulates an update/condition expression with unique placeholder names."""

    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def name(self, attribute: str) -> str:
        placeholder = f"#{attribute}"
        self.names[placeholder] = attribute
        return placeholder

    def value(self, value: Any) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = serialize(value)
        return placeholder

    def one_of(self, attribute: str, options: Iterable[str]) -> str:
        return f"{self.name(attribute)} IN ({', '.join(self.value(option) for option in sorted(options))})"


@dataclass(frozen=True)
class StatusChange:
    """A conditional status write: move `key` to `target` only from one of `sources`.

    `set_fields` are written alongside (`set_if_absent` only where missing, `append_to_lists`
    appended), `remove_fields` removed, and the optional guards below are ANDed onto the
    status condition.
    """

    key: dict[str, str]
    target: str
    sources: frozenset[str]
    now_ms: int
    set_fields: Mapping[str, Any] = field(default_factory=dict)
    set_if_absent: Mapping[str, Any] = field(default_factory=dict)
    append_to_lists: Mapping[str, list[Any]] = field(default_factory=dict)
    remove_fields: tuple[str, ...] = ()
    deadline_passed_at_s: int | None = None  # condition: expires_at <= this
    deadline_ahead_at_s: int | None = None  # condition: expires_at > this
    linked_order: str | None = None  # condition: order_id = this
    no_linked_order: bool = False  # condition: attribute_not_exists(order_id)

    def render(self) -> dict[str, Any]:
        expr = _Expression()
        assignments = [
            f"{expr.name('status')} = {expr.value(self.target)}",
            f"updated_at = {expr.value(self.now_ms)}",
        ]
        assignments += [f"{expr.name(name)} = {expr.value(value)}" for name, value in self.set_fields.items()]
        assignments += [
            f"{expr.name(name)} = if_not_exists({expr.name(name)}, {expr.value(value)})"
            for name, value in self.set_if_absent.items()
        ]
        for name, items in self.append_to_lists.items():
            existing = f"if_not_exists({expr.name(name)}, {expr.value([])})"
            assignments.append(f"{expr.name(name)} = list_append({existing}, {expr.value(items)})")
        update = "SET " + ", ".join(assignments)
        if self.remove_fields:
            update += " REMOVE " + ", ".join(expr.name(name) for name in self.remove_fields)
        conditions = ["attribute_exists(pk)", expr.one_of("status", self.sources)]
        if self.deadline_passed_at_s is not None:
            conditions.append(f"expires_at <= {expr.value(self.deadline_passed_at_s)}")
        if self.deadline_ahead_at_s is not None:
            conditions.append(f"expires_at > {expr.value(self.deadline_ahead_at_s)}")
        if self.linked_order is not None:
            conditions.append(f"order_id = {expr.value(self.linked_order)}")
        if self.no_linked_order:
            conditions.append("attribute_not_exists(order_id)")
        return {
            "Key": to_attributes(self.key),
            "UpdateExpression": update,
            "ConditionExpression": " AND ".join(conditions),
            "ExpressionAttributeNames": expr.names,
            "ExpressionAttributeValues": expr.values,
        }


# --- the repository --------------------------------------------------------------------------
class Repository:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self._client = client

    @property
    def client(self) -> DynamoDBClient:
        if self._client is None:
            self._client = default_client()
        return self._client

    # reads
    def get_session(self, session_id: str) -> dict[str, Any] | None:
        return self._get(session_key(session_id))

    def get_order(self, order_id: str) -> dict[str, Any] | None:
        return self._get(order_key(order_id))

    def get_event(self, event_id: str) -> dict[str, Any] | None:
        return self._get(event_key(event_id))

    def _get(self, key: dict[str, str]) -> dict[str, Any] | None:
        with _translated_errors():
            response = self.client.get_item(
                TableName=self.table_name, Key=to_attributes(key), ConsistentRead=True
            )
        item = response.get("Item")
        return None if item is None else from_attributes(item)

    # creates
    def put_session(self, item: Mapping[str, Any]) -> None:
        self._put_new({**item, **session_key(item["id"]), "entity": "session"})

    def put_order(self, item: Mapping[str, Any]) -> None:
        self._put_new({**item, **order_key(item["id"]), "entity": "order"})

    def _put_new(self, item: Mapping[str, Any]) -> None:
        try:
            with _translated_errors():
                self.client.put_item(
                    TableName=self.table_name,
                    Item=to_attributes(item),
                    ConditionExpression="attribute_not_exists(pk)",
                )
        except WriteConflict:
            raise AlreadyExists() from None

    def link_order(self, order_item: Mapping[str, Any], session_link: StatusChange) -> dict[str, Any]:
        """Puts a new order and links it to its session in one transaction.

        Raises `TransactionConflict` with index 0 = the order, 1 = the session.
        """
        order = {**order_item, **order_key(order_item["id"]), "entity": "order"}
        self._transact(
            [
                {"Put": {"Item": to_attributes(order), "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Update": session_link.render()},
            ]
        )
        return order

    # status changes
    def change_status(self, change: StatusChange) -> dict[str, Any]:
        """Applies one conditional status write; returns the new item or raises `WriteConflict`."""
        with _translated_errors():
            response = self.client.update_item(
                TableName=self.table_name,
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **change.render(),
            )
        return from_attributes(response["Attributes"])

    def change_statuses(self, changes: list[StatusChange]) -> None:
        """Applies several conditional status writes atomically (all or none)."""
        self._transact([{"Update": change.render()} for change in changes])

    def record_event(self, event_item: Mapping[str, Any], order_change: StatusChange) -> None:
        """Stores an ingress event id and applies its order change atomically (index 0 = event)."""
        event = {**event_item, **event_key(event_item["id"]), "entity": "event"}
        self._transact(
            [
                {"Put": {"Item": to_attributes(event), "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Update": order_change.render()},
            ]
        )

    def _transact(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            for operation in item.values():
                operation["TableName"] = self.table_name
                operation["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        with _translated_errors():
            self.client.transact_write_items(TransactItems=items)  # type: ignore[arg-type]

    # the expiry job's index
    def due_open_sessions(
        self, shard: str, now_s: int, limit: int, start_key: dict[str, Any] | None = None
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """One page of `open` sessions in `shard` whose `expires_at <= now_s` (a Query, never a Scan)."""
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": OPEN_SESSIONS_INDEX,
            "KeyConditionExpression": "open_shard = :shard AND expires_at <= :now",
            "ExpressionAttributeValues": {":shard": {"S": shard}, ":now": {"N": str(now_s)}},
            "Limit": limit,
        }
        if start_key:
            request["ExclusiveStartKey"] = start_key
        with _translated_errors():
            response = self.client.query(**request)
        items = [from_attributes(item) for item in response.get("Items", [])]
        return items, response.get("LastEvaluatedKey")


@contextmanager
def _translated_errors() -> Iterator[None]:
    """Maps DynamoDB error codes to the exceptions above (the only place that reads them)."""
    try:
        yield
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ConditionalCheckFailedException":
            old: Any = exc.response.get("Item")
            raise WriteConflict(from_attributes(old) if old else None) from None
        if code == "TransactionCanceledException":
            reasons: Any = exc.response.get("CancellationReasons", [])
            raise _cancellation(list(reasons)) from None
        if code == "TransactionConflictException":
            raise TransactionContention() from None
        if code in _RETRYABLE:
            raise StorageUnavailable("The service is busy; please retry") from None
        raise


def _cancellation(reasons: list[dict[str, Any]]) -> Exception:
    """What a cancelled transaction means, from its per-item reasons (ALL_OLD images included)."""
    failed = [reason.get("Code") == "ConditionalCheckFailed" for reason in reasons]
    if any(failed):
        current = [from_attributes(reason["Item"]) if reason.get("Item") else None for reason in reasons]
        return TransactionConflict(failed, current)
    if any(reason.get("Code") == "TransactionConflict" for reason in reasons):
        return TransactionContention()  # lost to a concurrent transaction; nothing written
    return StorageUnavailable("The service is busy; please retry")
