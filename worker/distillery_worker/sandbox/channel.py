"""JSON-lines channels. Only JSON crosses a channel (never pickle); file descriptors ride along
only when the supervisor hands a worker the ends of its candidates' channels."""

from __future__ import annotations

import array
import json
import os
import socket
from typing import Any

MAX_LINE = 16 << 20  # a longer line from a worker is a protocol violation


class ProtocolError(Exception):
    pass


class Channel:
    """One end of a JSON-lines stream over a socket or a pair of pipe fds."""

    def __init__(self, read_fd: int, write_fd: int | None = None, sock: socket.socket | None = None):
        self.read_fd = read_fd
        self.write_fd = read_fd if write_fd is None else write_fd
        self.sock = sock
        self.buf = b""
        self.fds: list[int] = []  # descriptors received and not yet claimed
        self.eof = False

    @classmethod
    def over_socket(cls, sock: socket.socket) -> Channel:
        return cls(sock.fileno(), sock=sock)

    def fileno(self) -> int:
        return self.read_fd

    def send(self, msg: dict[str, Any], fds: list[int] | None = None) -> None:
        data = (json.dumps(msg, ensure_ascii=False, default=str) + "\n").encode()
        if fds:
            assert self.sock is not None
            anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds).tobytes())]
            sent = self.sock.sendmsg([data], anc)
            data = data[sent:]
        view = memoryview(data)
        while view:
            n = os.write(self.write_fd, view)
            view = view[n:]

    def _read_chunk(self) -> bytes:
        if self.sock is None:
            return os.read(self.read_fd, 1 << 16)
        data, anc, _flags, _addr = self.sock.recvmsg(1 << 16, socket.CMSG_SPACE(64 * 4))
        for level, kind, payload in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds = array.array("i")
                fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
                self.fds.extend(fds)
        return data

    def fill(self) -> bool:
        """Read what is available (one read); False at end of stream."""
        try:
            chunk = self._read_chunk()
        except (BlockingIOError, InterruptedError):
            return True
        except OSError:
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        if len(self.buf) > MAX_LINE and b"\n" not in self.buf:
            raise ProtocolError(f"line longer than {MAX_LINE} bytes")
        return True

    def pop(self) -> dict[str, Any] | None:
        """The next complete message already buffered, if any."""
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            if not line.strip():
                continue
            try:
                msg = json.loads(line)
            except ValueError as err:
                raise ProtocolError(f"not JSON: {line[:80]!r}") from err
            if not isinstance(msg, dict):
                raise ProtocolError("message is not an object")
            return msg
        return None

    def recv(self) -> dict[str, Any] | None:
        """Block until a message arrives; None at end of stream."""
        while True:
            msg = self.pop()
            if msg is not None:
                return msg
            if not self.fill():
                return None

    def take_fds(self, n: int) -> list[int]:
        taken, self.fds = self.fds[:n], self.fds[n:]
        if len(taken) != n:
            raise ProtocolError(f"expected {n} descriptors, got {len(taken)}")
        return taken
