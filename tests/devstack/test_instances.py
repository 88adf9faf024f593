"""Functions run like Lambda instances (tests/devstack/template.yaml): one request at a time per
instance, reused warm up to a limit, their own environment, timeout and memory enforced; and the
gateway answers for them as API Gateway does. Stream records reach them in Lambda's shape."""

from __future__ import annotations

import json
import re
import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.stack import TABLE_NAME, RunningStack, dynamodb_client, wait_for

INTERNAL_SERVER_ERROR = {"message": "Internal Server Error"}


def test_a_function_over_its_timeout_is_stopped_and_answered_as_api_gateway_does(
    test_stack: RunningStack,
) -> None:
    started = time.monotonic()
    late = httpx.get(f"{test_stack.base_url}/sleep/4", timeout=30)
    elapsed = time.monotonic() - started

    assert late.status_code == 500
    assert late.json() == INTERNAL_SERVER_ERROR
    assert late.headers["apigw-requestid"]
    assert 2 <= elapsed < 3.5, "answered when the 2 s timeout struck, not when the function would have ended"
    assert "Task timed out after 2.00 seconds" in test_stack.log()
    assert httpx.get(f"{test_stack.base_url}/sleep/0", timeout=30).status_code == 200  # a fresh instance


def test_no_answer_within_the_integration_timeout_is_a_503(test_stack: RunningStack) -> None:
    started = time.monotonic()
    response = httpx.get(f"{test_stack.base_url}/patient/3", timeout=30)

    assert response.status_code == 503
    assert response.json() == {"message": "Service Unavailable"}
    assert time.monotonic() - started < 2.5  # the route's TimeoutInMillis is 1000


def test_a_crash_is_api_gateways_500_and_the_next_request_is_served(test_stack: RunningStack) -> None:
    for how in ("raise", "exit", "malformed"):
        response = httpx.post(f"{test_stack.base_url}/crash/{how}", timeout=30)
        assert (response.status_code, response.json()) == (500, INTERNAL_SERVER_ERROR), how

    assert httpx.post(f"{test_stack.base_url}/crash/fine", timeout=30).text == "fine"
    log = test_stack.log()
    assert "[ERROR] ValueError: the function raised" in log
    assert "exited (exit status 3)" in log


def test_an_instance_over_its_memory_size_is_stopped(test_stack: RunningStack) -> None:
    hungry = httpx.get(f"{test_stack.base_url}/hog/200", timeout=30)

    assert (hungry.status_code, hungry.json()) == (500, INTERNAL_SERVER_ERROR)
    assert "of its 128 MB" in test_stack.log()
    assert httpx.get(f"{test_stack.base_url}/hog/10", timeout=30).status_code == 200


def test_instances_serve_one_request_at_a_time_are_reused_warm_and_keep_their_own_environment(
    test_stack: RunningStack,
) -> None:
    with ThreadPoolExecutor(6) as pool:
        answers = list(
            pool.map(lambda _: httpx.get(f"{test_stack.base_url}/count", timeout=30).json(), range(6))
        )

    by_instance: dict[int, list[int]] = {}
    for answer in answers:
        by_instance.setdefault(answer["pid"], []).append(answer["invocation"])
    assert len(by_instance) == 1  # ReservedConcurrentExecutions: 1, below the stack's limit
    for invocations in by_instance.values():  # module state lives on between requests, never shared
        assert sorted(invocations) == list(range(min(invocations), min(invocations) + len(invocations)))
    assert sum(len(invocations) for invocations in by_instance.values()) == 6
    assert {answer["memory"] for answer in answers} == {256}
    assert {answer["only_counter"] for answer in answers} == {"counter's own"}


def test_every_unmatched_request_goes_to_the_default_route(test_stack: RunningStack) -> None:
    unknown = httpx.get(f"{test_stack.base_url}/no/such/route", timeout=30)
    wrong_method = httpx.delete(f"{test_stack.base_url}/sleep/1", timeout=30)

    assert unknown.status_code == 200
    assert unknown.headers["content-type"] == "application/json"
    assert unknown.json() == {
        "routeKey": "$default",
        "path": "/no/such/route",
        "method": "GET",
        "function": "CatchAllFunction",
        "only_counter": None,
    }
    assert wrong_method.json()["routeKey"] == "$default"


