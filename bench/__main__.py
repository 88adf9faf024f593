"""`make bench`: prints each figure as a ratio against a baseline measured in the same run, or
against its goal, with a verdict next to it. Loopback only; each figure is bounded in time."""

from __future__ import annotations

import argparse
import os

from bench import cold_start, requests, stream_lag, throughput, webhook_latency
from bench.stack import running_stack

COLD_START_GOAL = 1.2
AUTH_GOAL = 1.05  # an authenticated request, its key cached, vs an anonymous one
THROUGHPUT_GOAL = 0.5  # gateway requests/s at least half the raw DynamoDB call rate
LAG_P95_GOAL_S = 1.0  # at 50 concurrent clients


def verdict(ok: bool, goal: str) -> str:
    return f"goal {goal}: {'ok' if ok else 'MISSED'}"


def lag_line(title: str, lag: stream_lag.StreamLag) -> str:
    return (
        f"  {title}: p50 {lag.p50_s:.2f} s, p95 {lag.p95_s:.2f} s"
        f" ({lag.clients} clients, {lag.flows} flows, {lag.requests_per_second:.0f} req/s);"
        f" {verdict(lag.p95_s <= LAG_P95_GOAL_S, f'p95 <= {LAG_P95_GOAL_S:.0f} s')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="cold-start samples per figure (median reported)")
    parser.add_argument("--requests", type=int, default=50, help="requests per request-cost figure")
    parser.add_argument("--seconds", type=float, default=30, help="load time of each sustained figure")
    args = parser.parse_args()

    baseline, results = cold_start.measure(args.runs)
    print(f"Cold import + init, CPU time (median of {args.runs} fresh interpreters)", flush=True)
    print(f"  baseline  {cold_start.BASELINE!r}: {baseline:.0f} ms = 1.00x")
    for result in results:
        print(
            f"  {result.name:<28} {result.median_ms:6.0f} ms = {result.ratio:.2f}x"
            f" ({verdict(result.ratio <= COLD_START_GOAL, f'<= {COLD_START_GOAL}x')});"
            f" with its DynamoDB client {result.with_client_ms:.0f} ms = {result.with_client_ratio:.2f}x",
            flush=True,
        )

    emulator_s = requests.dynamodb_local_startup_seconds()
    with running_stack() as stack:
        costs = requests.measure(stack, args.requests)
        print(f"\nLocal stack (median of {args.requests} requests each, after warm-up)")
        ratio = stack.startup_seconds / emulator_s
        startup = f"{stack.startup_seconds:.1f} s = {ratio:.2f}x DynamoDB Local alone"
        print(f"  `make dev` start-up (bootstrapped) {startup}")
        *calls, authenticated, idempotent, replay = costs
        for cost in calls:
            print(
                f"  {cost.name:<48} {cost.gateway_ms:6.2f} ms through the gateway = {cost.ratio:.2f}x"
                f" the raw DynamoDB call ({cost.raw_ms:.2f} ms)",
                flush=True,
            )
        print(
            f"  {authenticated.name}: {authenticated.gateway_ms:.2f} ms vs {authenticated.raw_ms:.2f} ms"
            f" = {authenticated.ratio:.2f}x ({verdict(authenticated.ratio <= AUTH_GOAL, f'<= {AUTH_GOAL}x')})"
        )
        for pair in (idempotent, replay):
            print(f"  {pair.name}: {pair.gateway_ms:.2f} ms vs {pair.raw_ms:.2f} ms = {pair.ratio:.2f}x")
        load_before = os.getloadavg()[0]
        sustained = throughput.measure(stack, args.seconds)
        print(
            f"\nSustained load ({args.seconds:.0f} s each, loopback; the machine's load average"
            f" {load_before:.1f} before, {os.getloadavg()[0]:.1f} after: others share its 2 cores)"
        )
        print(
            f"  POST /checkout-sessions, {sustained.clients} clients:"
            f" {sustained.gateway_per_second:.0f} req/s"
            f" = {sustained.ratio:.2f}x the raw conditional PutItem rate ({sustained.raw_per_second:.0f}/s);"
            f" {verdict(sustained.ratio >= THROUGHPUT_GOAL, f'>= {THROUGHPUT_GOAL}x')}",
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


if __name__ == "__main__":
    main()
