"""Simulates the payment watcher: signs and posts order events to a running `make dev`.

    python -m devstack.pay ORDER_ID                 # deposit -> executing -> executed
    python -m devstack.pay ORDER_ID --fail          # deposit -> failure -> refunding -> refunded
    python -m devstack.pay ORDER_ID --status relay  # one event

Events are signed with ORDER_EVENTS_SECRET (the local default unless set), like the real watcher.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
import urllib.error
import urllib.request
from typing import Any

from checkout.web.signatures import HEADER, signature_header
from devstack.settings import setting

SUCCESS = [("sending_token_from_vault", "deposit"), ("executing", "relay"), ("executed", "execute")]
FAILURE = [
    ("sending_token_from_vault", "deposit"),
    ("failure", None),
    ("refunding", None),
    ("refunded", "refund"),
]


def post_event(
    base_url: str, secret: str, order_id: str, status: str, kind: str | None, chain_id: int
) -> dict[str, Any]:
    event: dict[str, Any] = {"id": f"evt_{secrets.token_hex(12)}", "orderId": order_id, "status": status}
    if kind is not None:
        event["transaction"] = {"kind": kind, "chainId": chain_id, "txHash": "0x" + secrets.token_hex(32)}
    body = json.dumps(event).encode()
    request = urllib.request.Request(
        f"{base_url}/order-events",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            HEADER: signature_header([secret], int(time.time()), body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            result: dict[str, Any] = json.load(response)
    except urllib.error.HTTPError as error:
        result = json.load(error)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("order_id")
    parser.add_argument("--status", help="send one event with this order status")
    parser.add_argument("--fail", action="store_true", help="walk the failure and refund path")
    parser.add_argument("--chain", type=int, default=8453, help="chain id of the transactions")
    parser.add_argument("--url", default=f"http://127.0.0.1:{setting('PORT')}")
    args = parser.parse_args(argv)
    steps = [(args.status, None)] if args.status else FAILURE if args.fail else SUCCESS
    secret = setting("ORDER_EVENTS_SECRET").split(",")[0]
    for status, kind in steps:
        result = post_event(args.url, secret, args.order_id, status, kind, args.chain)
        print(f"{status:<26} -> {result.get('statusCode')} {result.get('message')}")
        if not result.get("success"):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
