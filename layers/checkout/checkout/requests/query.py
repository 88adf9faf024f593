"""Numbers in a query string (the platform's lists): text, read from its plain digits only."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator

from checkout.requests.parsing import problem

_DIGITS = re.compile(r"[0-9]{1,20}")


def _query_integer(value: Any) -> Any:
    if isinstance(value, str) and not _DIGITS.fullmatch(value):
        raise problem("must be a whole number written in at most 20 digits")
    return int(value) if isinstance(value, str) else value


QueryInteger = Annotated[int, BeforeValidator(_query_integer)]
"""A number written in plain digits: not the other forms `int()` and pydantic read (` 5`, `1_0`,
`5.0`), which the document's `integer` does not admit."""
