"""What a function's own source says about its HTTP handling, read without importing it (importing
runs its settings check): `handler = http_handler(endpoint, needs=…, api_keys=…, surface=…, guard=…)`,
whether its guard is `signature_required(…)`, or `handler = page_handler(…)` for a page."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from checkout.domain.access import Permission
from checkout.web import surfaces
from checkout.web.surfaces import PUBLIC, Surface

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"


@dataclass(frozen=True)
class HandlerTraits:
    page: bool  # `page_handler`: a web page or file, not the JSON API
    needs: Permission | None = None  # the permission every call needs; None: no key needed
    api_keys: bool = True  # False: the `Authorization` header is ignored
    surface: Surface = PUBLIC
    signed: bool = False  # the endpoint runs only with a valid `Checkout-Signature`


def handler_traits(function: str) -> HandlerTraits:
    """The traits of `functions/<function>/app.py`'s `handler`."""
    tree = ast.parse((FUNCTIONS / function / "app.py").read_text())
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and [target.id for target in node.targets if isinstance(target, ast.Name)] == ["handler"]
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
        ):
            return _traits(node.value.func.id, node.value)
    raise ValueError(f"functions/{function}/app.py has no `handler = http_handler(…)` or `page_handler(…)`")


def _traits(wrapper: str, call: ast.Call) -> HandlerTraits:
    if wrapper == "page_handler":
        return HandlerTraits(page=True, api_keys=False)
    if wrapper != "http_handler":
        raise ValueError(f"unknown handler wrapper {wrapper}")
    keywords = {keyword.arg: keyword.value for keyword in call.keywords}
    needs = keywords.get("needs")
    api_keys = keywords.get("api_keys")
    surface = keywords.get("surface")
    guard = keywords.get("guard")
    return HandlerTraits(
        page=False,
        needs=Permission[needs.attr] if isinstance(needs, ast.Attribute) else None,
        api_keys=not (isinstance(api_keys, ast.Constant) and api_keys.value is False),
        surface=_surface(surface.id) if isinstance(surface, ast.Name) else PUBLIC,
        signed=isinstance(guard, ast.Call)
        and isinstance(guard.func, ast.Name)
        and guard.func.id == "signature_required",
    )


def _surface(name: str) -> Surface:
    surface = getattr(surfaces, name)
    if not isinstance(surface, Surface):
        raise ValueError(f"{name} is not a surface")
    return surface
