"""Shared fixtures of the sandbox tests: observable things on the host that hostile code must
not be able to touch (a canary file, loopback listeners, a host process, an env secret)."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from distillery_worker.sandbox.client import Episode

SECRET = "distillery-canary-7f3a9c"


@dataclass
class Listener:
    """A loopback TCP + UDP + abstract-unix listener that records every contact."""

    tcp: socket.socket
    udp: socket.socket
    unix: socket.socket
    contacts: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.tcp.getsockname()[1]

    @property
    def udp_port(self) -> int:
        return self.udp.getsockname()[1]


def _serve(listener: Listener) -> None:
    import select

    socks = [listener.tcp, listener.udp, listener.unix]
    while True:
        try:
            ready, _, _ = select.select(socks, [], [], 0.2)
        except (OSError, ValueError):
            return
        for s in ready:
            if s is listener.udp:
                listener.contacts.append("udp")
                s.recvfrom(4096)
            else:
                try:
                    conn, _ = s.accept()
                except OSError:
                    return
                listener.contacts.append("tcp" if s is listener.tcp else "unix")
                conn.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    tcp = socket.create_server(("127.0.0.1", 0))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix.bind(f"\0distillery-test-{os.getpid()}")
    unix.listen()
    lst = Listener(tcp, udp, unix)
    threading.Thread(target=_serve, args=(lst,), daemon=True).start()
    yield lst
    for s in (tcp, udp, unix):
        s.close()


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("canary") / "secret.txt"
    path.write_text(SECRET)
    os.chmod(path, 0o644)
    os.chmod(path.parent, 0o755)
    yield str(path)


@pytest.fixture(scope="module")
def host_process() -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(["sleep", "300"])
    yield proc
    proc.kill()
    proc.wait()


@pytest.fixture
def episode() -> Iterator[Episode]:
    """An episode started with a secret in the host's environment (the launcher must scrub it)."""
    with Episode(env={"DISTILLERY_TEST_SECRET": SECRET, "AWS_SECRET_ACCESS_KEY": SECRET}) as ep:
        yield ep


def _status(pid: str) -> dict[str, str]:
    with open(f"/proc/{pid}/status") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def _parent(pid: int) -> int:
    try:
        return int(_status(str(pid)).get("PPid", "0"))
    except (OSError, ValueError):
        return 0


def processes_of(uid: int) -> list[int]:
    """Host pids of the sandboxes' worker processes (workers, candidates, anything they spawned).

    As root each episode has its own uid: every process of that uid. Without root the episode's
    processes share the test's uid, so they are told apart by running the sandbox's code (its
    command line; no other binary is reachable from inside) and not being one of this test's
    launchers (its children) or their supervisors (its grandchildren).
    """
    me = os.getpid()
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == me:
            continue
        try:
            status = _status(name)
            # A zombie (killed, not yet reaped by its parent) runs nothing: not a process left running.
            if int(status["Uid"].split()[0]) != uid or status["State"].startswith("Z"):
                continue
            if uid == os.getuid():
                with open(f"/proc/{name}/cmdline", "rb") as f:
                    if b"distillery_worker.sandbox" not in f.read():
                        continue
                parent = _parent(int(name))
                if parent == me or _parent(parent) == me:
                    continue
        except (OSError, KeyError, ValueError):
            continue
        pids.append(int(name))
    return pids
