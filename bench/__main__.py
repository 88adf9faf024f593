"""`make bench`: prints each figure as a ratio against a baseline measured in the same run."""

from __future__ import annotations

import argparse

from bench import cold_start, requests

COLD_START_GOAL = 1.2
AUTH_GOAL = 1.05  # an authenticated request, its key cached, vs an anonymous one


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="cold-start samples per figure (median reported)")
    parser.add_argument("--requests", type=int, default=50, help="requests per request-cost figure")
    args = parser.parse_args()

    baseline, results = cold_start.measure(args.runs)
    print(f"Cold import + init, CPU time (median of {args.runs} fresh interpreters)")
    print(f"  baseline  {cold_start.BASELINE!r}: {baseline:.0f} ms = 1.00x")
    for result in results:
        verdict = "ok" if result.ratio <= COLD_START_GOAL else f"over the {COLD_START_GOAL}x goal"
        print(
            f"  {result.name:<28} {result.median_ms:6.0f} ms = {result.ratio:.2f}x  {verdict};"
            f" with its DynamoDB client {result.with_client_ms:.0f} ms = {result.with_client_ratio:.2f}x"
        )

    stack_s, emulator_s, costs = requests.measure(args.requests)
    print(f"\nLocal stack (median of {args.requests} requests each, after warm-up)")
    ratio = stack_s / emulator_s
    print(f"  start-up of `make dev` (bootstrapped) {stack_s:.1f} s = {ratio:.2f}x DynamoDB Local alone")
    *calls, authenticated, idempotent, replay = costs
    for cost in calls:
        print(
            f"  {cost.name:<48} {cost.gateway_ms:6.2f} ms through the gateway = {cost.ratio:.2f}x"
            f" the raw DynamoDB call ({cost.raw_ms:.2f} ms)"
        )
    verdict = "ok" if authenticated.ratio <= AUTH_GOAL else f"over the {AUTH_GOAL}x goal"
    print(
        f"  {authenticated.name}: {authenticated.gateway_ms:.2f} ms vs {authenticated.raw_ms:.2f} ms"
        f" = {authenticated.ratio:.2f}x  {verdict}"
    )
    for pair in (idempotent, replay):
        print(f"  {pair.name}: {pair.gateway_ms:.2f} ms vs {pair.raw_ms:.2f} ms = {pair.ratio:.2f}x")


if __name__ == "__main__":
    main()
