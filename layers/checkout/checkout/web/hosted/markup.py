"""HTML from template files where every value is escaped unless it is already `Markup`.

Session fields (URLs, metadata) are the merchant's input and addresses come from the buyer's order:
nothing reaches the page except through `escape`, so a value cannot open a tag or leave its
attribute. A template and the values given to it must name the same placeholders.
"""

from __future__ import annotations

import html
import re
import string
from functools import cache
from importlib.resources import files

_PACKAGE = "checkout.web.hosted"


class Markup(str):
    """HTML that is safe as it is: a rendered template, or an escaped value."""

    __slots__ = ()


def escape(value: object) -> Markup:
    """Text as HTML, safe in element content and in a quoted attribute value."""
    return value if isinstance(value, Markup) else Markup(html.escape(str(value), quote=True))


class _Template(string.Template):
    idpattern = r"[a-z][a-z0-9_]*"
    flags = re.RegexFlag(0)  # lower-case placeholders only: `$Foo` is a mistake, not a value


@cache
def _template(name: str) -> _Template:
    return _Template((files(_PACKAGE) / "templates" / f"{name}.html").read_text(encoding="utf-8"))


def render(name: str, **values: object) -> Markup:
    """`templates/<name>.html` with each `$placeholder` replaced by its value, escaped."""
    template = _template(name)
    expected = set(template.get_identifiers())
    if expected != values.keys():
        raise KeyError(f"{name}.html takes {sorted(expected)}, got {sorted(values)}")
    return Markup(template.substitute({key: escape(value) for key, value in values.items()}))


def join(parts: list[Markup]) -> Markup:
    return Markup("".join(parts))
