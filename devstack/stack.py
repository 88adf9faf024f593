"""Starts and stops the whole local stack: DynamoDB Local, the table, the functions' instances,
the gateway, the stream event-source mappings and the scheduler.

Stopping drains: the gateway stops accepting and lets in-flight requests finish, the mappings and
the scheduler finish their current invocation (all at once, within one deadline), the instances
stop, and DynamoDB Local goes last.
A watchdog notices DynamoDB Local dying underneath the stack and stops everything with a clear
message (docs/decisions.md: a restart would hide lost data from an in-memory run).
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import boto3
from botocore.config import Config

from devstack.draining import Draining
from devstack.dynamodb_local import DevstackError, DynamoDBLocal, port_open
from devstack.gateway import Gateway
from devstack.http_server import GRACEFUL_SHUTDOWN_SECONDS, HttpServer, listening_socket
from devstack.lambda_service import LambdaService
from devstack.routes import RouteTable
from devstack.scheduler import Scheduler
from devstack.settings import instance_environment, setting
from devstack.specs import FunctionSpec
from devstack.streams import EventSourceMapping
from devstack.tables import create_tables
from devstack.template import ROOT, TEMPLATE_PATH, functions, load_template, local_table_names

logger = logging.getLogger("devstack")
T = TypeVar("T")

STATE_DIR = ROOT / ".devstack"
WATCH_SECONDS = 0.5
SLOW_STOP_SECONDS = 2.0
# How long the gateway, the stream mappings and the scheduler have, together, to finish what they
# started once the stack stops: the gateway's graceful shutdown and then some. A scheduled job or a
# stream batch still running then is stopped with its instance (its writes are conditional, and a
# batch not checkpointed is delivered again on the next start).
DRAIN_SECONDS = GRACEFUL_SHUTDOWN_SECONDS + 5
AFTER_INSTANCES_SECONDS = 5.0
# The stack's own calls (tables, stream reads, the admin key). botocore's defaults (60 s timeouts,
# several attempts) would let a stalled emulator hold a poller thread, and so the stop, for minutes.
EMULATOR_CALLS = Config(connect_timeout=2, read_timeout=10, retries={"mode": "standard", "max_attempts": 3})
# Instances per function. Two, as the machine has two cores: more instances busy at once only add
# contention, and under load they starve the stream's consumer (docs/decisions.md, bench figures).
DEFAULT_MAX_INSTANCES = 2


@dataclass(frozen=True)
class StackConfig:
    port: int
    dynamodb_port: int
    table_name: str
    data_dir: Path | None  # None keeps DynamoDB Local in memory (tests)
    schedule_seconds: float | None
    state_dir: Path = STATE_DIR  # checkpoints and the on-failure destinations
    template_path: Path = TEMPLATE_PATH
    max_instances: int = DEFAULT_MAX_INSTANCES  # per function
    client_timeout: float = 10.0  # for a request's head and its body
    drain_seconds: float = DRAIN_SECONDS  # for what the stack's parts started before it stopped

    @classmethod
    def from_env(cls) -> StackConfig:
        in_memory = os.environ.get("DEVSTACK_IN_MEMORY", "") not in ("", "0", "false")
        schedule = os.environ.get("SCHEDULE_SECONDS")
        state_dir = Path(os.environ.get("DEVSTACK_STATE_DIR") or STATE_DIR)
        return cls(
            port=int(setting("PORT")),
            dynamodb_port=int(setting("DYNAMODB_PORT")),
            table_name=setting("TABLE_NAME"),
            data_dir=None if in_memory else Path(os.environ.get("DEVSTACK_DATA_DIR") or state_dir / "data"),
            schedule_seconds=float(schedule) if schedule else None,
            state_dir=state_dir,
            template_path=Path(os.environ.get("DEVSTACK_TEMPLATE") or TEMPLATE_PATH).resolve(),
            max_instances=int(os.environ.get("DEVSTACK_MAX_INSTANCES") or DEFAULT_MAX_INSTANCES),
            client_timeout=float(os.environ.get("DEVSTACK_CLIENT_TIMEOUT") or 10),
            drain_seconds=float(os.environ.get("DEVSTACK_DRAIN_SECONDS") or DRAIN_SECONDS),
        )

    @property
    def checkpoint_folder(self) -> Path | None:
        """Checkpoints only make sense next to data that outlives the run."""
        return None if self.data_dir is None else self.state_dir / "checkpoints"


class LocalStack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.dynamodb_local = DynamoDBLocal(config.dynamodb_port, config.data_dir)
        self.service: LambdaService | None = None
        self.server: HttpServer | None = None
        self.mappings: list[EventSourceMapping] = []
        self.scheduler: Scheduler | None = None
        self.dynamodb: Any = None  # a client on DynamoDB Local, once started
        self.stop_requested = threading.Event()  # Ctrl-C, or the watchdog
        self.failure: str | None = None  # why the stack stopped by itself
        self._stopping = False

    def start(self) -> None:
        try:
            sock = listening_socket(self.config.port)
        except OSError as error:
            raise DevstackError(f"port {self.config.port} is in use; set PORT to another port") from error
        try:
            self._start(sock)
        except BaseException:
            sock.close()
            self.stop()
            raise

    def _start(self, sock: socket.socket) -> None:
        if port_open(self.config.dynamodb_port):
            raise DevstackError(
                f"port {self.config.dynamodb_port} is in use; set DYNAMODB_PORT to another port"
            )
        template_path = self.config.template_path
        template = load_template(template_path)
        refs = local_table_names(self.config.table_name, template)
        specs = functions(refs=refs, template=template, base_dir=template_path.parent)
        endpoint = self.dynamodb_local.endpoint
        self.dynamodb_local.launch()
        self.service = LambdaService(
            specs,
            lambda spec: instance_environment(spec, endpoint, self.config.table_name),
            self.config.max_instances,
        )
        self.service.start()
        # Instances start while the emulator does: the first request finds one warm.
        self.service.prewarm(spec.logical_id for spec in specs if spec.routes or spec.stream)
        self.dynamodb_local.wait_ready()
        session = boto3.session.Session(
            region_name=setting("AWS_REGION"),
            aws_access_key_id=setting("AWS_ACCESS_KEY_ID"),
            aws_secret_access_key=setting("AWS_SECRET_ACCESS_KEY"),
        )
        dynamodb = self.dynamodb = session.client("dynamodb", endpoint_url=endpoint, config=EMULATOR_CALLS)
        create_tables(dynamodb, self.config.table_name, template)
        self._start_gateway(specs, sock)
        streams = session.client("dynamodbstreams", endpoint_url=endpoint, config=EMULATOR_CALLS)
        self._start_mappings(specs, dynamodb, streams)
        self.scheduler = Scheduler(specs, self.service.invoke_blocking, self.config.schedule_seconds)
        self.scheduler.start()
        threading.Thread(
            target=self._watch_dynamodb_local, name="dynamodb-local-watchdog", daemon=True
        ).start()

    def _start_gateway(self, specs: list[FunctionSpec], sock: socket.socket) -> None:
        assert self.service is not None
        routes = RouteTable(route for spec in specs for route in spec.routes)
        gateway = Gateway(routes, self.service.invoke, self.config.port, self.config.client_timeout)
        self.server = HttpServer(gateway, sock, self.config.client_timeout)
        self.server.start(self.service.loop)
        self.server.wait_started()

    def _start_mappings(self, specs: list[FunctionSpec], dynamodb: Any, streams: Any) -> None:
        assert self.service is not None
        service = self.service
        for spec in specs:
            if not spec.stream:
                continue
            mapping = EventSourceMapping(
                spec,
                functools.partial(service.invoke_blocking, spec.logical_id),
                dynamodb,
                streams,
                self.config.table_name,
                self.config.state_dir / "stream-failures" / f"{spec.logical_id}.jsonl",
                self.config.checkpoint_folder,
            )
            mapping.start()
            self.mappings.append(mapping)

    def _watch_dynamodb_local(self) -> None:
        while not self.stop_requested.wait(WATCH_SECONDS):
            code = self.dynamodb_local.exit_code()
            if code is not None and not self._stopping:
                self.failure = self._emulator_died(code)
                self.stop_requested.set()

    def _emulator_died(self, code: int) -> str:
        output = self.dynamodb_local.last_output
        kept = "" if self.config.data_dir is None else f" (its data in {self.config.data_dir} is kept)"
        return (
            f"DynamoDB Local (port {self.config.dynamodb_port}) exited unexpectedly with code {code}"
            f"{': ' + output if output else ''}; stopping the stack. Start `make dev` again{kept}"
        )

    def in_flight(self) -> int:
        return 0 if self.server is None else self.server.in_flight

    def stop(self) -> None:
        """The parts that take work are all told to stop at once, then drain against one deadline;
        whatever still runs then is stopped with the instances. Each part stops even if an earlier
        one failed to: nothing is left running."""
        self._stopping = True
        self.stop_requested.set()
        draining: list[tuple[str, Draining]] = []
        if self.server is not None:
            draining.append(("the gateway", self.server))
        draining += [(f"stream {mapping.function}", mapping) for mapping in self.mappings]
        if self.scheduler is not None:
            draining.append(("the scheduler", self.scheduler))
        for name, part in draining:
            _step(f"telling {name} to stop", part.request_stop)
        deadline = time.monotonic() + self.config.drain_seconds
        late: list[tuple[str, Draining]] = []
        for name, part in draining:
            left = max(0.0, deadline - time.monotonic())
            if not _step(f"draining {name}", functools.partial(part.wait_stopped, left)):
                late.append((name, part))
        if late:
            logger.warning(
                "%s still busy after %.0f s: stopping its invocations with the instances",
                ", ".join(name for name, _ in late),
                self.config.drain_seconds,
            )
        if self.service is not None:
            _step("stopping the instances", self.service.stop)
        after = time.monotonic() + AFTER_INSTANCES_SECONDS  # their invocations ended with the instances
        for name, part in late:
            left = max(0.0, after - time.monotonic())
            _step(f"draining {name}", functools.partial(part.wait_stopped, left))
        _step("stopping DynamoDB Local", self.dynamodb_local.stop)


def _step(name: str, action: Callable[[], T]) -> T | None:
    """Runs one step of the stop; a failure is logged and the stop goes on; a slow step says so."""
    started = time.monotonic()
    try:
        return action()
    except Exception:
        logger.exception("%s failed", name)
        return None
    finally:
        took = time.monotonic() - started
        if took > SLOW_STOP_SECONDS:  # a stop that hangs says where
            logger.warning("%s took %.1f s", name, took)
