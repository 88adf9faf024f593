"""A meter on a botocore DynamoDB client: every call it makes, with the capacity DynamoDB would
bill for it on demand, worked out from the items before and after each write.

Hooks on the client's own events (`before-parameter-build`, `after-call`) see each call; a second,
unmetered client reads the items a write touches before and after it, which gives the item sizes
(DynamoDB's rules: names and values in bytes, numbers about one byte per two digits, 3 bytes per
map or list and 1 per element) and the writes each global secondary index takes.

Billing rules applied (DynamoDB on demand, "Read/write request units"):
- a write: 1 WRU per started KB of the larger of the item before and after, a failed condition
  included; a transactional write twice that per item;
- a read: 1 RRU per started 4 KB when strongly consistent, half when eventually consistent; a
  query per started 4 KB of all the items it read;
- an index: a write that adds or removes an item from it costs one index write, one that changes
  its key two (remove + add), one that changes only a projected attribute one, any other none;
  each 1 WRU per started KB of the index entry (all of ours are far below 1 KB).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

KB = 1024
WRITES = {"PutItem", "UpdateItem", "DeleteItem"}


def attribute_size(value: dict[str, Any]) -> int:
    """The size DynamoDB counts for one attribute value (without its name)."""
    (kind, content), *_ = value.items()
    if kind == "S":
        return len(content.encode())
    if kind == "N":
        return _number_size(content)
    if kind == "B":
        return len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(item.encode()) for item in content)
    if kind == "NS":
        return sum(_number_size(item) for item in content)
    if kind == "BS":
        return sum(len(item) for item in content)
    if kind == "L":
        return 3 + sum(1 + attribute_size(item) for item in content)
    if kind == "M":
        return 3 + sum(1 + len(name.encode()) + attribute_size(item) for name, item in content.items())
    raise ValueError(f"unknown attribute type {kind}")


def _number_size(text: str) -> int:
    digits = Decimal(text).normalize().as_tuple().digits
    return math.ceil(len(digits) / 2) + 1


def item_size(item: dict[str, Any] | None) -> int:
    return 0 if not item else sum(len(name.encode()) + attribute_size(v) for name, v in item.items())


@dataclass(frozen=True)
class Index:
    name: str
    keys: tuple[str, ...]
    projected: frozenset[str] | None  # with the index and table keys; None: every attribute (ALL)


def indexes_of(table_definition: dict[str, Any]) -> list[Index]:
    table_keys = tuple(key["AttributeName"] for key in table_definition["KeySchema"])
    found = []
    for index in table_definition.get("GlobalSecondaryIndexes", []):
        keys = tuple(key["AttributeName"] for key in index["KeySchema"])
        projection = index["Projection"]
        extra = projection.get("NonKeyAttributes", [])
        projected = None if projection["ProjectionType"] == "ALL" else frozenset((*table_keys, *keys, *extra))
        found.append(Index(index["IndexName"], keys, projected))
    return found


def index_writes(index: Index, old: dict[str, Any] | None, new: dict[str, Any] | None) -> int:
    """How many writes `index` takes when an item goes from `old` to `new` (None: absent)."""
    was_in = old is not None and all(key in old for key in index.keys)
    is_in = new is not None and all(key in new for key in index.keys)
    if was_in and is_in:
        assert old is not None and new is not None
        if any(old[key] != new[key] for key in index.keys):
            return 2
        names = set(old) | set(new) if index.projected is None else index.projected
        return int(any(old.get(name) != new.get(name) for name in names))
    return int(was_in or is_in)


@dataclass(frozen=True)
class Write:
    """An item a write changed: what the table's stream gets (NEW_AND_OLD_IMAGES)."""

    table: str
    key: dict[str, Any]
    old: dict[str, Any] | None
    new: dict[str, Any] | None

    @property
    def event_name(self) -> str:
        return "INSERT" if self.old is None else "REMOVE" if self.new is None else "MODIFY"


@dataclass
class Usage:
    """What a stretch of calls cost: calls by operation, request units, index writes by index."""

    calls: Counter[str] = field(default_factory=Counter)
    write_units: int = 0
    read_units: float = 0.0
    index_writes: Counter[str] = field(default_factory=Counter)
    largest_item: int = 0  # bytes, of any item written or read
    # Request units by partition, (table, partition key value): where the load of a step lands.
    partition_writes: Counter[tuple[str, str]] = field(default_factory=Counter)
    partition_reads: defaultdict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))

    def add_item(self, size: int) -> None:
        self.largest_item = max(self.largest_item, size)


