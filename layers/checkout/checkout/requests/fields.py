"""Field rules shared by several requests, each one `Annotated` type."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo

from checkout.domain.ids import is_uuid4
from checkout.requests.parsing import problem, settings_from

_IDENTIFIER = re.compile(r"[A-Za-z0-9_-]{1,255}", re.ASCII)


def _identifier(value: str) -> str:
    if not _IDENTIFIER.fullmatch(value):
        raise problem("must be 1-255 characters of letters, digits, '_' or '-'")
    return value


def _uuid(value: str) -> str:
    if not is_uuid4(value):
        raise problem("must be a UUID")
    return value.lower()


def _supported_chain(value: int, info: ValidationInfo) -> int:
    if value not in settings_from(info).supported_chains:
        raise problem(f"{value} is not a supported chain")
    return value


Identifier = Annotated[str, AfterValidator(_identifier)]
"""A caller's reference (`client_reference_id`, `partnerId`, an event id): 1-255 of `[A-Za-z0-9_-]`."""

Uuid = Annotated[str, AfterValidator(_uuid)]
"""A UUID v4, stored lower-case."""

ChainId = Annotated[int, AfterValidator(_supported_chain)]
"""A chain id from the configured list of supported chains."""
