"""Lambda event-filter patterns (the subset a FilterCriteria pattern in this template may use)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any


def matches(pattern: dict[str, Any], record: dict[str, Any]) -> bool:
    """True when `record` satisfies every key of `pattern` (Lambda's event filtering rules)."""
    for key, expected in pattern.items():
        present = isinstance(record, dict) and key in record
        value = record.get(key) if present else None
        if isinstance(expected, dict):
            if not present or not isinstance(value, dict) or not matches(expected, value):
                return False
        elif isinstance(expected, list):
            if not any(_matches_rule(rule, present, value) for rule in expected):
                return False
        else:
            raise ValueError(f"filter values must be lists or objects, got {expected!r}")
    return True


def _matches_rule(rule: Any, present: bool, value: Any) -> bool:
    if isinstance(rule, dict):
        if "exists" in rule:
            return bool(rule["exists"]) == present
        if "prefix" in rule:
            return present and isinstance(value, str) and value.startswith(rule["prefix"])
        if "anything-but" in rule:
            excluded = rule["anything-but"]
            excluded = excluded if isinstance(excluded, list) else [excluded]
            return present and value not in excluded
        raise ValueError(f"unsupported filter rule {rule!r}")
    return present and value == rule


def patterns_of(stream_properties: dict[str, Any]) -> list[dict[str, Any]]:
    """The parsed `FilterCriteria.Filters[].Pattern` of a DynamoDB event source; [] = no filter."""
    filters = stream_properties.get("FilterCriteria", {}).get("Filters", [])
    return [json.loads(item["Pattern"]) for item in filters]


def passes(patterns: Sequence[dict[str, Any]], record: dict[str, Any]) -> bool:
    return not patterns or any(matches(pattern, record) for pattern in patterns)
