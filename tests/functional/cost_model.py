"""The per-checkout cost model of docs/scale.md: what one checkout's steps cost in DynamoDB (EXPECTED,
measured by test_cost_per_checkout.py against moto), and the bill per million checkouts those
counts make at on-demand list prices, with the assumptions that are not counted (how long a buyer
keeps the page open, how long a call takes on Lambda, log bytes) stated beside them.

    python -m tests.functional.cost_model   # the two tables docs/scale.md shows
"""

from __future__ import annotations

from dataclasses import dataclass, field

OPEN_INDEX = "open-sessions-by-expiry"
MERCHANT_INDEX = "sessions-by-merchant"
DUE_INDEX = "due-webhook-deliveries"


@dataclass(frozen=True)
class Step:
    """What one step of a checkout costs in DynamoDB, measured."""

    calls: dict[str, int]
    write_units: int  # WRU, transactional writes counted twice, failed conditions included
    read_units: float  # RRU
    index_writes: dict[str, int] = field(default_factory=dict)
    stream_records: int = 0  # records its writes put on the main table's stream
    to_sync: int = 0  # of those, what sync_sessions' filter lets through (each invokes it)
    to_deliver: int = 0  # and what deliver_webhooks' filter lets through
    records_in: int = 0  # a stream step: the records it was invoked with


@dataclass
class Partition:
    """The load one checkout puts on a partition key it shares with other checkouts."""

    write_units: float
    read_units: float


@dataclass(frozen=True)
class Run:
    """How a step runs: the function, whether API Gateway carries it, how many times a checkout
    makes it (the hosted page polls), and its invocations each time."""

    function: str
    http: bool
    times: int = 1
    note: str = ""


# The steps of one checkout.
CREATE = "merchant creates the session (platform, Idempotency-Key)"
PAGE = "buyer opens the hosted page (GET /pay/{id})"
POLL = "page polls the session (GET ?include=order)"
LINK = "buyer links an order from the page (POST /orders, Idempotency-Key)"
POLL_ORDER = "page polls the session and its order"
DEPOSIT = "watcher: deposit (sending_token_from_vault)"
RELAY = "watcher: relay (executing)"
EXECUTE = "watcher: execute (executed)"
SYNC = "stream: sync follows the order (session processing, complete); payment.completed"
SYNC_FINAL = "stream: sync on the session's final write; checkout.completed"
DELIVER = "stream: deliver_webhooks, first attempts (the merchant answers 200)"
MERCHANT_READ = "merchant reads the session (platform GET)"

# The partitions every checkout of one merchant shares, and their load per checkout (the steps
# times their repetitions), measured: the merchant's (its webhooks live there), and its webhook's
# (delivery jobs and attempts). Every other key a checkout touches is its own (session, order,
# events, idempotency records) or an index shard (partition_table).
MERCHANT_PARTITION = "MERCHANT#<merchant>"
WEBHOOK_PARTITION = "WEBHOOK#<webhook>"
SHARED_PARTITIONS: dict[str, Partition] = {
    MERCHANT_PARTITION: Partition(write_units=4, read_units=4),
    WEBHOOK_PARTITION: Partition(write_units=14, read_units=0),
}

# The items a checkout leaves (each with a TTL attribute: purged free) and their size in whole KB
# (ids, timestamps and durations move it by a few bytes), measured.
STORED = (16, 10)

# Each step of one checkout, measured (test_cost_per_checkout.py drives them in this order).
EXPECTED: dict[str, Step] = {
    CREATE: Step({"PutItem": 2, "UpdateItem": 1}, 4, 0, {OPEN_INDEX: 1, MERCHANT_INDEX: 1}, 1),
    PAGE: Step({"GetItem": 1}, 0, 1),
    POLL: Step({"GetItem": 1}, 0, 1),
    LINK: Step(
        {"GetItem": 1, "PutItem": 1, "TransactWriteItems": 1, "UpdateItem": 1}, 7, 1, {OPEN_INDEX: 1}, 2, 1
    ),
    POLL_ORDER: Step({"GetItem": 1, "Query": 1}, 0, 2),
    DEPOSIT: Step({"Query": 1, "TransactWriteItems": 1}, 6, 1, {}, 3, 1),
    RELAY: Step({"Query": 1, "TransactWriteItems": 1}, 6, 1, {}, 3, 1),
    EXECUTE: Step({"Query": 1, "TransactWriteItems": 1}, 6, 1, {}, 3, 1),
    SYNC: Step(
        {"GetItem": 1, "Query": 1, "TransactWriteItems": 1, "UpdateItem": 3},
        11,
        2,
        {DUE_INDEX: 1, OPEN_INDEX: 1, MERCHANT_INDEX: 2},
        4,
        1,
        1,
        records_in=4,
    ),
    SYNC_FINAL: Step({"Query": 1, "TransactWriteItems": 1}, 6, 1, {DUE_INDEX: 1}, 2, 0, 1, records_in=1),
    DELIVER: Step(
        {"GetItem": 4, "TransactWriteItems": 2, "UpdateItem": 2}, 14, 4, {DUE_INDEX: 6}, 8, records_in=2
    ),
    MERCHANT_READ: Step({"GetItem": 1}, 0, 1),
}

