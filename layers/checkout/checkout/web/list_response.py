"""The SDK's `ListResponse`: the one shape of every list on the platform surface (sessions, webhooks,
deliveries). Its own module, so the webhook lists do not load the platform session view with it."""

from __future__ import annotations

from typing import Any


def list_response(data: list[dict[str, Any]], has_more: bool, total_count: int, url: str) -> dict[str, Any]:
    return {"object": "list", "data": data, "has_more": has_more, "total_count": total_count, "url": url}
