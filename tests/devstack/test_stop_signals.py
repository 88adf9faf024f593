"""Ctrl-C stops the local stack whichever of its threads the kernel hands the signal to, and a
second Ctrl-C stops it at once. Each case runs in a fresh interpreter: signal handlers belong to a
process's main thread."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

from devstack.stop_signals import EXIT_AT_ONCE, NOW_MESSAGE, StopSignals
from tests.support import ROOT


def run(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=20,
    )


def test_a_ctrl_c_the_kernel_hands_to_another_thread_still_ends_the_wait() -> None:
    done = run(
        """
        import os, signal, threading, time
        from devstack.stop_signals import StopSignals

        signals = StopSignals()
        signals.install()
        threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
        # Blocked here, the signal can only go to the other thread.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        os.kill(os.getpid(), signal.SIGINT)
        signals.wait(threading.Event())
        print("stopping on", signals.received)
        """
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout == "stopping on [2]\n"


def test_a_second_ctrl_c_exits_at_once() -> None:
    done = run(
        """
        import os, signal, threading, time
        from devstack.stop_signals import StopSignals

        signals = StopSignals()
        signals.install()
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


def test_the_watchdog_ends_the_wait_without_a_signal() -> None:
    stop_requested = threading.Event()
    stop_requested.set()
    signals = StopSignals()

    signals.wait(stop_requested)

    assert signals.received == []
