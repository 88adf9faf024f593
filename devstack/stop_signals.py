"""Ctrl-C and SIGTERM for `make dev`: the first asks the stack to drain and stop, another one once
it is stopping (whatever started the stop) stops it at once. And `interrupt`, for the programs that
start a stack (the tests, the benches): Ctrl-C, as a terminal sends it.

Python runs signal handlers in the main thread, between bytecodes; a main thread blocked on a lock
runs one only if the kernel interrupts that very thread, and the kernel may hand a process's signal
to any of its threads (cpython#85300). So the main thread waits in `select` on a wakeup fd, which
the C-level handler writes to from whichever thread took the signal, and the Python handler only
records it: it must not take a lock that the code it interrupted may hold.
"""

from __future__ import annotations

import faulthandler
import os
import select
import signal
import socket
import subprocess
import threading
import time
from types import FrameType

WATCH_SECONDS = 0.2  # how often the wait looks at `stop_requested` (the stack's watchdog)
NOW_MESSAGE = b"devstack: stopping now, without draining\n"
EXIT_AT_ONCE = 130  # a shell's code for a process stopped by Ctrl-C
STOP_WITHIN_SECONDS = 60
DUMP_SIGNAL = signal.SIGUSR1  # asks a stack for every thread's stack (faulthandler), into its output


class StopSignals:
    def __init__(self) -> None:
        self.received: list[int] = []
        self.stopping = False
        self._wakeup: socket.socket | None = None
        self._wakeup_writer: socket.socket | None = None  # kept open while the process lives

    def install(self) -> None:
        """From the main thread, before the stack starts its own threads."""
        self._wakeup, self._wakeup_writer = socket.socketpair()
        for end in (self._wakeup, self._wakeup_writer):
            end.setblocking(False)
        signal.set_wakeup_fd(self._wakeup_writer.fileno(), warn_on_full_buffer=False)
        signal.signal(signal.SIGINT, self._handle)
        signal.signal(signal.SIGTERM, self._handle)
        faulthandler.register(DUMP_SIGNAL, all_threads=True)  # a stack that hangs shows where

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.received or self.stopping:
            os.write(2, NOW_MESSAGE)
            os._exit(EXIT_AT_ONCE)  # DynamoDB Local and the instances die with this process
        self.received.append(signum)

    def wait(self, stop_requested: threading.Event) -> None:
        """Returns once a signal came, or once `stop_requested` is set (the stack's watchdog);
        from then on, a signal stops the process at once."""
        assert self._wakeup is not None, "install() first"
        while not self.received and not stop_requested.is_set():
            readable, _, _ = select.select([self._wakeup], [], [], WATCH_SECONDS)
            if readable:
                self._wakeup.recv(64)  # the signal numbers: the handler runs before the next look
        self.stopping = True


def interrupt(stack: subprocess.Popen[bytes]) -> int:
    """Ctrl-C to the stack's process group (started with `start_new_session`), then its exit code.
    One that does not stop in time is asked for its threads' stacks (DUMP_SIGNAL) and killed: its
    code is then -9."""
    if stack.poll() is None:
        os.killpg(stack.pid, signal.SIGINT)
        try:
            stack.wait(timeout=STOP_WITHIN_SECONDS)
        except subprocess.TimeoutExpired:
            stack.send_signal(DUMP_SIGNAL)
            time.sleep(2)
            os.killpg(stack.pid, signal.SIGKILL)
            stack.wait()
    return stack.returncode