class Meter:
    """Meters `client` (the functions' own client); `reader` reads items around each write. One
    call at a time: calls made side by side (threads) would mix their items up."""

    def __init__(self, client: Any, reader: Any, indexes: dict[str, list[Index]]) -> None:
        self.reader = reader
        self.indexes = indexes  # by table name
        self.usage = Usage()
        self.writes: list[Write] = []  # every item a metered write changed, in order
        self._before: list[tuple[str, dict[str, Any], dict[str, Any] | None, bool]] = []
        self._consistent = False
        self._params: dict[str, Any] = {}
        self._key_names: dict[str, list[str]] = {}
        self._events = client.meta.events
        self._events.register("before-parameter-build.dynamodb", self._before_call)
        self._events.register("after-call.dynamodb", self._after_call)

    def close(self) -> None:
        self._events.unregister("before-parameter-build.dynamodb", self._before_call)
        self._events.unregister("after-call.dynamodb", self._after_call)

    @contextmanager
    def step(self) -> Iterator[Usage]:
        """The usage of the calls made inside the block."""
        self.usage = Usage()
        yield self.usage

    # --- hooks -------------------------------------------------------------------------------
    def _before_call(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        operation = model.name
        self._before = []
        self._params = params
        self._consistent = bool(params.get("ConsistentRead"))
        if operation in WRITES:
            self._remember(params["TableName"], params, False)
        elif operation == "TransactWriteItems":
            for entry in params["TransactItems"]:
                ((_, request),) = entry.items()
                self._remember(request["TableName"], request, True)

    def _after_call(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        operation = model.name
        usage = self.usage
        usage.calls[operation] += 1
        for table, key, old, transactional in self._before:
            new = self._read(table, key)
            size = max(item_size(old), item_size(new))
            usage.add_item(size)
            units = max(1, math.ceil(size / KB)) * (2 if transactional else 1)
            usage.write_units += units
            usage.partition_writes[table, self._partition(table, key)] += units
            for index in self.indexes.get(table, []):
                if writes := index_writes(index, old, new):
                    usage.index_writes[index.name] += writes
            if old != new:
                self.writes.append(Write(table, key, old, new))
        self._before = []
        params = self._params
        if operation == "GetItem":
            item = parsed.get("Item")
            usage.add_item(item_size(item))
            read = _read_units(item_size(item), self._consistent)
            usage.read_units += read
            usage.partition_reads[
                params["TableName"], self._partition(params["TableName"], params["Key"])
            ] += read
        elif operation == "Query":
            sizes = [item_size(item) for item in parsed.get("Items", [])]
            for size in sizes:
                usage.add_item(size)
            read = _read_units(sum(sizes), self._consistent)
            usage.read_units += read
            usage.partition_reads[params["TableName"], self._queried_partition(params)] += read
        elif operation == "BatchGetItem":
            for items in parsed.get("Responses", {}).values():
                for item in items:
                    usage.add_item(item_size(item))
                    usage.read_units += _read_units(item_size(item), consistent=True)

    # --- partitions ----------------------------------------------------------------------------
    def _partition(self, table: str, key: dict[str, Any]) -> str:
        self._key_names_of(table)
        ((_, value),) = key[self._key_names[table][0]].items()
        return str(value)

    def _queried_partition(self, params: dict[str, Any]) -> str:
        """The partition a Query reads: its key condition's equality (an index's own, prefixed)."""
        table, index = params["TableName"], params.get("IndexName")
        names = params.get("ExpressionAttributeNames", {})
        for name, placeholder in re.findall(r"([#\w]+)\s*=\s*(:\w+)", params["KeyConditionExpression"]):
            attribute = names.get(name, name)
            if index is not None or attribute == self._key_names_of(table)[0]:
                ((_, value),) = params["ExpressionAttributeValues"][placeholder].items()
                return f"{index}:{value}" if index else str(value)
        raise ValueError(f"no partition in {params['KeyConditionExpression']!r}")

    def _key_names_of(self, table: str) -> list[str]:
        if table not in self._key_names:
            schema = self.reader.describe_table(TableName=table)["Table"]["KeySchema"]
            self._key_names[table] = [key["AttributeName"] for key in schema]
        return self._key_names[table]

    # --- items -------------------------------------------------------------------------------
    def _remember(self, table: str, request: dict[str, Any], transactional: bool) -> None:
        source = request.get("Key") or request["Item"]
        key = {name: source[name] for name in self._key_names_of(table)}
        self._before.append((table, key, self._read(table, key), transactional))

    def _read(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        item: dict[str, Any] | None = self.reader.get_item(TableName=table, Key=key, ConsistentRead=True).get(
            "Item"
        )
        return item


def _read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / (4 * KB)))
    return float(units) if consistent else units / 2
