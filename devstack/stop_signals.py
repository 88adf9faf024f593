"""Ctrl-C and SIGTERM for `make dev`: the first asks the stack to drain and stop, a second stops
it at once.

Python runs signal handlers in the main thread, between bytecodes. The kernel may hand a process's
signal to any of its threads, and a main thread blocked on a lock without a timeout then never
gets to run the handler (cpython#85300): a CI run once saw the stack ignore its Ctrl-C for a
minute. So the main thread waits in short slices, and the handler only records the signal: it
must not take a lock that the code it interrupted may hold.
"""

from __future__ import annotations

import os
import signal
import threading
from types import FrameType

POLL_SECONDS = 0.2
NOW_MESSAGE = b"devstack: stopping now, without draining\n"
EXIT_AT_ONCE = 130  # a shell's code for a process stopped by Ctrl-C


class StopSignals:
    def __init__(self) -> None:
        self.received: list[int] = []

    def install(self) -> None:
        """From the main thread, before the stack starts its own threads."""
        signal.signal(signal.SIGINT, self._handle)
        signal.signal(signal.SIGTERM, self._handle)

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.received:
            os.write(2, NOW_MESSAGE)
            os._exit(EXIT_AT_ONCE)  # DynamoDB Local and the instances die with this process
        self.received.append(signum)

    def wait(self, stop_requested: threading.Event) -> None:
        """Returns once a signal came, or once `stop_requested` is set (the stack's watchdog)."""
        while not self.received and not stop_requested.wait(POLL_SECONDS):
            pass