# --- assumptions (not counted by the test) ----------------------------------------------------
PAGE_POLL_S = 2  # pay.js polls GET /checkout-sessions/{id}?include=order every 2 s
CHOOSING_S = 30  # the buyer on the page before linking an order
PAYING_S = 60  # from the order to `executed` (deposit seen, relayed, executed)
POLLS_BEFORE_ORDER = CHOOSING_S // PAGE_POLL_S
POLLS_WITH_ORDER = PAYING_S // PAGE_POLL_S
PAGE_ASSETS = 3  # pay.css, pay.js, icon.svg: a first-time buyer's browser fetches each once

RUNS: dict[str, Run] = {
    CREATE: Run("platform_create_checkout_session", http=True),
    PAGE: Run("hosted_page", http=True),
    POLL: Run("get_checkout_session", http=True, times=POLLS_BEFORE_ORDER),
    LINK: Run("create_order", http=True),
    POLL_ORDER: Run("get_checkout_session", http=True, times=POLLS_WITH_ORDER),
    DEPOSIT: Run("record_order_event", http=True),
    RELAY: Run("record_order_event", http=True),
    EXECUTE: Run("record_order_event", http=True),
    SYNC: Run("sync_sessions", http=False),
    SYNC_FINAL: Run("sync_sessions", http=False),
    DELIVER: Run("deliver_webhooks", http=False),
    MERCHANT_READ: Run("platform_get_checkout_session", http=True),
}

# Lambda duration, arm64, warm: the handler's own time plus each call's round trip in the Region.
HANDLER_MS = 3
CALL_MS = {
    "GetItem": 4,
    "Query": 5,
    "BatchGetItem": 6,
    "PutItem": 6,
    "UpdateItem": 6,
    "DeleteItem": 6,
    "TransactWriteItems": 12,
}
WEBHOOK_POST_MS = 150  # the merchant's endpoint answering a delivery
ASSET_MS = 2
LOG_BYTES = 900  # per invocation: Lambda's START/END/REPORT lines, the EMF metrics line, a log line
ITEM_OVERHEAD_BYTES = 100  # DynamoDB's per-item storage overhead (an index entry is billed alike)
KEPT_MONTHS = 1.0  # SESSION_RETENTION_DAYS (30) after the end, then TTL deletes the items

# --- list prices, us-east-1, recorded 2026-11-24 (on-demand; free tiers ignored) ----------------
PRICE_DATE = "2026-11-24"
WRU_USD = 0.625 / 1e6  # DynamoDB Standard, on-demand write request unit
RRU_USD = 0.125 / 1e6  # read request unit
STREAM_READ_USD = 0.0  # GetRecords made by Lambda's event-source mapping are not charged
LAMBDA_REQUEST_USD = 0.20 / 1e6
LAMBDA_GB_S_USD = 0.0000133334  # arm64
HTTP_API_REQUEST_USD = 1.00 / 1e6  # first 300 million a month
LOG_GB_USD = 0.50  # CloudWatch Logs ingestion
STORAGE_GB_MONTH_USD = 0.25 + 0.20  # DynamoDB Standard storage, plus continuous backups (PITR)

# DynamoDB's limits per partition.
PARTITION_WCU = 1_000
PARTITION_RCU = 3_000


