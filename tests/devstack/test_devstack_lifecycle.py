"""`make dev` stops cleanly: Ctrl-C to its process group leaves no child running, frees both ports."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from devstack.dynamodb_local import port_open
from tests.stack import children_of, is_gone, stack_environment, start_stack, stop_stack


def test_sigint_to_the_process_group_stops_everything(tmp_path: Path) -> None:
    stack = start_stack(tmp_path / "devstack.log")
    java = children_of(stack.process.pid)
    assert java, "DynamoDB Local runs as a child of the stack"
    assert httpx.post(f"{stack.base_url}/checkout-sessions", json={}).status_code == 200

    assert stop_stack(stack) == 0

    assert not port_open(stack.port)
    assert not port_open(stack.dynamodb_port)
    for pid in java:
        assert is_gone(pid)
    assert "devstack: stopped" in stack.log()


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
    finally:
        assert stop_stack(first) == 0
    assert any(data.iterdir()), "DynamoDB Local wrote its database to the folder"

    second = start_stack(tmp_path / "second.log", DEVSTACK_IN_MEMORY="", DEVSTACK_DATA_DIR=str(data))
    try:
        again = httpx.get(f"{second.base_url}/checkout-sessions/{session['id']}")
    finally:
        stop_stack(second)

    assert again.status_code == 200
    assert again.json()["data"]["id"] == session["id"]
