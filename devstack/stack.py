"""Starts and stops the whole local stack: DynamoDB Local, table, gateway, stream poller, scheduler."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import boto3

from checkout import composition
from devstack.dynamodb_local import DevstackError, DynamoDBLocal, port_open
from devstack.gateway import Gateway, GatewayServer, serve
from devstack.scheduler import Scheduler
from devstack.settings import apply_local_environment, setting
from devstack.streams import StreamPoller
from devstack.tables import create_tables
from devstack.template import ROOT, functions, local_table_names

STATE_DIR = ROOT / ".devstack"


@dataclass(frozen=True)
class StackConfig:
    port: int
    dynamodb_port: int
    table_name: str
    data_dir: Path | None  # None keeps DynamoDB Local in memory (tests)
    schedule_seconds: float | None

    @classmethod
    def from_env(cls) -> StackConfig:
        in_memory = os.environ.get("DEVSTACK_IN_MEMORY", "") not in ("", "0", "false")
        schedule = os.environ.get("SCHEDULE_SECONDS")
        return cls(
            port=int(setting("PORT")),
            dynamodb_port=int(setting("DYNAMODB_PORT")),
            table_name=setting("TABLE_NAME"),
            data_dir=None if in_memory else Path(os.environ.get("DEVSTACK_DATA_DIR") or STATE_DIR / "data"),
            schedule_seconds=float(schedule) if schedule else None,
        )


class LocalStack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.dynamodb_local = DynamoDBLocal(config.dynamodb_port, config.data_dir)
        self.server: GatewayServer | None = None
        self.poller: StreamPoller | None = None
        self.scheduler: Scheduler | None = None

    def start(self) -> None:
        if port_open(self.config.port):
            raise DevstackError(f"port {self.config.port} is in use; set PORT to another port")
        self.dynamodb_local.start()
        try:
            self._start_functions()
        except BaseException:
            self.stop()
            raise

    def _start_functions(self) -> None:
        specs = functions(refs=local_table_names(self.config.table_name))
        # One process hosts every function, so it gets the union of their environments
        # (the template gives them all the same Globals).
        os.environ["TABLE_NAME"] = self.config.table_name
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = self.dynamodb_local.endpoint
        for spec in specs:
            apply_local_environment(spec)
        composition.reset()
        session = boto3.session.Session()
        dynamodb = session.client("dynamodb", endpoint_url=self.dynamodb_local.endpoint)
        create_tables(dynamodb, self.config.table_name)
        self.server = serve(Gateway(specs), self.config.port)
        stream_specs = [spec for spec in specs if spec.stream]
        if stream_specs:
            streams = session.client("dynamodbstreams", endpoint_url=self.dynamodb_local.endpoint)
            self.poller = StreamPoller(
                stream_specs[0],
                dynamodb,
                streams,
                self.config.table_name,
                STATE_DIR / "stream-failures.jsonl",
            )
            self.poller.start()
        self.scheduler = Scheduler(specs, self.config.schedule_seconds)
        self.scheduler.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.poller is not None:
            self.poller.stop()
        if self.scheduler is not None:
            self.scheduler.stop()
        self.dynamodb_local.stop()


def wait_until_serving(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not port_open(port):
        if time.monotonic() > deadline:
            raise DevstackError(f"the gateway did not listen on {port}")
        time.sleep(0.05)
