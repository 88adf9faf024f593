"""Settings checked in Lambda's init phase: every function module calls `check_settings` at import.

A bad deployment then fails once, loudly, in the function's log (and its Errors alarm) as the
container starts, instead of answering a 500 to every request.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import ValidationError

from checkout.config import ENV_NAMES, MissingSetting, Settings, get_settings
from checkout.observability import logger

if TYPE_CHECKING:
    from checkout.web.routes import RouteTable

Requirement = Callable[[Settings], object]


class InvalidSettings(RuntimeError):
    """The environment does not configure this function correctly: it must not start."""


def _describe(problem: ValidationError) -> list[str]:
    # Names the variable and the rule, never the value (one of them is a secret).
    described = []
    for error in problem.errors(include_input=False, include_url=False):
        where = ENV_NAMES.get(str(error["loc"][0]), str(error["loc"][0])) if error["loc"] else "settings"
        described.append(f"{where}: {error['msg']}")
    return described


def check_settings(*requirements: Requirement) -> Settings:
    """Validates the environment and each `requirement` (a `Settings` accessor this function
    will call per request, e.g. `Settings.deposit_contract`); raises `InvalidSettings` if any fails."""
    try:
        settings = get_settings()
    except ValidationError as problem:
        errors = _describe(problem)
    else:
        errors = []
        for requirement in requirements:
            try:
                requirement(settings)
            except MissingSetting as missing:
                errors.append(str(missing))
        if not errors:
            return settings
    logger.error("invalid settings: the function cannot start", extra={"errors": errors})
    raise InvalidSettings("; ".join(errors))


def check_route_table() -> RouteTable:
    """The `$default` function's route table (`HTTP_ROUTES`), parsed at start: without it every
    wrong-method request would be a 404 instead of a 405. Only the `$default` function loads it."""
    from checkout.web.routes import RouteTable

    try:
        return RouteTable.parse(os.environ.get("HTTP_ROUTES", ""))
    except ValueError as problem:
        logger.error("invalid settings: the function cannot start", extra={"errors": [str(problem)]})
        raise InvalidSettings(f"HTTP_ROUTES: {problem}") from None
