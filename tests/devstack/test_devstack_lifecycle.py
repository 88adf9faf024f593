"""`make dev` starts and stops cleanly: Ctrl-C to its process group drains in-flight requests and
leaves no child running; a dead DynamoDB Local stops it with a clear message; its data and its
stream checkpoints survive a restart."""

from __future__ import annotations

import functools
import json
import os
import re
import signal
import threading
import time
from pathlib import Path

import httpx

from devstack.dynamodb_local import port_open
from tests.devstack.lambdas.app import SLOW_JOB_SECONDS
from tests.stack import (
    SLOW_JOB_TEMPLATE,
    TABLE_NAME,
    TEST_TEMPLATE,
    RunningStack,
    assert_stops_cleanly,
    children_of,
    command_line,
    dynamodb_client,
    is_gone,
    paid_session,
    printed_admin_key,
    stack_environment,
    start_stack,
    stop_stack,
    wait_for,
)


def test_sigint_to_the_process_group_stops_everything(tmp_path: Path) -> None:
    stack = start_stack(tmp_path / "devstack.log")
    instances = wait_for(lambda: instances_of(stack))
    assert instances, "the stack pre-warms instances of its functions"
    children = children_of(stack.process.pid)
    assert any("DynamoDBLocal.jar" in command_line(pid) for pid in children)
    sessions = {os.getsid(pid) for pid in instances}
    assert httpx.post(f"{stack.base_url}/checkout-sessions", json={}).status_code == 200

    assert_stops_cleanly(stack)

    assert stack.process.pid not in sessions, (
        "the Ctrl-C is the stack's: an instance importing would die of it"
    )
    assert not port_open(stack.port)
    assert not port_open(stack.dynamodb_port)
    for pid in children:
        assert is_gone(pid)
    assert "devstack: stopped" in stack.log()
    assert "KeyboardInterrupt" not in stack.log()


def instances_of(stack: RunningStack) -> list[int]:
    return [pid for pid in children_of(stack.process.pid) if "devstack.worker" in command_line(pid)]


