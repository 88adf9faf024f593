"""Invokes one function's real handler with an event file, like `sam local invoke -e` (no Docker).

    python -m devstack.invoke CreateCheckoutSessionFunction events/create_checkout_session.json

The function's environment comes from the template (parameter defaults), overridden by the
current environment; point it at DynamoDB Local with AWS_ENDPOINT_URL_DYNAMODB.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from devstack.lambda_runtime import context_for, load_handler
from devstack.settings import local_environment
from devstack.template import functions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("function", help="logical id in template.yaml, or its folder name under functions/")
    parser.add_argument("event", type=Path, help="event JSON file (see events/)")
    args = parser.parse_args(argv)
    specs = {spec.logical_id: spec for spec in functions()}
    specs.update({spec.code_uri.name: spec for spec in list(specs.values())})
    spec = specs.get(args.function)
    if spec is None:
        parser.error(f"unknown function {args.function!r}; known: {', '.join(sorted(specs))}")
    for name, value in local_environment(spec).items():
        os.environ.setdefault(name, value)
    event = json.loads(args.event.read_text())
    result = load_handler(spec)(event, context_for(spec))
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
