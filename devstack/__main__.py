"""`make dev`: serves the whole system on http://127.0.0.1:$PORT until Ctrl-C (a second Ctrl-C
stops at once, without draining)."""

from __future__ import annotations

import logging
import sys
import time

from devstack.admin_key import LOCAL_MERCHANT, ready_admin_key
from devstack.dynamodb_local import DevstackError
from devstack.stack import LocalStack, StackConfig
from devstack.stop_signals import StopSignals
from devstack.template import TEMPLATE_PATH


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="devstack %(levelname)s %(message)s")
    logging.getLogger("botocore").setLevel(logging.WARNING)
    logging.getLogger("uvicorn").setLevel(logging.WARNING)
    started = time.monotonic()
    config = StackConfig.from_env()
    stack = LocalStack(config)

    signals = StopSignals()
    signals.install()
    try:
        stack.start()
    except DevstackError as problem:
        print(f"devstack: {problem}", file=sys.stderr)
        return 1
    storage = "in memory" if config.data_dir is None else f"data in {config.data_dir}"
    print(
        f"devstack: serving http://127.0.0.1:{config.port} "
        f"(DynamoDB Local on 127.0.0.1:{config.dynamodb_port}, table {config.table_name!r}, {storage}) "
        f"in {time.monotonic() - started:.1f}s; Ctrl-C stops",
        flush=True,
    )
    if config.template_path == TEMPLATE_PATH:
        key = ready_admin_key(stack.dynamodb, config.table_name, config.data_dir)
        print(f"devstack: admin key for {LOCAL_MERCHANT} (Authorization: Bearer <key>): {key}", flush=True)
    signals.wait(stack.stop_requested)
    if stack.failure:
        print(f"devstack: {stack.failure}", file=sys.stderr, flush=True)
    print(f"devstack: stopping (draining {stack.in_flight()} in-flight request(s))", flush=True)
    stack.stop()
    print("devstack: stopped", flush=True)
    return 1 if stack.failure else 0


if __name__ == "__main__":
    sys.exit(main())
