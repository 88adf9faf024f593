"""Lambda-like instances of one function: worker processes that each serve one invocation at a
time, reused warm, started on demand up to a limit, and killed (as Lambda does) when an
invocation exceeds the function's timeout or its memory; the caller gets what Lambda's Invoke
would return: the function's result or its error.

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
import uuid
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


class InstancePool:
    """The instances of one function. Requests beyond `max_instances` wait for a free instance
    (AWS would start more; locally the machine is the limit)."""

    def __init__(self, spec: FunctionSpec, environment: dict[str, str], max_instances: int) -> None:
        self.spec = spec
        self.environment = environment
        self.max_instances = max(1, max_instances)
        self._idle: list[Instance] = []  # most recently used last: it is reused first
        self._everyone: set[Instance] = set()
        self._starting_spares = 0  # started ahead of demand (pre-warm)
        self._waiting_for_spares = 0
        self._changed = asyncio.Condition()
        self._stopping = False
        self.cold_starts = 0

    @property
    def size(self) -> int:
        return len(self._everyone)

    def check_memory(self) -> None:
        for instance in list(self._everyone):
            instance.check_memory()

    async def invoke(self, event: dict[str, Any], request_id: str | None = None) -> Invocation:
        request_id = request_id or str(uuid.uuid4())
        acquired = await self._acquire()
        if isinstance(acquired, FunctionError):
            return Invocation(request_id, error=acquired)
        try:
            return await acquired.invoke(event, request_id)
        finally:
            await self._release(acquired)

    async def prewarm(self) -> None:
        """Starts one instance ahead of demand, so the first request does not pay its init."""
        async with self._changed:
            if self._stopping or self._idle or self.size >= self.max_instances:
                return
            instance = self._reserve()
            self._starting_spares += 1
        try:
            error = await self._start(instance)
        finally:
            async with self._changed:
                self._starting_spares -= 1
        if error is None:
            await self._release(instance)

    async def _acquire(self) -> Instance | FunctionError:
        async with self._changed:
            while True:
                if self._stopping:
                    return FunctionError("Runtime.Stopped", "The local stack is stopping")
                if self._idle:
                    return self._idle.pop()
                if self._starting_spares > self._waiting_for_spares:
                    self._waiting_for_spares += 1  # a pre-warmed instance is nearly ready: wait for it
                    try:
                        await self._changed.wait()
                    finally:
                        self._waiting_for_spares -= 1
                    continue
                if self.size < self.max_instances:
                    instance = self._reserve()
                    break
                await self._changed.wait()
        error = await self._start(instance)
        return instance if error is None else error

    def _reserve(self) -> Instance:
        instance = Instance(self.spec, self.environment)
        self._everyone.add(instance)
        return instance

    async def _start(self, instance: Instance) -> FunctionError | None:
        self.cold_starts += 1
        try:
            error = await instance.start()
        except BaseException:
            instance.kill()
            await self._forget(instance)
            raise
        if error is not None:
            logger.error("%s: init failed: %s: %s", self.spec.logical_id, error.error_type, error.message)
            await self._forget(instance)
        return error

    async def _release(self, instance: Instance) -> None:
        if not instance.healthy or self._stopping:
            instance.kill()
            await self._forget(instance)
            return
        async with self._changed:
            self._idle.append(instance)
            self._changed.notify_all()

    async def _forget(self, instance: Instance) -> None:
        async with self._changed:
            self._everyone.discard(instance)
            self._changed.notify_all()

    async def stop(self) -> None:
        """Stops idle instances now and busy ones as soon as their invocation ends (or after a
        grace period: the stack drains its callers before it stops the pools)."""
        async with self._changed:
            self._stopping = True
            idle, self._idle = self._idle, []
            self._changed.notify_all()
        await asyncio.gather(*(instance.stop() for instance in idle))
        deadline = asyncio.get_running_loop().time() + STOP_GRACE_SECONDS
        while self._everyone - set(idle) and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        for instance in list(self._everyone):
            instance.kill()
