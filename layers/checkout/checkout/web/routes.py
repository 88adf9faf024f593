"""The API's routes as the template declares them, for the `$default` route's function.

API Gateway sends every request that matches no route to `$default` without saying whether the
path exists under another method, so that function tells 404 from 405 with this table. The table
comes from the function's `HTTP_ROUTES` variable in template.yaml (a test keeps it equal to the
template's `HttpApi` events), so AWS and the local stack answer from the same data and code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checkout.web.errors import MethodNotAllowed, RouteNotFound

_ROUTE_KEY = re.compile(r"(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (/[A-Za-z0-9._~{}/+-]*)")
_PARAMETER = re.compile(r"\\\{(\w+)(\\\+)?\\\}")


def _path_pattern(template: str) -> re.Pattern[str]:
    """`/orders/{id}` matches one segment for `id`; a greedy `{proxy+}` matches the rest."""
    return re.compile(
        "^" + _PARAMETER.sub(lambda m: "(.+)" if m.group(2) else "([^/]+)", re.escape(template)) + "$"
    )


@dataclass(frozen=True)
class RouteTable:
    routes: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def parse(cls, value: str) -> RouteTable:
        """`METHOD /path,METHOD /path/{param},…`; raises ValueError on anything else."""
        routes = []
        for key in (part.strip() for part in value.split(",")):
            found = _ROUTE_KEY.fullmatch(key)
            if found is None:
                raise ValueError(f"not a route key: {key[:80]!r}")
            routes.append((found.group(1), _path_pattern(found.group(2))))
        return cls(tuple(routes))

    def methods_for(self, path: str) -> list[str]:
        """The methods some route allows on `path` (none: no route has that path)."""
        return sorted({method for method, pattern in self.routes if pattern.match(path)})

    def unmatched(self, method: str, path: str) -> RouteNotFound | MethodNotAllowed:
        """What a request no route took deserves: 405 if the path exists, else 404."""
        allowed = self.methods_for(path)
        if allowed and method not in allowed:
            return MethodNotAllowed(f"Method {method} is not allowed on {path[:200]}", allowed=allowed)
        return RouteNotFound(f"No route for {method} {path[:200]}")
