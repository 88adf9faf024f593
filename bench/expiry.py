"""The expiry job (P4): one run expiring 1,000 due sessions vs 1,000 raw conditional updates from
one process, the very write the job makes for each (bench/instance.py), same DynamoDB Local, rounds
in turns; on a table where 100,000 other open sessions are not due, and on one where none is.

The job reads the sparse index by shard for `expires_at <= now`: what it reads, and so what a run
costs, follows the due sessions only. The figures show it: the items its queries read (their
`ScannedCount`) are the due ones, and its time against the raw updates is the same on both tables.

The 100,000 sessions (the create function's items, due in a week) are written with BatchWriteItem
from a few threads, in the background from the bench's start (the cold-start figures wait for
them, so as not to share the machine with the writing); this DynamoDB Local is the expiry
bench's own, so the local stack's scheduled job never sees these tables.
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from bench import instance
from devstack.dynamodb_local import DynamoDBLocal, free_port
from devstack.settings import instance_environment
from devstack.tables import create_table
from devstack.template import functions, local_table_names

CROWDED, EMPTY = "expiry-crowded", "expiry-empty"
SEED_THREADS = 4
SEED_CHUNK = 5_000


@dataclass(frozen=True)
class ExpiryFigure:
    not_due: int
    due: int
    job_s: float  # median of the rounds
    raw_s: float
    scanned: list[int]  # items the job's queries read, per round
    runs: list[int]  # the job's runs it took, per round (1: one run did it all)

    @property
    def ratio(self) -> float:
        return self.job_s / self.raw_s


class ExpiryBench:
    def __init__(self, not_due: int = 100_000, due: int = 1_000, rounds: int = 3) -> None:
        self.not_due, self.due, self.rounds = not_due, due, rounds  # rounds on the crowded table
        # 100,000 sessions and the rounds' in memory: 512 MB left the JVM collecting garbage at
        # 100 % of a core, and every call slow, by the last figure.
        self.emulator = DynamoDBLocal(free_port(), None, heap_mb=2048)
        self._seeding: threading.Thread | None = None
        self._seeded_s = 0.0
        self._error: BaseException | None = None

    def client(self) -> Any:
        return boto3.client(
            "dynamodb", endpoint_url=self.emulator.endpoint, region_name="us-east-1",
            aws_access_key_id="local", aws_secret_access_key="local",
            config=Config(max_pool_connections=SEED_THREADS),
        )  # fmt: skip

    def start(self) -> None:
        """Starts the emulator, creates both tables, and writes the sessions that are not due in
        the background."""
        self.emulator.start()
        client = self.client()
        create_table(client, CROWDED)
        self._seeding = threading.Thread(target=self._seed, args=(client,), name="expiry-seed", daemon=True)
        self._seeding.start()

    def _seed(self, client: Any) -> None:
        started = time.perf_counter()
        try:
            in_a_week = int(time.time()) + 7 * 86_400
            for start in range(0, self.not_due, SEED_CHUNK):
                count = min(SEED_CHUNK, self.not_due - start)
                items = instance.session_items(count, in_a_week, None, shards=4)
                instance.write_items(client, CROWDED, items, threads=SEED_THREADS)
        except BaseException as error:  # reported by finish()
            self._error = error
        self._seeded_s = time.perf_counter() - started

    def seeded(self) -> float:
        """Waits for the sessions that are not due; returns how long writing them took."""
        assert self._seeding is not None
        self._seeding.join()
        if self._error is not None:
            self.emulator.stop()
            raise RuntimeError(f"seeding the expiry bench failed: {self._error!r}")
        return self._seeded_s

    def crowded(self) -> ExpiryFigure:
        """Each run starts with an uncounted round (the emulator's JIT, a table's first writes)."""
        return self._figure(CROWDED, self.not_due, self.rounds, warmup=self.due // 3)

    def empty(self) -> ExpiryFigure:
        """Two rounds, one each way round: enough to compare. In an emulator of its own: beside the
        crowded table, DynamoDB Local's background work on 100,000 items (its TTL sweep) held a
        core and made every write ~100 ms, the job's and the raw ones alike."""
        crowded, self.emulator = self.emulator, DynamoDBLocal(free_port(), None)
        crowded.stop()
        try:
            self.emulator.start()
            create_table(self.client(), EMPTY)
            return self._figure(EMPTY, 0, 2, warmup=self.due // 3)
        finally:
            self.emulator.stop()

    def stop(self) -> None:
        self.emulator.stop()

    def _figure(self, table: str, not_due: int, rounds: int, warmup: int) -> ExpiryFigure:
        spec = next(
            spec
            for spec in functions(refs=local_table_names(table))
            if spec.code_uri.name == "expire_sessions"
        )
        env = instance_environment(spec, self.emulator.endpoint, table)
        result = instance.run(spec, env, "expiry", due=self.due, rounds=rounds, warmup=warmup)
        measured: list[dict[str, Any]] = result["rounds"]
        return ExpiryFigure(
            not_due,
            self.due,
            statistics.median(r["job_s"] for r in measured),
            statistics.median(r["raw_s"] for r in measured),
            [int(r["scanned"]) for r in measured],
            [int(r["runs"]) for r in measured],
        )
