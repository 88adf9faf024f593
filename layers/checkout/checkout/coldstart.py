"""A Lambda container's cold path without CPython's cyclic garbage collector.

A cold start allocates some 115,000 objects that live as long as the container (every module,
botocore's service model, pydantic's schemas) and almost no cyclic garbage. The collector, run by
allocation counts, walks the young ones again and again and, once they are many, all of them
(`make bench` measured 30-40 ms of a ~290 ms cold start) to free nothing: a full collection after a
GET function's cold path finds about 1,300 unreachable objects (~240 KB).

So in a Lambda container (`AWS_LAMBDA_FUNCTION_NAME` is set; the local stack's instances set it
too), importing the `checkout` package pauses the collector, and the end of the container's first
invocation moves every object then alive into the permanent generation and resumes it: the pattern
CPython's `gc` documentation gives for a start-up phase (`gc.disable()` early, `gc.freeze()` once
started). Later collections never walk the cold path's objects again, so they stay cheap on warm
requests too; the cold path's few unreachable objects are kept for the container's life. Outside
Lambda (tests, tools) nothing changes.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

Handler = TypeVar("Handler", bound=Callable[..., Any])

_paused = False


def pause_in_lambda() -> None:
    """Pauses the collector for the cold path, in a Lambda container only (see the module's doc)."""
    global _paused
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") and gc.isenabled():
        gc.disable()
        _paused = True


def end_cold_path() -> None:
    """Freezes what the cold path built and resumes the collector (once; a no-op afterwards)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def ends_cold_path(handler: Handler) -> Handler:
    """`handler`, ending the cold path when its first invocation ends, whatever its outcome."""

    @wraps(handler)
    def invoke(*args: Any, **kwargs: Any) -> Any:
        try:
            return handler(*args, **kwargs)
        finally:
            end_cold_path()

    return invoke  # type: ignore[return-value]  # same signature as `handler`