def scale_table(steps: dict[str, Step]) -> str:
    """EXPECTED as the Markdown table docs/scale.md shows."""
    lines = [
        "| step | DynamoDB calls | WRU | RRU | index writes (open / merchant / due) | stream records"
        " (to sync / to deliver) |",
        "|---|---|---|---|---|---|",
    ]
    for name, cost in steps.items():
        calls = ", ".join(f"{count} {operation}" for operation, count in sorted(cost.calls.items())) or "none"
        lines.append(
            f"| {name} | {calls} | {cost.write_units} | {cost.read_units:g} | {_indexes(cost.index_writes)}"
            f" | {cost.stream_records} ({cost.to_sync} / {cost.to_deliver}) |"
        )
    total: dict[str, int] = {}
    for cost in steps.values():
        for index, writes in cost.index_writes.items():
            total[index] = total.get(index, 0) + writes
    lines.append(
        f"| **one of each** | {sum(sum(c.calls.values()) for c in steps.values())}"
        f" | {sum(c.write_units for c in steps.values())} | {sum(c.read_units for c in steps.values()):g}"
        f" | {_indexes(total)} | {sum(c.stream_records for c in steps.values())}"
        f" ({sum(c.to_sync for c in steps.values())} / {sum(c.to_deliver for c in steps.values())}) |"
    )
    return "\n".join(lines)


def _indexes(writes: dict[str, int]) -> str:
    return " / ".join(str(writes.get(index, 0)) for index in (OPEN_INDEX, MERCHANT_INDEX, DUE_INDEX))


@dataclass(frozen=True)
class Checkout:
    """One checkout's usage, all steps times their repetitions."""

    write_units: float
    read_units: float
    http_requests: int
    invocations: int
    gb_seconds: float


def per_checkout(steps: dict[str, Step], memory_mb: dict[str, int]) -> Checkout:
    write_units = read_units = gb_seconds = 0.0
    http_requests = invocations = 0
    for name, cost in steps.items():
        run = RUNS[name]
        write_units += cost.write_units * run.times
        read_units += cost.read_units * run.times
        # An HTTP step is one request and one invocation. A stream step, on a quiet table, is one
        # invocation per record (a busy one batches many checkouts' records into one: fewer).
        runs = (1 if run.http else cost.records_in) * run.times
        calls_ms = sum(CALL_MS[operation] * count for operation, count in cost.calls.items()) * run.times
        posts_ms = WEBHOOK_POST_MS * cost.records_in if run.function == "deliver_webhooks" else 0
        invocations += runs
        http_requests += run.times if run.http else 0
        gb_seconds += (runs * HANDLER_MS + calls_ms + posts_ms) / 1000 * memory_mb[run.function] / 1024
    # The page's assets: a request and an invocation each, no DynamoDB.
    http_requests += PAGE_ASSETS
    invocations += PAGE_ASSETS
    gb_seconds += PAGE_ASSETS * (HANDLER_MS + ASSET_MS) / 1000 * memory_mb["hosted_page_assets"] / 1024
    return Checkout(write_units, read_units, http_requests, invocations, gb_seconds)


def bill_table(steps: dict[str, Step], memory_mb: dict[str, int] | None = None) -> str:
    """The bill per million checkouts, line by line."""
    memory = memory_mb or function_memory()
    usage = per_checkout(steps, memory)
    million = 1e6
    logs = usage.invocations * LOG_BYTES
    stored = STORED[1] * 1024 + STORED[0] * ITEM_OVERHEAD_BYTES
    rows = [
        ("DynamoDB writes", f"{usage.write_units:g} WRU", usage.write_units * WRU_USD),
        ("DynamoDB reads", f"{usage.read_units:g} RRU", usage.read_units * RRU_USD),
        ("DynamoDB stream reads (Lambda's event-source mappings)", "not charged", STREAM_READ_USD),
        (
            "API Gateway HTTP API requests",
            str(usage.http_requests),
            usage.http_requests * HTTP_API_REQUEST_USD,
        ),
        ("Lambda invocations", str(usage.invocations), usage.invocations * LAMBDA_REQUEST_USD),
        ("Lambda compute (arm64)", f"{usage.gb_seconds:.3f} GB-s", usage.gb_seconds * LAMBDA_GB_S_USD),
        (
            f"CloudWatch Logs (~{LOG_BYTES} B an invocation)",
            f"{logs / 1024:.0f} KB",
            logs / 1024**3 * LOG_GB_USD,
        ),
        (
            f"DynamoDB storage and PITR, {KEPT_MONTHS:g} month ({STORED[0]} items)",
            f"{stored / 1024:.1f} KB",
            stored / 1024**3 * KEPT_MONTHS * STORAGE_GB_MONTH_USD,
        ),
    ]
    lines = ["| item | per checkout | per million checkouts (USD) |", "|---|---|---|"]
    lines += [f"| {item} | {amount} | {usd * million:,.2f} |" for item, amount, usd in rows]
    total = sum(usd for _, _, usd in rows)
    lines.append(f"| **total** | | **{total * million:,.2f}** |")
    return "\n".join(lines)


