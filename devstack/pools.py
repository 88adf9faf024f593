"""The instances of one function, as Lambda keeps them: started on demand up to a limit, reused
warm (the most recently used first), replaced when one dies or is killed."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from devstack.instances import STOP_GRACE_SECONDS, FunctionError, Instance, Invocation
from devstack.specs import FunctionSpec

logger = logging.getLogger("devstack")


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
