"""Ctrl-C stops the local stack whichever of its threads the kernel hands the signal to, and one
more once it is stopping stops it at once; a stack that does not stop shows where it hangs. Each
case runs in a fresh interpreter: signal handlers belong to a process's main thread."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import devstack.stop_signals
from devstack.stop_signals import EXIT_AT_ONCE, NOW_MESSAGE, interrupt
from tests.stack import wait_for
from tests.support import ROOT

PRELUDE = """
import os, signal, threading, time
from devstack.stop_signals import StopSignals

signals = StopSignals()
signals.install()
"""


def run(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=20,
    )


def test_a_ctrl_c_the_kernel_hands_to_another_thread_ends_the_wait_at_once() -> None:
    done = run(
        """
        import devstack.stop_signals
        devstack.stop_signals.WATCH_SECONDS = 60  # so only the signal can end the wait in time

        threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
        # Blocked here, the signal can only go to the other threads.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
        signals.wait(threading.Event())
        print("stopping on", signals.received)
        """
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout == "stopping on [2]\n"


def test_another_ctrl_c_while_draining_exits_at_once() -> None:
    done = run(
        """
        os.kill(os.getpid(), signal.SIGINT)
        signals.wait(threading.Event())
        print("draining", flush=True)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(10)
        print("drained")
        """
    )

    assert done.returncode == EXIT_AT_ONCE
    assert done.stdout == "draining\n"
    assert done.stderr == NOW_MESSAGE.decode()


def test_the_watchdog_ends_the_wait_and_a_ctrl_c_then_exits_at_once() -> None:
    done = run(
        """
        died = threading.Event()
        threading.Timer(0.5, died.set).start()
        signals.wait(died)
        print("stopping on", signals.received, flush=True)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(10)
        """
    )

    assert done.returncode == EXIT_AT_ONCE
    assert done.stdout == "stopping on []\n"
    assert done.stderr == NOW_MESSAGE.decode()


def test_a_stack_that_ignores_ctrl_c_shows_where_it_hangs_and_is_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(devstack.stop_signals, "STOP_WITHIN_SECONDS", 1)
    output = tmp_path / "hung.log"
    hung = """
        import signal, time
        from devstack.stop_signals import StopSignals
        StopSignals().install()  # as the stack does; then its Ctrl-C goes unheard
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("ready", flush=True)
        def stuck_in_its_stop():
            time.sleep(60)
        stuck_in_its_stop()
        """
    with output.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(hung)],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )
    assert wait_for(lambda: "ready" in output.read_text())

    assert interrupt(process) == -signal.SIGKILL
    assert "in stuck_in_its_stop" in output.read_text()
