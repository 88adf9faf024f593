"""The local Lambda service: every function's instance pool, on one event-loop thread that the
gateway shares; the stream poller and the scheduler invoke from their own threads."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, TypeVar

from devstack.instances import MEMORY_CHECK_SECONDS, Invocation
from devstack.pools import InstancePool
from devstack.specs import FunctionSpec

T = TypeVar("T")


class LambdaService:
    def __init__(
        self,
        specs: Iterable[FunctionSpec],
        environment_for: Callable[[FunctionSpec], dict[str, str]],
        max_instances: int,
    ) -> None:
        self.loop = asyncio.new_event_loop()
        self.pools = {
            spec.logical_id: InstancePool(spec, environment_for(spec), _limit(spec, max_instances))
            for spec in specs
        }
        self._thread = threading.Thread(target=self._run, name="lambda-service", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(self._check_memory)
        self.loop.run_forever()

    def _check_memory(self) -> None:
        """The memory watchdog: every busy instance, every MEMORY_CHECK_SECONDS."""
        for pool in self.pools.values():
            pool.check_memory()
        self.loop.call_later(MEMORY_CHECK_SECONDS, self._check_memory)

    def start(self) -> None:
        self._thread.start()

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    async def invoke(self, function: str, event: dict[str, Any], request_id: str | None = None) -> Invocation:
        return await self.pools[function].invoke(event, request_id)

    def invoke_blocking(self, function: str, event: dict[str, Any]) -> Invocation:
        """For threads other than the service's own (the stream poller, the scheduler)."""
        return self.submit(self.invoke(function, event)).result()

    def prewarm(self, functions: Iterable[str]) -> None:
        for function in functions:
            self.submit(self.pools[function].prewarm())

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        self.submit(self._stop_pools()).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)

    async def _stop_pools(self) -> None:
        await asyncio.gather(*(pool.stop() for pool in self.pools.values()))


def _limit(spec: FunctionSpec, max_instances: int) -> int:
    """The configured limit, lowered by the function's own reserved concurrency."""
    if spec.reserved_concurrency is not None:
        return max(1, min(max_instances, spec.reserved_concurrency))
    return max_instances