def function_memory() -> dict[str, int]:
    from tests.support import function_specs

    return {name: spec.memory_mb for name, spec in function_specs().items()}


@dataclass(frozen=True)
class Hot:
    partition: str
    shared_by: str
    keys: int  # partition keys the load spreads over
    write_units: float  # per checkout, all keys together
    read_units: float

    def at(self, rate: float) -> tuple[float, float]:
        return self.write_units * rate / self.keys, self.read_units * rate / self.keys

    def ceiling(self) -> float:
        """Checkouts/s before one key reaches a partition's limit."""
        limits = [PARTITION_WCU * self.keys / self.write_units] if self.write_units else []
        limits += [PARTITION_RCU * self.keys / self.read_units] if self.read_units else []
        return min(limits)


def hot_partitions(steps: dict[str, Step]) -> list[Hot]:
    """The keys many checkouts share: the index shards, and a merchant's and its webhook's keys
    (the worst case: one merchant, with one webhook for every event, makes all the checkouts)."""
    from checkout.config import Settings

    defaults = {
        name: Settings.model_fields[name].default for name in ("open_shards", "list_shards", "retry_shards")
    }
    index_writes = {
        index: sum(step.index_writes.get(index, 0) * RUNS[name].times for name, step in steps.items())
        for index in (OPEN_INDEX, MERCHANT_INDEX, DUE_INDEX)
    }
    merchant = SHARED_PARTITIONS.get(MERCHANT_PARTITION, Partition(0, 0))
    webhook = SHARED_PARTITIONS.get(WEBHOOK_PARTITION, Partition(0, 0))
    return [
        Hot(f"`{OPEN_INDEX}`: `OPEN#0..{defaults['open_shards'] - 1}`", "every session",
            defaults["open_shards"], index_writes[OPEN_INDEX], 0),
        Hot(f"`{DUE_INDEX}`: `DUE#0..{defaults['retry_shards'] - 1}`", "every delivery job",
            defaults["retry_shards"], index_writes[DUE_INDEX], 0),
        Hot(f"`{MERCHANT_INDEX}`: `<merchant>#0..{defaults['list_shards'] - 1}`", "one merchant's sessions",
            defaults["list_shards"], index_writes[MERCHANT_INDEX], 0),
        Hot(f"`{MERCHANT_PARTITION}` (its webhooks)", "one merchant's checkouts", 1,
            merchant.write_units, merchant.read_units),
        Hot(f"`{WEBHOOK_PARTITION}` (its jobs, attempts)", "one webhook's deliveries", 1,
            webhook.write_units, webhook.read_units),
    ]  # fmt: skip


def partition_table(steps: dict[str, Step]) -> str:
    lines = [
        "| partition key | shared by | keys | WCU / RCU per checkout | each key at 1,000 checkouts/s"
        " | at 10,000/s | one key's ceiling |",
        "|---|---|---|---|---|---|---|",
    ]
    for hot in hot_partitions(steps):
        cells = []
        for rate in (1_000, 10_000):
            wcu, rcu = hot.at(rate)
            over = wcu > PARTITION_WCU or rcu > PARTITION_RCU
            cells.append(f"{wcu:,.0f} WCU, {rcu:,.0f} RCU: {'**over**' if over else 'ok'}")
        lines.append(
            f"| {hot.partition} | {hot.shared_by} | {hot.keys} | {hot.write_units:g} / {hot.read_units:g}"
            f" | {cells[0]} | {cells[1]} | {hot.ceiling():,.0f} checkouts/s |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(scale_table(EXPECTED))
    print()
    print(bill_table(EXPECTED))
    print()
    print(partition_table(EXPECTED))
