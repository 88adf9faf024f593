"""`make bench`: prints each figure as a ratio against a baseline measured in the same run, or
against its goal, with a verdict next to it. Loopback only; each figure is bounded in time."""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime

from bench import cold_start, requests, stream_lag, throughput, webhook_latency
from bench.expiry import ExpiryBench, ExpiryFigure
from bench.stack import BenchStack, running_stack

COLD_START_GOAL = 1.2  # P1: an HTTP function's import + init + DynamoDB client vs the floor
HANDLER_GOAL = 1.15  # P2: the handler in-process vs the raw DynamoDB calls it makes
AUTH_GOAL = 1.05  # an authenticated request, its key cached, vs an anonymous one
EXPIRY_GOAL = 1.3  # P4: one run of the expiry job vs the raw conditional updates it makes
THROUGHPUT_GOAL = 0.5  # gateway requests/s at least half the raw DynamoDB call rate
IN_PROCESS_RATE_GOAL = round(1 / HANDLER_GOAL, 2)  # creates/s in-process: P2's goal as a rate
LAG_P95_GOAL_S = 1.0  # at 50 concurrent clients
SECTIONS = ("cold", "requests", "sustained", "expiry")


def verdict(ok: bool, goal: str) -> str:
    return f"goal {goal}: {'ok' if ok else 'MISSED'}"


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min: {five:.1f})"


def lag_line(title: str, lag: stream_lag.StreamLag) -> str:
    return (
        f"  {title}: p50 {lag.p50_s:.2f} s, p95 {lag.p95_s:.2f} s"
        f" ({lag.clients} clients, {lag.flows} flows, {lag.requests_per_second:.0f} req/s);"
        f" {verdict(lag.p95_s <= LAG_P95_GOAL_S, f'p95 <= {LAG_P95_GOAL_S:.0f} s')}"
    )


def print_cold_start(runs: int) -> None:
    baseline, results = cold_start.measure(runs)
    print(
        f"P1 cold start: import + init, and with the DynamoDB client the first request makes; CPU time,"
        f" median of {runs} fresh interpreters; {load()}",
        flush=True,
    )
    print(f"  floor {cold_start.BASELINE!r}: {baseline:.0f} ms = 1.00x")
    for result in results:
        if result.name == cold_start.STACK_ALONE:
            continue
        kind = cold_start.kind(result.name)
        figure = f"  {result.name:<33} {result.median_ms:4.0f} ms = {result.ratio:.2f}x"
        if kind == cold_start.NO_TABLE:  # never makes a client: its cold path is the import
            goal = verdict(result.ratio <= COLD_START_GOAL, f"<= {COLD_START_GOAL}x")
            line = f"{figure}; no DynamoDB client; {goal}"
        else:
            with_client = f"with its client {result.with_client_ms:4.0f} ms = {result.with_client_ratio:.2f}x"
            goal = (
                verdict(result.with_client_ratio <= COLD_START_GOAL, f"<= {COLD_START_GOAL}x")
                if kind == cold_start.HTTP
                else "not an HTTP function: no goal"
            )
            services = (
                f"; its services at first use +{result.services_ms:.0f} ms" if result.services_ms >= 1 else ""
            )
            line = f"{figure}; {with_client}; {goal}{services}"
        print(line, flush=True)
    stack = next(result for result in results if result.name == cold_start.STACK_ALONE)
    print(
        f"  for reference, the design's stack alone (the functions' botocore client, a pydantic model,"
        f" Mangum, powertools Logger and Metrics; no code of ours):"
        f" {stack.with_client_ms:.0f} ms = {stack.with_client_ratio:.2f}x",
        flush=True,
    )


def expiry_line(figure: ExpiryFigure, goal: bool) -> str:
    head = f"  {figure.due:,} due among {figure.not_due + figure.due:,} open sessions:"
    one_run = all(runs == 1 for runs in figure.runs)
    took = "a run" if one_run else f"runs ({'/'.join(map(str, figure.runs))}: one stopped at its timeout)"
    times = f"{took} {figure.job_s:.2f} s = {figure.ratio:.2f}x the raw updates ({figure.raw_s:.2f} s)"
    read = f"items its queries read: {', '.join(f'{n:,}' for n in figure.scanned)}"
    met = figure.ratio <= EXPIRY_GOAL and one_run
    tail = f"; {verdict(met, f'<= {EXPIRY_GOAL}x, in one run')}" if goal else ""
    return f"{head} {times}; {read}{tail}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="cold-start samples per figure (median reported)")
    parser.add_argument("--requests", type=int, default=50, help="requests per gateway request-cost figure")
    parser.add_argument("--pairs", type=int, default=300, help="request pairs per in-process figure")
    parser.add_argument("--seconds", type=float, default=20, help="load time of each sustained figure")
    parser.add_argument("--not-due", type=int, default=100_000, help="open sessions not due (expiry bench)")
    parser.add_argument("--due", type=int, default=1_000, help="due sessions per expiry run")
    parser.add_argument(
        "--only", choices=SECTIONS, action="append", help="run only this part (repeatable; default: all)"
    )
    args = parser.parse_args()
    only = set(args.only or SECTIONS)
    print(
        f"make bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores; {load()}\n", flush=True
    )

    expiry = ExpiryBench(args.not_due, args.due)
    if "expiry" in only:
        expiry.start()  # its sessions not due are written in the background
    if "cold" in only:
        # Not beside the writing: CPU-time samples still share the caches and the memory bus with
        # a busy emulator on the other core (whether that moved them was not settled: runs with and
        # without it both had outliers).
        if "expiry" in only:
            expiry.seeded()
        print_cold_start(args.runs)
    if "requests" in only or "sustained" in only:
        print_stack_figures(args, only)
    if "expiry" in only:
        print_expiry(expiry)


