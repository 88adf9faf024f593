"""Test-only handlers for tests/devstack/template.yaml: each does one thing a real function must
never do, so the local stack's answers to it can be checked."""

from __future__ import annotations

import json
import os
import time
from typing import Any

_invocations = 0  # module state: survives between invocations of one warm instance


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The event as JSON, so a test sees what API Gateway would have handed over."""
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(event)}


def sleep(event: dict[str, Any], context: Any) -> dict[str, Any]:
    time.sleep(float(event["pathParameters"]["seconds"]))
    return {"statusCode": 200, "body": f"slept; {context.get_remaining_time_in_millis()} ms left"}


def crash(event: dict[str, Any], context: Any) -> dict[str, Any]:
    how = event["pathParameters"]["how"]
    if how == "raise":
        raise ValueError("the function raised")
    if how == "exit":
        os._exit(3)
    if how == "malformed":
        return {"statusCode": "not a number"}
    return {"statusCode": 200, "body": "fine"}


def hog(event: dict[str, Any], context: Any) -> dict[str, Any]:
    ballast = b"x" * (int(event["pathParameters"]["megabytes"]) * 1024 * 1024)
    time.sleep(0.5)  # long enough for the stack to see the memory in use
    return {"statusCode": 200, "body": str(len(ballast))}


def counter(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _invocations
    _invocations += 1
    time.sleep(0.2)
    body = {
        "pid": os.getpid(),
        "invocation": _invocations,
        "memory": context.memory_limit_in_mb,
        "only_counter": os.environ.get("ONLY_COUNTER"),
    }
    return {"statusCode": 200, "body": json.dumps(body)}


def catch_all(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """No statusCode: API Gateway makes a 200 JSON response of whatever comes back."""
    return {
        "routeKey": event["routeKey"],
        "path": event["rawPath"],
        "method": event["requestContext"]["http"]["method"],
        "function": os.environ.get("AWS_LAMBDA_FUNCTION_NAME"),
        "only_counter": os.environ.get("ONLY_COUNTER"),  # another function's variable: never here
    }


def record_stream(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Prints the records it got (a test reads them from the stack's log)."""
    print(json.dumps({"function": context.function_name, "records": event["Records"]}), flush=True)
    return {"batchItemFailures": []}


def scheduled(event: dict[str, Any], context: Any) -> None:
    """Says which function the schedule invoked, with which event."""
    print(json.dumps({"scheduled": context.function_name, "detail-type": event["detail-type"]}), flush=True)


SLOW_JOB_SECONDS = 45.0


def slow_job(event: dict[str, Any], context: Any) -> None:
    """A scheduled job that outlasts any stop's drain deadline; says when it starts and ends."""
    print("slow job: started", flush=True)
    time.sleep(SLOW_JOB_SECONDS)
    print("slow job: finished", flush=True)