def test_an_any_route_gets_every_method_and_a_faithful_event(test_stack: RunningStack) -> None:
    response = httpx.put(
        f"{test_stack.base_url}/echo/a/b?x=1&x=2&y=",
        content=b"\x00\x01binary",
        headers={"content-type": "application/octet-stream", "cookie": "a=1; b=2", "x-thing": "v"},
        timeout=30,
    )

    event = response.json()
    assert event["routeKey"] == event["requestContext"]["routeKey"] == "ANY /echo/{proxy+}"
    assert event["pathParameters"] == {"proxy": "a/b"}
    assert event["queryStringParameters"] == {"x": "1,2", "y": ""}
    assert event["rawQueryString"] == "x=1&x=2&y="
    assert event["cookies"] == ["a=1", "b=2"]
    assert event["headers"]["x-thing"] == "v"
    assert event["isBase64Encoded"] is True
    assert event["requestContext"]["http"]["method"] == "PUT"
    assert event["requestContext"]["requestId"] == response.headers["apigw-requestid"]


def test_head_through_an_any_route_gets_no_body(test_stack: RunningStack) -> None:
    with socket.create_connection(("127.0.0.1", test_stack.port), timeout=10) as sock:
        sock.sendall(
            b"HEAD /echo/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            b"GET /no/such/route HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk

    head, _, rest = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    assert b"content-length: " in head
    assert rest.startswith(b"HTTP/1.1 200 "), "the next response follows the HEAD headers directly"


def recorded(stack: RunningStack, function: str, pk: str) -> list[dict[str, Any]]:
    records = []
    for line in stack.log().splitlines():
        if line.startswith('{"function"'):
            batch = json.loads(line)
            if batch["function"] == function:
                records += [r for r in batch["records"] if r["dynamodb"]["Keys"]["pk"]["S"] == pk]
    return records


def test_stream_records_reach_each_function_in_lambdas_shape(test_stack: RunningStack) -> None:
    dynamodb = dynamodb_client(test_stack)
    order, other = f"ORDER#{uuid.uuid4()}", f"OTHER#{uuid.uuid4()}"
    dynamodb.put_item(
        TableName=TABLE_NAME,
        Item={
            "pk": {"S": order},
            "sk": {"S": "ORDER"},
            "entity": {"S": "order"},
            "payload": {"M": {}},
            "metadata": {"M": {"nested": {"M": {}}}},
        },
    )
    dynamodb.put_item(
        TableName=TABLE_NAME, Item={"pk": {"S": other}, "sk": {"S": "X"}, "entity": {"S": "other"}}
    )

    assert wait_for(lambda: recorded(test_stack, "EverythingRecorderFunction", other), timeout=15)
    (record,) = wait_for(lambda: recorded(test_stack, "OrderRecorderFunction", order), timeout=15)

    assert set(record) == {
        "eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "dynamodb", "eventSourceARN",
    }  # fmt: skip
    assert record["eventName"] == "INSERT"
    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventSourceARN"].startswith("arn:aws:dynamodb:")
    stream = record["dynamodb"]
    assert set(stream) == {
        "ApproximateCreationDateTime", "Keys", "NewImage", "SequenceNumber", "SizeBytes", "StreamViewType",
    }  # fmt: skip
    assert isinstance(stream["ApproximateCreationDateTime"], int)
    assert stream["NewImage"]["payload"] == {"M": {}}
    assert stream["NewImage"]["metadata"] == {"M": {"nested": {"M": {}}}}
    assert recorded(test_stack, "OrderRecorderFunction", other) == []  # its filter kept it out
    assert len(recorded(test_stack, "EverythingRecorderFunction", order)) == 1


def test_every_scheduled_function_runs_on_its_schedule(test_stack: RunningStack) -> None:
    def fired() -> set[str]:
        # Two functions print at once into one log, so their lines may run together: find each.
        found = re.findall(r'\{"scheduled": "(\w+)", "detail-type": "Scheduled Event"\}', test_stack.log())
        return set(found)

    assert wait_for(lambda: fired() == {"TickFunction", "TockFunction"}, timeout=15)  # SCHEDULE_SECONDS=1
