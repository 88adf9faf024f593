"""Invokes one function's real handler with an event file, like `sam local invoke -e` (no Docker).

    python -m devstack.invoke create_checkout_session events/create_checkout_session.json
    python -m devstack.invoke record_order_event events/record_order_event.json --sign

The function's environment comes from the template (parameter defaults), overridden by the
current environment; by default it talks to the DynamoDB Local of a running `make dev`
(127.0.0.1:$DYNAMODB_PORT). `--sign` replaces a `checkout-signature` header with a fresh one
made with ORDER_EVENTS_SECRET, since a signature in a file is stale after five minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from checkout.web.signatures import HEADER, signature_header
from devstack.lambda_runtime import context_for, load_handler
from devstack.settings import apply_local_environment, setting
from devstack.template import functions, local_table_names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("function", help="logical id in template.yaml, or its folder name under functions/")
    parser.add_argument("event", type=Path, help="event JSON file (see events/)")
    parser.add_argument("--sign", action="store_true", help="re-sign the body with ORDER_EVENTS_SECRET")
    args = parser.parse_args(argv)
    specs = {spec.logical_id: spec for spec in functions(refs=local_table_names(setting("TABLE_NAME")))}
    specs.update({spec.code_uri.name: spec for spec in list(specs.values())})
    spec = specs.get(args.function)
    if spec is None:
        parser.error(f"unknown function {args.function!r}; known: {', '.join(sorted(specs))}")
    apply_local_environment(spec)
    event = json.loads(args.event.read_text())
    if args.sign:
        body = event.get("body", "").encode()
        secret = os.environ["ORDER_EVENTS_SECRET"].split(",")[0]
        event.setdefault("headers", {})[HEADER] = signature_header([secret], int(time.time()), body)
    result = load_handler(spec)(event, context_for(spec))
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
