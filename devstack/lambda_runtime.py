"""Loads a function's real handler the way Lambda does, and gives it a Lambda context."""

from __future__ import annotations

import importlib.util
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devstack.specs import FunctionSpec

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    """The attributes of the Lambda context object that powertools and handlers read."""

    function_name: str
    timeout_seconds: int = 10
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    deadline_epoch_ms: int | None = None  # set by the instance host; else now + timeout
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        if self.deadline_epoch_ms is None:
            self._deadline = time.monotonic() + self.timeout_seconds
        else:
            self._deadline = time.monotonic() + (self.deadline_epoch_ms / 1000 - time.time())
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:000000000000:function:{self.function_name}"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def context_for(
    spec: FunctionSpec, request_id: str | None = None, deadline_epoch_ms: int | None = None
) -> LambdaContext:
    return LambdaContext(
        function_name=spec.logical_id,
        timeout_seconds=spec.timeout,
        memory_limit_in_mb=spec.memory_mb,
        aws_request_id=request_id or str(uuid.uuid4()),
        deadline_epoch_ms=deadline_epoch_ms,
    )


def load_handler(spec: FunctionSpec) -> Handler:
    """Imports `functions/<name>/app.py` under a unique module name (every function's module
    is called `app`, as Lambda sees it) and returns its handler."""
    module_name = f"_lambda_{spec.logical_id}"
    module_spec = importlib.util.spec_from_file_location(module_name, spec.module_path)
    if module_spec is None or module_spec.loader is None:
        raise ImportError(f"cannot load {spec.module_path}")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    handler: Handler = getattr(module, spec.handler_name)
    return handler