def print_stack_figures(args: argparse.Namespace, only: set[str]) -> None:
    emulator_s = requests.dynamodb_local_startup_seconds()
    with running_stack() as stack:
        in_process = requests.measure_in_process(stack, args.pairs, args.seconds / 2)
        print(
            f"\nP2 warm requests in-process: the real handler in a Lambda-like instance (event in -> response"
            f" out) vs the raw DynamoDB calls it makes, from that instance's own client, on the stack's"
            f" DynamoDB Local; median of {args.pairs} pairs; {load()}"
        )
        for cost in (in_process.read, in_process.create):
            print(
                f"  {cost.name:<50} {cost.gateway_ms:5.2f} ms = {cost.ratio:.2f}x ({cost.raw_ms:.2f} ms);"
                f" {verdict(cost.ratio <= HANDLER_GOAL, f'<= {HANDLER_GOAL}x')}",
                flush=True,
            )
            if cost.inner_ms is not None and cost.own_ms is not None:
                print(
                    f"    of which the same call from inside the handler {cost.inner_ms:.2f} ms"
                    f" ({cost.inner_ms / cost.raw_ms:.2f}x the raw one); the handler's own work"
                    f" {cost.own_ms:.2f} ms (median per call of its time minus that call)",
                    flush=True,
                )
        auth = in_process.authenticated
        print(
            f"  {auth.name}: {auth.gateway_ms:.2f} ms vs {auth.raw_ms:.2f} ms = {auth.ratio:.2f}x;"
            f" {verdict(auth.ratio <= AUTH_GOAL, f'<= {AUTH_GOAL}x')}",
            flush=True,
        )

        if "requests" in only:
            print_requests(stack, args, emulator_s)
        if "sustained" in only:
            print_sustained(stack, args, in_process)


def print_requests(stack: BenchStack, args: argparse.Namespace, emulator_s: float) -> None:
    costs = requests.measure(stack, args.requests)
    print(f"\nThrough the local gateway (median of {args.requests} requests each, after warm-up; {load()})")
    ratio = stack.startup_seconds / emulator_s
    startup = f"{stack.startup_seconds:.1f} s = {ratio:.2f}x DynamoDB Local alone"
    print(f"  `make dev` start-up (bootstrapped) {startup}")
    *calls, authenticated, idempotent, replay = costs
    for cost in calls:
        print(
            f"  {cost.name:<48} {cost.gateway_ms:6.2f} ms = {cost.ratio:.2f}x"
            f" the raw DynamoDB call from this process ({cost.raw_ms:.2f} ms)",
            flush=True,
        )
    for pair in (authenticated, idempotent, replay):
        print(f"  {pair.name}: {pair.gateway_ms:.2f} ms vs {pair.raw_ms:.2f} ms = {pair.ratio:.2f}x")


def print_sustained(stack: BenchStack, args: argparse.Namespace, in_process: requests.InProcess) -> None:
    load_before = load()
    sustained = throughput.measure(stack, args.seconds)
    print(
        f"\nSustained creates ({args.seconds:.0f} s each side by side, in slices taken in turns;"
        f" {load_before} before, {load()} after)"
    )
    print(
        f"  POST /checkout-sessions, {sustained.clients} clients: {sustained.gateway_per_second:.0f}/s"
        f" through the gateway = {sustained.ratio:.2f}x the raw conditional PutItem rate from"
        f" {sustained.clients} threads ({sustained.raw_per_second:.0f}/s);"
        f" {verdict(sustained.ratio >= THROUGHPUT_GOAL, f'>= {THROUGHPUT_GOAL}x')}",
        flush=True,
    )
    print(
        f"  the create handler in-process, one instance (one request at a time, as Lambda serves them):"
        f" {in_process.handler_rate:.0f}/s = {in_process.rate_ratio:.2f}x the same PutItem from one"
        f" process ({in_process.raw_rate:.0f}/s);"
        f" {verdict(in_process.rate_ratio >= IN_PROCESS_RATE_GOAL, f'>= {IN_PROCESS_RATE_GOAL}x')}",
        flush=True,
    )
    lag = stream_lag.measure(stack, args.seconds)
    print(lag_line("stream lag, order executed -> session complete", lag), flush=True)
    hooks = webhook_latency.measure(stack, args.seconds / 2)
    print(
        f"  webhook event-to-delivery, session expired -> receiver got checkout.expired"
        f" ({hooks.clients} clients, {hooks.events} events):"
        f" p50 {hooks.p50_s:.2f} s, p95 {hooks.p95_s:.2f} s",
        flush=True,
    )


def print_expiry(expiry: ExpiryBench) -> None:
    seeded_s = expiry.seeded()
    try:
        print(
            f"\nP4 expiry job: the real handler's run vs as many raw conditional updates from one process"
            f" (the very write it makes for each), rounds in turns, median; {load()}"
            f" ({expiry.not_due:,} sessions not due written in {seeded_s:.0f} s, in the background)",
            flush=True,
        )
        crowded = expiry.crowded()
        print(expiry_line(crowded, goal=True), flush=True)
        empty = expiry.empty()
        print(
            expiry_line(empty, goal=False)
            + f": {empty.ratio:.2f}x with none not due, {crowded.ratio:.2f}x with {crowded.not_due:,}",
            flush=True,
        )
    finally:
        expiry.stop()


if __name__ == "__main__":
    main()
