"""What the local stack knows about a function: its code, limits, triggers and environment.

Kept apart from the template parser (and its YAML import) so a Lambda-like instance can load its
function with nothing more than this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_ROUTE = "$default"
ANY_METHOD = "ANY"
INTEGRATION_TIMEOUT_MS = 30_000  # an HTTP API's default (and maximum) integration timeout
DEFAULT_MEMORY_MB = 128  # Lambda's default MemorySize
DEFAULT_TIMEOUT_S = 3  # Lambda's default Timeout


@lru_cache(maxsize=256)
def _path_pattern(path: str) -> re.Pattern[str]:
    """`/a/{id}` matches one segment per variable; a greedy `{proxy+}` matches the rest."""
    escaped = re.escape(path)
    greedy = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", escaped)
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", greedy) + "$")


@dataclass(frozen=True)
class HttpRoute:
    method: str  # GET, POST, ... or ANY
    path: str  # API Gateway style: /checkout-sessions/{id}, /files/{proxy+}, or $default
    function: str  # logical id
    timeout_ms: int = INTEGRATION_TIMEOUT_MS  # the route's integration timeout (TimeoutInMillis)

    @property
    def route_key(self) -> str:
        return DEFAULT_ROUTE if self.is_default else f"{self.method} {self.path}"

    @property
    def is_default(self) -> bool:
        return self.path == DEFAULT_ROUTE

    @property
    def is_greedy(self) -> bool:
        return "+}" in self.path

    def accepts(self, method: str) -> bool:
        return self.method in (ANY_METHOD, method)

    def match(self, path: str) -> dict[str, str] | None:
        """Path parameters when `path` fits this route's template, else None."""
        if self.is_default:
            return None
        found = _path_pattern(self.path).match(path)
        return None if found is None else found.groupdict()


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_uri: Path
    handler: str  # module.attribute
    timeout: int
    environment: dict[str, str] = field(default_factory=dict)
    routes: tuple[HttpRoute, ...] = ()
    stream: dict[str, Any] | None = None  # the DynamoDB event's Properties
    schedule_seconds: int | None = None
    memory_mb: int = DEFAULT_MEMORY_MB
    layers: tuple[Path, ...] = ()  # layer content folders, put on the path as Lambda does
    reserved_concurrency: int | None = None

    @property
    def module_path(self) -> Path:
        return self.code_uri / (self.handler.rsplit(".", 1)[0] + ".py")

    @property
    def handler_name(self) -> str:
        return self.handler.rsplit(".", 1)[1]
