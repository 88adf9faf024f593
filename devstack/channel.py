"""Length-prefixed JSON messages between the stack and its function instances.

A socket pair carries them, so the function's own stdout and stderr stay free for its logs, as
in Lambda (where the runtime API carries events and results, and stdout goes to CloudWatch).
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from collections.abc import Callable
from typing import Any

_LENGTH = struct.Struct("!I")


def encode(message: dict[str, Any], default: Callable[[Any], Any] | None = None) -> bytes:
    """Raises TypeError or ValueError for a message JSON cannot carry."""
    data = json.dumps(message, separators=(",", ":"), default=default).encode()
    return _LENGTH.pack(len(data)) + data


def send(sock: socket.socket, message: dict[str, Any], default: Callable[[Any], Any] | None = None) -> None:
    sock.sendall(encode(message, default))


def receive(sock: socket.socket) -> dict[str, Any] | None:
    """The next message, or None when the other side has closed the channel."""
    header = _receive_exactly(sock, _LENGTH.size)
    if header is None:
        return None
    body = _receive_exactly(sock, _LENGTH.unpack(header)[0])
    if body is None:
        return None
    message: dict[str, Any] = json.loads(body)
    return message


def _receive_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(min(size - len(chunks), 1 << 20))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)


async def read(reader: asyncio.StreamReader) -> dict[str, Any]:
    """The next message; raises `asyncio.IncompleteReadError` when the instance has gone."""
    header = await reader.readexactly(_LENGTH.size)
    body = await reader.readexactly(_LENGTH.unpack(header)[0])
    message: dict[str, Any] = json.loads(body)
    return message
