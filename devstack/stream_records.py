"""DynamoDB stream records in exactly the shape Lambda hands them to a function.

Two things differ between a GetRecords record read here and Lambda's: the creation time comes
back from botocore as a datetime (Lambda sends epoch seconds), and an empty map attribute arrives
as `{}` (DynamoDB Local writes it so, and botocore keeps what it gets) where Lambda delivers
`{"M": {}}`. Every attribute value has exactly one type, and the only empty one DynamoDB allows
is a map, so an untyped `{}` is repaired to `{"M": {}}` wherever it appears.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

_IMAGES = ("Keys", "NewImage", "OldImage")
_RECORD_FIELDS = ("eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "userIdentity")
_STREAM_FIELDS = ("SequenceNumber", "SizeBytes", "StreamViewType")


def repaired(value: Any) -> Any:
    """An attribute value with every empty map spelled `{"M": {}}`."""
    if not isinstance(value, dict):
        return value
    if not value:
        return {"M": {}}
    if "M" in value and isinstance(value["M"], dict):
        return {"M": {name: repaired(item) for name, item in value["M"].items()}}
    if "L" in value and isinstance(value["L"], list):
        return {"L": [repaired(item) for item in value["L"]]}
    return value


def _epoch_seconds(value: Any) -> int | float:
    seconds = value.timestamp() if isinstance(value, datetime) else float(value)
    return int(seconds) if seconds == int(seconds) else seconds


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """One GetRecords record as Lambda delivers it in `event["Records"]`."""
    out: dict[str, Any] = {name: record[name] for name in _RECORD_FIELDS if name in record}
    source = record.get("dynamodb", {})
    dynamodb: dict[str, Any] = {}
    if "ApproximateCreationDateTime" in source:
        dynamodb["ApproximateCreationDateTime"] = _epoch_seconds(source["ApproximateCreationDateTime"])
    for image in _IMAGES:
        if image in source:
            dynamodb[image] = {name: repaired(value) for name, value in source[image].items()}
    for name in _STREAM_FIELDS:
        if name in source:
            dynamodb[name] = source[name]
    out["dynamodb"] = dynamodb
    out["eventSourceARN"] = stream_arn
    return out


def sequence_of(record: dict[str, Any]) -> str:
    return str(record["dynamodb"]["SequenceNumber"])
