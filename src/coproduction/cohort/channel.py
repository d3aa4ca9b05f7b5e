"""The messages grading passes between processes, read as if hostile.

Three parties talk while a submission is graded: the host (the trainer's
``coproduction autograde``), a worker inside the sandbox that forks one
process per submission, and that process, which runs the learner's code and
so may say anything at all. Every message is one JSON object; this module is
the one place that turns bytes into messages, and it never trusts them:
a message that is not JSON, not an object, or larger than allowed raises
:class:`ProtocolError` with a sentence a trainer can read, and the caller
marks that one submission instead of stopping the run.

Two kinds of channel:

* the **control** channel between host and worker is a Unix
  ``SOCK_SEQPACKET`` socket (message boundaries kept, and it can carry the
  descriptor of a job's own channel with the job);
* each **job** channel between host and the learner's process is a fresh
  Unix stream socket made for that submission alone, framed as one JSON
  object per line.
"""

from __future__ import annotations

import json
import os
import socket
from typing import Any

__all__ = ["ProtocolError", "encode", "decode", "LineReader", "send_control", "receive_control",
           "CONTROL_SIZE"]

#: Largest control message; a job's own data never travels on the control channel.
CONTROL_SIZE = 65536


class ProtocolError(ValueError):
    """A message that is not what the protocol allows; the text says what was wrong."""


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode("utf-8")


def decode(data: bytes, where: str) -> dict[str, Any]:
    """One message, or :class:`ProtocolError` naming ``where`` it came from."""
    try:
        message = json.loads(data)
    except (ValueError, RecursionError):
        raise ProtocolError(f"{where} sent {len(data):,} bytes that are not a message "
                            f"(starting {data[:40]!r})") from None
    if not isinstance(message, dict):
        raise ProtocolError(f"{where} sent a {type(message).__name__} where a message belongs")
    return message


class LineReader:
    """Splits a byte stream into messages, one per line, refusing any line
    longer than ``limit`` bytes (so a flood cannot fill the host's memory)."""

    def __init__(self, limit: int, where: str) -> None:
        self.limit, self.where = limit, where
        self._buffer = b""

    def feed(self, chunk: bytes) -> list[dict[str, Any]]:
        self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        if len(self._buffer) > self.limit or any(len(line) > self.limit for line in lines):
            raise ProtocolError(f"{self.where} sent a message longer than {self.limit:,} bytes")
        return [decode(line, self.where) for line in lines if line.strip()]

    @property
    def pending(self) -> bool:
        """Part of a message is waiting for its end."""
        return bool(self._buffer.strip())


def send_control(sock: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    data = encode(message)
    if fds:
        socket.send_fds(sock, [data], fds)
    else:
        sock.send(data)


def receive_control(sock: socket.socket, where: str) -> tuple[dict[str, Any] | None, list[int]]:
    """One control message and any descriptors it carried; ``(None, [])`` when
    the other end has gone."""
    data, fds, flags, _ = socket.recv_fds(sock, CONTROL_SIZE, 4)
    if not data and not fds:
        return None, []
    if flags & socket.MSG_TRUNC:
        for fd in fds:
            _close(fd)
        raise ProtocolError(f"{where} sent a control message longer than {CONTROL_SIZE:,} bytes")
    try:
        return decode(data, where), fds
    except ProtocolError:
        for fd in fds:
            _close(fd)
        raise


def _close(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass
