"""Route selection as API Gateway does it: most specific path, named method before ANY, then
`$default`; without a `$default` route, the gateway's own 404/405 answers."""

from __future__ import annotations

from devstack.routes import RouteMatch, RouteTable
from devstack.specs import HttpRoute

ITEM = HttpRoute("GET", "/items/{id}", "GetItem")
ITEM_ANY = HttpRoute("ANY", "/items/{id}", "AnyItem")
SPECIAL = HttpRoute("GET", "/items/special", "Special")
GREEDY = HttpRoute("ANY", "/items/{proxy+}", "Greedy")
DEFAULT = HttpRoute("ANY", "$default", "CatchAll")


def resolve(routes: list[HttpRoute], method: str, path: str) -> RouteMatch | None:
    return RouteTable(routes).resolve(method, path)


def test_a_literal_path_beats_a_variable() -> None:
    match = resolve([ITEM, SPECIAL], "GET", "/items/special")
    assert isinstance(match, RouteMatch)
    assert match.route is SPECIAL


def test_a_named_method_beats_any_and_any_takes_the_rest() -> None:
    get = resolve([ITEM_ANY, ITEM], "GET", "/items/7")
    delete = resolve([ITEM_ANY, ITEM], "DELETE", "/items/7")
    assert isinstance(get, RouteMatch) and get.route is ITEM
    assert isinstance(delete, RouteMatch) and delete.route is ITEM_ANY
    assert delete.path_parameters == {"id": "7"}


def test_a_greedy_variable_matches_the_rest_of_the_path_last() -> None:
    deep = resolve([GREEDY, ITEM], "GET", "/items/a/b/c")
    shallow = resolve([GREEDY, ITEM], "GET", "/items/a")
    assert isinstance(deep, RouteMatch) and deep.route is GREEDY
    assert deep.path_parameters == {"proxy": "a/b/c"}
    assert isinstance(shallow, RouteMatch) and shallow.route is ITEM


def test_the_default_route_catches_what_no_route_matches() -> None:
    unknown = resolve([ITEM, DEFAULT], "GET", "/payments")
    wrong_method = resolve([ITEM, DEFAULT], "DELETE", "/items/7")
    assert isinstance(unknown, RouteMatch) and unknown.route is DEFAULT
    assert unknown.path_parameters == {}
    assert isinstance(wrong_method, RouteMatch) and wrong_method.route is DEFAULT
    assert unknown.route.route_key == "$default"


def test_without_a_default_route_unknown_paths_and_other_methods_match_nothing() -> None:
    assert resolve([ITEM], "GET", "/payments") is None
    assert resolve([ITEM], "DELETE", "/items/7") is None
    assert resolve([ITEM], "HEAD", "/items/7") is None  # HEAD is not GET
