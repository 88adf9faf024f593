"""`make dev`: serves the whole system on http://127.0.0.1:$PORT until Ctrl-C."""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
import warnings
from types import FrameType

from devstack.dynamodb_local import DevstackError
from devstack.stack import LocalStack, StackConfig


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="devstack %(levelname)s %(message)s")
    logging.getLogger("botocore").setLevel(logging.WARNING)
    # A request that records no business metric (a GET, a rejection) is normal, not a warning.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    started = time.monotonic()
    config = StackConfig.from_env()
    stack = LocalStack(config)
    stopping = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
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
    stopping.wait()
    print("devstack: stopping", flush=True)
    stack.stop()
    print("devstack: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