def test_a_missing_java_is_explained(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = stack_environment(0, 0, PATH=os.path.dirname(sys.executable))
    env["PORT"], env["DYNAMODB_PORT"] = "39781", "39782"
    result = subprocess.run(
        [sys.executable, "-m", "devstack"], env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 1
    assert "Java was not found" in result.stderr
    assert "default-jre-headless" in result.stderr


def test_data_persists_across_restarts_in_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = start_stack(tmp_path / "first.log", DEVSTACK_IN_MEMORY="", DEVSTACK_DATA_DIR=str(data))
    try:
        session = httpx.post(f"{first.base_url}/checkout-sessions", json={}).json()["data"]
        first_key = printed_admin_key(first)
    finally:
        assert_stops_cleanly(first)
    assert any(data.iterdir()), "DynamoDB Local wrote its database to the folder"

    second = start_stack(tmp_path / "second.log", DEVSTACK_IN_MEMORY="", DEVSTACK_DATA_DIR=str(data))
    try:
        again = httpx.get(f"{second.base_url}/checkout-sessions/{session['id']}")
        second_key = printed_admin_key(second)
        listed = httpx.get(
            f"{second.base_url}/api/v1/checkout-sessions", headers={"Authorization": f"Bearer {second_key}"}
        )
    finally:
        stop_stack(second)

    assert again.status_code == 200
    assert again.json()["data"]["id"] == session["id"]
    assert second_key == first_key, "the admin key printed again, kept beside the data"
    assert listed.status_code == 200


def test_ctrl_c_drains_an_in_flight_request_then_stops(tmp_path: Path) -> None:
    stack = start_stack(tmp_path / "devstack.log", DEVSTACK_TEMPLATE=str(TEST_TEMPLATE))
    answers: list[httpx.Response] = []
    slow = threading.Thread(
        target=lambda: answers.append(httpx.get(f"{stack.base_url}/sleep/1.5", timeout=30))
    )
    slow.start()
    time.sleep(0.5)

    os.killpg(stack.process.pid, signal.SIGINT)
    time.sleep(0.3)
    refused = not port_open(stack.port)
    slow.join()

    assert stack.process.wait(timeout=30) == 0
    assert refused, "no new connection is accepted while draining"
    assert [answer.status_code for answer in answers] == [200]
    assert "draining 1 in-flight request(s)" in stack.log()
    assert "devstack: stopped" in stack.log()


def test_a_job_still_running_at_the_drain_deadline_is_stopped_with_its_instance(tmp_path: Path) -> None:
    stack = start_stack(
        tmp_path / "devstack.log",
        DEVSTACK_TEMPLATE=str(SLOW_JOB_TEMPLATE),
        SCHEDULE_SECONDS="0.5",
        DEVSTACK_DRAIN_SECONDS="1",
    )
    assert wait_for(lambda: "slow job: started" in stack.log()), stack.log()[-3000:]

    started = time.monotonic()
    assert_stops_cleanly(stack)
    took = time.monotonic() - started

    assert took < SLOW_JOB_SECONDS / 2, f"the stop waited {took:.1f} s, as if for the job to end"
    assert "the scheduler still busy after 1 s: stopping its invocations with the instances" in stack.log()
    assert "slow job: finished" not in stack.log()
    assert "devstack: stopped" in stack.log()


def test_a_dead_dynamodb_local_stops_the_stack_with_a_clear_message(tmp_path: Path) -> None:
    stack = start_stack(tmp_path / "devstack.log", DEVSTACK_TEMPLATE=str(TEST_TEMPLATE))
    children = children_of(stack.process.pid)
    (java,) = [pid for pid in children if "DynamoDBLocal.jar" in command_line(pid)]

    os.kill(java, signal.SIGKILL)

    assert stack.process.wait(timeout=20) == 1
    assert re.search(r"DynamoDB Local \(port \d+\) exited unexpectedly", stack.log())
    assert not port_open(stack.port)
    for pid in children:
        assert is_gone(pid)


def test_a_restart_resumes_the_stream_from_its_checkpoint_without_replaying(tmp_path: Path) -> None:
    state = tmp_path / "state"
    folders = {"DEVSTACK_IN_MEMORY": "", "DEVSTACK_DATA_DIR": str(tmp_path / "data")}
    folders["DEVSTACK_STATE_DIR"] = str(state)
    delivered = []
    for run in ("first", "second"):
        stack = start_stack(tmp_path / f"{run}.log", **folders)
        try:
            paid_session(stack.base_url, dynamodb_client(stack))
            # A stop leaves unread what the stream has not read yet (the next start reads it), so
            # each run stops once its flow's last record, the session's completion, is handled.
            assert wait_for(functools.partial(caught_up, state, last_sequence_number(stack)))
        finally:
            assert_stops_cleanly(stack)
        found = re.search(r"stream SyncSessionsFunction: delivered (\d+) records", stack.log())
        assert found, stack.log()[-2000:]
        delivered.append(int(found.group(1)))

    assert "resumes after sequence number" in stack.log()
    assert delivered[0] > 0
    assert delivered[1] == delivered[0], "the second run delivered its own flow only, no replay"
    assert list((tmp_path / "state" / "checkpoints").iterdir())


def last_sequence_number(stack: RunningStack) -> int:
    """The last record on the table's stream (DynamoDB Local's table has one shard)."""
    import boto3

    streams = boto3.client(
        "dynamodbstreams", endpoint_url=f"http://127.0.0.1:{stack.dynamodb_port}", region_name="us-east-1",
        aws_access_key_id="local", aws_secret_access_key="local",
    )  # fmt: skip
    table = dynamodb_client(stack).describe_table(TableName=TABLE_NAME)["Table"]
    (shard,) = streams.describe_stream(StreamArn=table["LatestStreamArn"])["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(
        StreamArn=table["LatestStreamArn"], ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    last = 0
    while iterator:
        records = streams.get_records(ShardIterator=iterator)
        if not records["Records"]:
            return last
        last = int(records["Records"][-1]["dynamodb"]["SequenceNumber"])
        iterator = records.get("NextShardIterator")
    return last


def caught_up(state: Path, sequence_number: int) -> bool:
    """The session sync has handled the stream up to `sequence_number`."""
    return checkpointed(state, "SyncSessionsFunction") >= sequence_number


def checkpointed(state: Path, function: str) -> int:
    """The last sequence number `function`'s stream mapping has handled, by its checkpoint file."""
    files = list((state / "checkpoints").glob(f"{function}@*.json"))
    if not files:
        return -1
    (path,) = files
    return max(int(shard["sequence"] or 0) for shard in json.loads(path.read_text()).values())
