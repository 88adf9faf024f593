"""One Lambda-like instance: `python -m devstack.worker FD PARENT_PID SPEC_JSON`.

It loads its function's real handler once (the init phase), then serves one event at a time from
the channel on file descriptor FD, as a Lambda runtime does with the runtime API: module state,
logging context and the GIL belong to this function alone, and survive between invocations.
"""

from __future__ import annotations

import ctypes
import decimal
import json
import os
import signal
import socket
import sys
import traceback
from pathlib import Path
from typing import Any

from devstack import channel
from devstack.lambda_runtime import Handler, context_for, load_handler
from devstack.specs import FunctionSpec


def spec_to_json(spec: FunctionSpec) -> str:
    """What an instance needs to know of its function."""
    return json.dumps(
        {
            "logical_id": spec.logical_id,
            "code_uri": str(spec.code_uri),
            "handler": spec.handler,
            "timeout": spec.timeout,
            "memory_mb": spec.memory_mb,
        }
    )


def spec_from_json(text: str) -> FunctionSpec:
    fields = json.loads(text)
    return FunctionSpec(
        logical_id=fields["logical_id"],
        code_uri=Path(fields["code_uri"]),
        handler=fields["handler"],
        timeout=int(fields["timeout"]),
        memory_mb=int(fields["memory_mb"]),
    )


def _exit_with_parent(parent_pid: int) -> None:
    """Linux: this instance gets SIGKILL if the stack dies, even by SIGKILL."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except OSError:
        pass
    if os.getppid() != parent_pid:  # the stack died before the request above took effect
        os._exit(1)


def _error(error: BaseException, error_type: str | None = None) -> dict[str, Any]:
    """Lambda's error payload, and the `[ERROR]` log entry its Python runtime writes."""
    kind = error_type or type(error).__name__
    stack = traceback.format_tb(error.__traceback__)
    print(f"[ERROR] {kind}: {error}\nTraceback (most recent call last):\n{''.join(stack)}", flush=True)
    return {"errorMessage": str(error), "errorType": kind, "stackTrace": stack}


def _json_default(value: Any) -> Any:
    """As Lambda's Python runtime marshals results: Decimals become numbers."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _serve(sock: socket.socket, spec: FunctionSpec, handler: Handler, message: dict[str, Any]) -> None:
    context = context_for(spec, message["requestId"], message["deadlineMs"])
    try:
        result = handler(message["event"], context)
    except Exception as error:
        channel.send(sock, {"error": _error(error)})
        return
    try:
        reply = channel.encode({"result": result}, default=_json_default)
    except (TypeError, ValueError) as error:
        channel.send(sock, {"error": _error(error, "Runtime.MarshalError")})
        return
    sock.sendall(reply)


def main(argv: list[str]) -> int:
    fd, parent_pid, spec = int(argv[0]), int(argv[1]), spec_from_json(argv[2])
    _exit_with_parent(parent_pid)
    sock = socket.socket(fileno=fd)
    try:
        handler = load_handler(spec)
    except Exception as error:
        channel.send(sock, {"initError": _error(error, "Runtime.ImportModuleError")})
        return 1
    channel.send(sock, {"ready": True})
    while (message := channel.receive(sock)) is not None:
        _serve(sock, spec, handler, message)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
