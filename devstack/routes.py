"""HTTP API route selection, as API Gateway does it: the most specific path wins (literal
segments before variables, variables before a greedy `{proxy+}`), a route naming the method
before `ANY`, and `$default` catches every request no route matches. Without `$default`, an
unmatched request (unknown path or another method alike) gets API Gateway's own 404."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from devstack.specs import ANY_METHOD, HttpRoute


@dataclass(frozen=True)
class RouteMatch:
    route: HttpRoute
    path_parameters: dict[str, str]


def _specificity(route: HttpRoute) -> tuple[int, int, int]:
    segments = [segment for segment in route.path.split("/") if segment]
    literal = sum(1 for segment in segments if not segment.startswith("{"))
    return (0 if route.is_greedy else 1, literal, 0 if route.method == ANY_METHOD else 1)


class RouteTable:
    def __init__(self, routes: Iterable[HttpRoute]) -> None:
        routes = list(routes)
        self.default = next((route for route in routes if route.is_default), None)
        self.routes = sorted((r for r in routes if not r.is_default), key=_specificity, reverse=True)

    def resolve(self, method: str, path: str) -> RouteMatch | None:
        for route in self.routes:
            params = route.match(path)
            if params is not None and route.accepts(method):
                return RouteMatch(route, params)
        return None if self.default is None else RouteMatch(self.default, {})
