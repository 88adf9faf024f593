"""The page's script, stylesheet and icon: files of this package, served by the project itself
(`GET /pay/assets/{file}`), never by a third party.

Each URL carries its content's hash (`?v=`), so an asset can be cached for good and a deploy that
changes it is fetched at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

_CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}


@dataclass(frozen=True)
class Asset:
    name: str
    content_type: str
    body: bytes

    @property
    def version(self) -> str:
        return hashlib.sha256(self.body).hexdigest()[:16]


@cache
def assets() -> dict[str, Asset]:
    """Every file of `assets/` by name, read once per container."""
    found = {}
    for entry in (files("checkout.web.hosted") / "assets").iterdir():
        suffix = "." + entry.name.rsplit(".", 1)[-1]
        if entry.is_file() and suffix in _CONTENT_TYPES:
            found[entry.name] = Asset(entry.name, _CONTENT_TYPES[suffix], entry.read_bytes())
    return found


def asset_url(name: str) -> str:
    """Relative to the page (`/pay/<id>`), so it holds behind any domain or base path."""
    return f"assets/{name}?v={assets()[name].version}"
