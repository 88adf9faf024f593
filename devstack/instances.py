"""A Lambda-like instance: a worker process that serves one invocation at a time and is killed
(as Lambda does) when an invocation exceeds the function's timeout or its memory; the caller gets
what Lambda's Invoke would return: the function's result or its error.

Memory: Lambda runs a function in a cgroup of `MemorySize`; here a watchdog (LambdaService) reads
each busy instance's resident set size from /proc every MEMORY_CHECK_SECONDS and kills an
instance above the limit, whose invocation fails with `Runtime.OutOfMemory`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import socket
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from devstack import channel
from devstack.specs import FunctionSpec
from devstack.worker import spec_to_json

logger = logging.getLogger("devstack")

MEMORY_CHECK_SECONDS = 0.1
INIT_TIMEOUT_SECONDS = 10.0  # Lambda's limit on a function's init phase
STOP_GRACE_SECONDS = 3.0
_PAGE_SIZE = resource.getpagesize()


@dataclass(frozen=True)
class FunctionError:
    error_type: str  # the exception's type, or Lambda's: Sandbox.Timedout, Runtime.OutOfMemory, ...
    message: str


@dataclass(frozen=True)
class Invocation:
    """What Lambda's Invoke returns for one request: the function's result, or its error."""

    request_id: str
    result: Any = None
    error: FunctionError | None = None


class Instance:
    """One worker process (`devstack.worker`) and its channel."""

    def __init__(self, spec: FunctionSpec, environment: dict[str, str]) -> None:
        self.spec = spec
        self.environment = environment
        self.process: asyncio.subprocess.Process | None = None
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.healthy = False
        self.busy = False
        self.killed_for: str | None = None  # "timeout" or "memory": the stack stopped it

    @property
    def pid(self) -> int:
        return self.process.pid if self.process else 0

    async def start(self) -> FunctionError | None:
        """Starts the process and runs the init phase; an error means this instance is gone."""
        ours, theirs = socket.socketpair()
        try:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "devstack.worker", str(theirs.fileno()), str(os.getpid()),
                spec_to_json(self.spec),
                env=self.environment, cwd=self.spec.code_uri, stdin=asyncio.subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                # Its own session: Ctrl-C reaches only the stack, which drains and stops its
                # instances itself; one still importing would otherwise die mid-init.
                start_new_session=True,
            )  # fmt: skip
        finally:
            theirs.close()
        self.reader, self.writer = await asyncio.open_unix_connection(sock=ours)
        try:
            message = await asyncio.wait_for(channel.read(self.reader), INIT_TIMEOUT_SECONDS)
        except TimeoutError:
            self.kill()
            return FunctionError(
                "Sandbox.Timedout", f"Init phase exceeded {INIT_TIMEOUT_SECONDS:.0f} seconds"
            )
        except asyncio.IncompleteReadError:
            return await self._exit_error("")
        if "initError" in message:
            await self.stop()
            return FunctionError(message["initError"]["errorType"], message["initError"]["errorMessage"])
        self.healthy = True
        return None

    async def invoke(self, event: dict[str, Any], request_id: str) -> Invocation:
        """One invocation. At the function's timeout a timer kills the instance; the memory
        watchdog (LambdaService) kills it when it outgrows its MemorySize; either way the reply
        never comes and the invocation fails as Lambda's would."""
        assert self.reader is not None and self.writer is not None
        self.healthy = False  # until the instance answers in time
        self.killed_for = None
        timeout = self.spec.timeout
        deadline_ms = int((time.time() + timeout) * 1000)
        timer = asyncio.get_running_loop().call_later(timeout, self._kill_for, "timeout")
        self.busy = True
        try:
            self.writer.write(
                channel.encode({"event": event, "requestId": request_id, "deadlineMs": deadline_ms})
            )
            await self.writer.drain()
            message = await channel.read(self.reader)
        except (asyncio.IncompleteReadError, ConnectionError):
            return self._failed(request_id, await self._exit_error(request_id))
        finally:
            self.busy = False
            timer.cancel()
        self.healthy = self.killed_for is None  # a kill that came right after the reply still counts
        if "error" in message:
            error = message["error"]
            return Invocation(request_id, error=FunctionError(error["errorType"], error["errorMessage"]))
        return Invocation(request_id, result=message["result"])

    def _kill_for(self, reason: str) -> None:
        if self.process is not None and self.process.returncode is None:
            self.killed_for = reason
            if reason == "memory":
                logger.error(
                    "%s: %d MB used of its %d MB (instance %d stopped)",
                    self.spec.logical_id, self.rss_mb(), self.spec.memory_mb, self.pid,
                )  # fmt: skip
            self.kill()

    def _failed(self, request_id: str, exit_error: FunctionError) -> Invocation:
        if self.killed_for == "timeout":
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            message = f"{now} {request_id} Task timed out after {self.spec.timeout:.2f} seconds"
            logger.error("%s: %s (instance %d stopped)", self.spec.logical_id, message, self.pid)
            return Invocation(request_id, error=FunctionError("Sandbox.Timedout", message))
        if self.killed_for == "memory":
            message = f"RequestId: {request_id} Error: Runtime exited with error: signal: killed"
            return Invocation(request_id, error=FunctionError("Runtime.OutOfMemory", message))
        return Invocation(request_id, error=exit_error)

    def check_memory(self) -> None:
        """Called by the watchdog while this instance is busy."""
        if self.busy and self.rss_mb() > self.spec.memory_mb:
            self._kill_for("memory")

    async def _exit_error(self, request_id: str) -> FunctionError:
        self.healthy = False
        code = await self.process.wait() if self.process else None
        status = f"signal: {-code}" if code is not None and code < 0 else f"exit status {code}"
        if self.killed_for is None:
            logger.error("%s: instance %d exited (%s)", self.spec.logical_id, self.pid, status)
        return FunctionError(
            "Runtime.ExitError", f"RequestId: {request_id} Error: Runtime exited with error: {status}"
        )

    def rss_mb(self) -> int:
        try:
            with open(f"/proc/{self.pid}/statm") as statm:
                return int(statm.read().split()[1]) * _PAGE_SIZE // (1024 * 1024)
        except (OSError, ValueError, IndexError):
            return 0

    def kill(self) -> None:
        self.healthy = False
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
        if self.writer is not None:
            self.writer.close()

    async def stop(self) -> None:
        """Closes the channel (the worker exits at its end), then kills it if it lingers."""
        self.healthy = False
        if self.writer is not None:
            self.writer.close()
        if self.process is None:
            return
        try:
            await asyncio.wait_for(self.process.wait(), STOP_GRACE_SECONDS)
        except TimeoutError:
            self.kill()
            await self.process.wait()
