"""A Lambda-like instance for the benches: a fresh interpreter with one function's environment (the
one the local stack gives its instances, Lambda's own variables included), its real handler loaded
as Lambda loads it, and, for the baselines, the function's own DynamoDB client (same configuration,
same connection pool) making the raw calls.

    python -m bench.instance TASK SPEC_JSON CONFIG_JSON RESULT_PATH

`run` starts one and returns what its task measured. The function's own output (metrics, logs)
goes to /dev/null, as Lambda's goes to its log service, away from the result.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.sampling import alternating_rates, paired_medians_ms
from devstack.lambda_runtime import Handler, LambdaContext, context_for, load_handler
from devstack.specs import FunctionSpec
from devstack.worker import spec_from_json, spec_to_json

EVENTS = Path(__file__).resolve().parent.parent / "events"
BATCH = 25  # BatchWriteItem's limit


def run(spec: FunctionSpec, env: dict[str, str], task: str, **config: Any) -> dict[str, Any]:
    """Runs `task` in a new instance of `spec` with environment `env`; returns its result."""
    with tempfile.TemporaryDirectory() as tmp:
        result_path = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "bench.instance", task, spec_to_json(spec), json.dumps(config)]
        process = subprocess.run(
            [*command, str(result_path)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        if process.returncode != 0:
            raise RuntimeError(f"bench instance {task} failed:\n{process.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(result_path.read_text())
        return result


# --- inside the instance ------------------------------------------------------------------------
def _event(name: str, path_id: str | None = None, body: Any = None, **headers: str) -> dict[str, Any]:
    """`events/<name>.json` (an API Gateway HTTP API v2.0 event) for another id, body or headers."""
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    if path_id is not None:
        old = event["pathParameters"]["id"]
        event["pathParameters"]["id"] = path_id
        event["rawPath"] = event["rawPath"].replace(old, path_id)
        event["requestContext"]["http"]["path"] = event["rawPath"]
        event["rawQueryString"] = ""
        event.pop("queryStringParameters", None)
    if body is not None:
        event["body"] = json.dumps(body)
        event["headers"]["content-length"] = str(len(event["body"]))
    event["headers"].update(headers)
    return event


def _caller(handler: Handler, context: LambdaContext) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """An invocation as Lambda's runtime makes it: the event decoded from its JSON (a fresh object
    each time), the handler, its answer encoded."""
    texts: dict[int, str] = {}

    def call(event: dict[str, Any]) -> dict[str, Any]:
        text = texts.get(id(event)) or texts.setdefault(id(event), json.dumps(event))
        result: dict[str, Any] = handler(json.loads(text), context)
        json.dumps(result)
        if result.get("statusCode") != 200:
            raise RuntimeError(f"the handler answered {result.get('statusCode')}: {result.get('body')}")
        return result

    return call


def noting_own_work(call: Callable[[], Any], inner: list[float], into: list[float]) -> Callable[[], None]:
    """`call`, also noting its own work: its time minus the storage calls it made, timed inside it
    (what it added to `inner`). Per call, so the storage call's spread from one call to the next does
    not enter the figure, as it does in a difference of two medians."""

    def measured() -> None:
        before = len(inner)
        started = time.perf_counter()
        call()
        elapsed = (time.perf_counter() - started) * 1000
        if len(inner) == before:
            raise RuntimeError("the handler made no storage call through the timed client")
        into.append(elapsed - sum(inner[before:]))

    return measured


@contextmanager
def _timed(client: Any, operation: str) -> Iterator[list[float]]:
    """Times (ms) each `operation` call the handler makes through `client` inside the block: the
    storage call's share of a request, measured inside it. The raw side calls the unwrapped method
    (`original`), and after the block the handler has its client exactly as deployed again."""
    original, times = getattr(client, operation), []

    def timed(**request: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(**request)
        finally:
            times.append((time.perf_counter() - started) * 1000)

    setattr(client, operation, timed)
    try:
        yield times
    finally:
        setattr(client, operation, original)


def _function_client() -> Any:
    from checkout.adapters.dynamodb.client import default_client

    return default_client()


def _seeding_client() -> Any:
    """For writing what a figure needs, unmeasured: botocore's patient defaults, not the function's
    1 s timeouts (a batch of 25 can take longer while the emulator collects garbage)."""
    import botocore.session

    return botocore.session.get_session().create_client("dynamodb")


def _requests(spec: FunctionSpec, config: dict[str, Any]) -> dict[str, Any]:
    """GET /checkout-sessions/{id}: the handler vs the one consistent GetItem it makes; with a key
    (cached) vs anonymous."""
    call = _caller(load_handler(spec), context_for(spec))
    client, table = _function_client(), os.environ["TABLE_NAME"]
    session_id, runs = config["session_id"], config["runs"]
    anonymous = _event("get_checkout_session", path_id=session_id)
    with_key = _event("get_checkout_session", path_id=session_id, authorization=f"Bearer {config['key']}")
    key = {"pk": {"S": f"SESSION#{session_id}"}, "sk": {"S": "SESSION"}}
    get_item = client.get_item
    own: list[float] = []
    with _timed(client, "get_item") as inner:
        handler_ms, raw_ms = paired_medians_ms(
            noting_own_work(lambda: call(anonymous), inner, own),
            lambda: get_item(TableName=table, Key=key, ConsistentRead=True),
            runs,
        )
    inner_ms = statistics.median(inner[-runs:])
    keyed_ms, anonymous_ms = paired_medians_ms(lambda: call(with_key), lambda: call(anonymous), runs)
    return {
        "handler_ms": handler_ms,
        "raw_ms": raw_ms,
        "inner_ms": inner_ms,
        "own_ms": statistics.median(own[-runs:]),
        "keyed_ms": keyed_ms,
        "anonymous_ms": anonymous_ms,
    }


def _creates(spec: FunctionSpec, config: dict[str, Any]) -> dict[str, Any]:
    """POST /checkout-sessions: the handler vs the one conditional PutItem it makes, of the very item
    it stores (read back from its first answer, under fresh ids: same attributes, index keys, size);
    then creates per second, one at a time as a Lambda instance serves them, vs that PutItem's rate
    from one process."""
    call = _caller(load_handler(spec), context_for(spec))
    client, table = _function_client(), os.environ["TABLE_NAME"]
    event = _event("create_checkout_session", body={"metadata": {"k": "v"}})
    created = json.loads(call(event)["body"])["data"]["id"]
    stored = client.get_item(
        TableName=table, Key={"pk": {"S": f"SESSION#{created}"}, "sk": {"S": "SESSION"}}, ConsistentRead=True
    )["Item"]

    put_item = client.put_item

    def raw_put() -> None:
        session_id = str(uuid.uuid4())
        item = {**stored, "pk": {"S": f"SESSION#{session_id}"}, "id": {"S": session_id}}
        put_item(TableName=table, Item=item, ConditionExpression="attribute_not_exists(pk)")

    own: list[float] = []
    with _timed(client, "put_item") as inner:
        handler_ms, raw_ms = paired_medians_ms(
            noting_own_work(lambda: call(event), inner, own), raw_put, config["runs"]
        )
    inner_ms = statistics.median(inner[-config["runs"] :])

    def for_seconds(action: Callable[[], Any]) -> Callable[[float], int]:
        def load(seconds: float) -> int:
            deadline, done = time.monotonic() + seconds, 0
            while time.monotonic() < deadline:
                action()
                done += 1
            return done

        return load

    handler_rate, raw_rate = alternating_rates(
        for_seconds(lambda: call(event)), for_seconds(raw_put), config["seconds"], slice_seconds=1.5
    )
    return {
        "handler_ms": handler_ms,
        "raw_ms": raw_ms,
        "inner_ms": inner_ms,
        "own_ms": statistics.median(own[-config["runs"] :]),
        "handler_rate": handler_rate,
        "raw_rate": raw_rate,
    }


def _expiry(spec: FunctionSpec, config: dict[str, Any]) -> dict[str, Any]:
    """Rounds of: `due` sessions past their deadline expired by one run of the real job, and as many
    raw conditional updates (the very write the job makes for each, on sessions in a shard of the
    index the job never reads) from this process; the two in turns, the first alternating. A first
    round of `warmup` sessions is not counted (DynamoDB Local's JIT is still compiling its paths)."""
    from checkout.config import get_settings

    handler = load_handler(spec)
    client, table, shards = _function_client(), os.environ["TABLE_NAME"], get_settings().open_shards
    scanned = [0]

    def count_scanned(parsed: dict[str, Any], **_: Any) -> None:
        scanned[0] += int(parsed.get("ScannedCount", 0))

    client.meta.events.register("after-call.dynamodb.Query", count_scanned)
    seeder = _seeding_client()
    rounds: list[dict[str, Any]] = []
    sizes = [config["warmup"]] * bool(config["warmup"]) + [config["due"]] * config["rounds"]
    for number, size in enumerate(sizes):
        due_by = int(time.time()) - 60
        job_sessions = seed_open_sessions(seeder, table, size, due_by, None)
        raw_sessions = seed_open_sessions(seeder, table, size, due_by, shards)
        scanned[0] = 0
        if number % 2 == 0:
            (job_s, runs), raw_s = (
                _job_runs(spec, handler, len(job_sessions)),
                _raw_expiries(client, table, raw_sessions, due_by),
            )
        else:
            raw_s, (job_s, runs) = (
                _raw_expiries(client, table, raw_sessions, due_by),
                _job_runs(spec, handler, len(job_sessions)),
            )
        rounds.append({"job_s": job_s, "raw_s": raw_s, "scanned": scanned[0], "runs": runs})
    return {"rounds": rounds[1:] if config["warmup"] else rounds}


def _job_runs(spec: FunctionSpec, handler: Handler, due: int) -> tuple[float, int]:
    """Seconds the job took to expire the `due` sessions, and its runs: one, unless a run stopped
    before its timeout with sessions left (then the next scheduled runs carry on, as in AWS)."""
    started, runs, expired = time.perf_counter(), 0, 0
    while True:
        result = handler({}, LambdaContext(spec.logical_id, timeout_seconds=spec.timeout))
        runs += 1
        expired += result["expired"]
        if result["finished"]:
            break
    elapsed = time.perf_counter() - started
    if expired != due:
        raise RuntimeError(f"the job's {runs} run(s) expired {expired}, not the {due} due sessions")
    return elapsed, runs


def _raw_expiries(client: Any, table: str, session_ids: list[str], expires_at: int) -> float:
    """Seconds the job's own write (an expiry by the clock) took for each session, from here."""
    from checkout.adapters.dynamodb import conditional_writes as writes
    from checkout.config import get_settings

    settings, now = get_settings(), int(time.time() * 1000)
    started = time.perf_counter()
    for session_id in session_ids:
        change = writes.expire_session(session_id, expires_at, None, True, now, settings).render()
        client.update_item(
            TableName=table, ReturnValues="ALL_NEW", ReturnValuesOnConditionCheckFailure="ALL_OLD", **change
        )
    return time.perf_counter() - started


def session_items(count: int, expires_at: int, shard: int | None, shards: int) -> list[dict[str, Any]]:
    """`count` open sessions as the create function stores them, deadline `expires_at`, in their
    own shard of the expiry index (or in `shard`)."""
    from checkout.adapters.dynamodb.codec import to_attributes
    from checkout.adapters.dynamodb.items import session_item
    from checkout.config import Settings
    from checkout.domain.records import SessionRecord
    from checkout.domain.status import SessionStatus

    settings = Settings(table_name="bench", open_shards=shards)
    now_ms = int(time.time() * 1000)
    items = []
    for _ in range(count):
        session = SessionRecord(
            id=str(uuid.uuid4()),
            merchant_id="acct_bench",
            status=SessionStatus.OPEN,
            metadata={"cart_id": "cart_123"},
            expires_at=expires_at,
            created_at=now_ms,
            updated_at=now_ms,
        )
        item = to_attributes(session_item(session, settings))
        if shard is not None:
            item["open_shard"] = {"S": f"OPEN#{shard}"}
        items.append(item)
    return items


def write_items(client: Any, table: str, items: list[dict[str, Any]], threads: int = 1) -> None:
    """BatchWriteItem, 25 at a time, unprocessed items written again."""

    def batch(start: int) -> None:
        pending = [{"PutRequest": {"Item": item}} for item in items[start : start + BATCH]]
        while pending:
            answer = client.batch_write_item(RequestItems={table: pending})
            pending = answer.get("UnprocessedItems", {}).get(table, [])

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(batch, range(0, len(items), BATCH)))


def seed_open_sessions(client: Any, table: str, count: int, expires_at: int, shard: int | None) -> list[str]:
    from checkout.config import get_settings

    items = session_items(count, expires_at, shard, get_settings().open_shards)
    write_items(client, table, items)
    return [item["id"]["S"] for item in items]


TASKS: dict[str, Callable[[FunctionSpec, dict[str, Any]], dict[str, Any]]] = {
    "requests": _requests,
    "creates": _creates,
    "expiry": _expiry,
}


def main(argv: list[str]) -> int:
    task, spec, config, result_path = argv
    result = TASKS[task](spec_from_json(spec), json.loads(config))
    Path(result_path).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
