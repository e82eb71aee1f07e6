"""Process bookkeeping for the supervisor: spawn workers, copy scratch dirs, kill and reap."""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import stat
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from .channel import Channel
from .isolation import PR_SET_PDEATHSIG, Layers, Limits, confine, confine_candidate, prctl

CLEAN_ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


@dataclass
class Proc:
    """A process that runs model code: the episode's worker or one SAG candidate."""

    pid: int
    chan: Channel
    out_fd: int
    scratch: str
    index: int | None = None
    action: Any = None
    deadline: float | None = None
    paused_at: float | None = None
    out: bytearray = field(default_factory=bytearray)
    dropped: int = 0
    alive: bool = True
    result: dict[str, Any] | None = None


def new_scratch(uid: int, parent: str) -> str:
    """A process's scratch: `<parent>/<random>/home`, owned by `uid`; returns the home dir.

    The random dir is the process's domain (Landlock lets it write there only); a SAG
    candidate's domain is made inside its worker's (`parent` = the worker's domain), since a
    Landlock domain can only narrow what its parent allowed. The first parent is root-owned
    and unlistable (0711); the path grows by one level per SAG step that keeps a winner.
    """
    domain = os.path.join(parent, secrets.token_hex(8))
    home = os.path.join(domain, "home")
    for path in (domain, home):
        os.mkdir(path, 0o700)
        if os.geteuid() == 0:
            os.chown(path, uid, uid)
    return home


def domain_of(scratch: str) -> str:
    return os.path.dirname(scratch)


def copy_tree(src: str, dst: str, uid: int) -> None:
    """Copy regular files, dirs and symlinks (never open a fifo or device) into dst, owned by uid."""
    for entry in os.scandir(src):
        target = os.path.join(dst, entry.name)
        st = entry.stat(follow_symlinks=False)
        if stat.S_ISLNK(st.st_mode):
            os.symlink(os.readlink(entry.path), target)
        elif stat.S_ISDIR(st.st_mode):
            os.mkdir(target, 0o700)
            copy_tree(entry.path, target, uid)
        elif stat.S_ISREG(st.st_mode):
            with open(entry.path, "rb") as fin, open(target, "wb") as fout:
                while chunk := fin.read(1 << 20):
                    fout.write(chunk)
            os.chmod(target, stat.S_IMODE(st.st_mode))
        else:
            continue
        if os.geteuid() == 0:
            os.lchown(target, uid, uid)


def _nonblocking(fd: int) -> None:
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)


def channel_pair() -> tuple[socket.socket, socket.socket, int, int]:
    """(supervisor socket, worker socket, capture read end, capture write end)."""
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    out_r, out_w = os.pipe()
    _nonblocking(out_r)
    return mine, theirs, out_r, out_w


def spawn_worker(layers: Layers, limits: Limits, uid: int, tools: list[str], scratch: str) -> Proc:
    """Fork a fresh worker from the supervisor; it confines itself, then serves its channel."""
    mine, theirs, out_r, out_w = channel_pair()
    pid = os.fork()
    if pid == 0:
        try:
            _become_worker(layers, limits, uid, tools, scratch, theirs, out_w)
        except BaseException:  # noqa: BLE001 — shown as the failed action's stdout
            import traceback

            traceback.print_exc()
            sys.stderr.flush()
        finally:
            os._exit(70)
    theirs.close()
    os.close(out_w)
    mine.setblocking(False)
    return Proc(pid=pid, chan=Channel.over_socket(mine), out_fd=out_r, scratch=scratch)


def _become_worker(
    layers: Layers, limits: Limits, uid: int, tools: list[str], scratch: str, sock: socket.socket, out_w: int
) -> None:
    from .runtime import Worker

    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out_w, 1)
    os.dup2(out_w, 2)
    keep = sock.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, 1 << 16)  # nothing of the supervisor's (host stdio copies, other workers)
    os.setsid()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.chdir(scratch)
    os.environ.clear()
    os.environ.update(CLEAN_ENV, HOME=scratch, TMPDIR=scratch)
    tempfile.tempdir = None  # the launcher's cached /tmp: tempfile must pick scratch up again
    applied = confine(layers, limits, uid, scratch)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # after confine: a uid change clears it
    sock.setblocking(True)
    chan = Channel.over_socket(sock)
    # What this worker really applied, before any code runs (the supervisor reports it as ready).
    chan.send({"type": "confined", "layers": applied.active, "notes": applied.notes})
    Worker(chan, tools, confine_candidate).serve()


def parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


KILL_WAIT_S = 10.0  # how long a sweep waits for its victims to die before giving up on them


def kill_all_except(keep: set[int]) -> None:
    """SIGKILL every process of this PID namespace except PID 1 and `keep` (needs the PID ns), and
    return once each is dead (a zombie, or gone).

    Repeats until a pass finds nobody alive: a fork bomb's children born during a pass die in the
    next. A killed process stays alive until the kernel has run its exit, which on a loaded machine
    waits for a CPU: a pass that finds only processes already killed sleeps a moment rather than
    spinning (a bound on passes was spent in a tenth of a second under load, leaving them running).
    """
    deadline = time.monotonic() + KILL_WAIT_S
    killed: set[int] = set()
    while time.monotonic() < deadline:
        victims = {
            int(n)
            for n in os.listdir("/proc")
            if n.isdigit() and int(n) not in keep and int(n) != 1 and not _zombie(n)
        }
        if not victims:
            return
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        reap()
        if victims <= killed:
            time.sleep(0.002)
        killed |= victims


def _zombie(pid: str) -> bool:
    """Dead: gone, or a zombie nobody reaped (a container's init may never reap)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True  # gone already


def reap() -> dict[int, int]:
    """Collect exited children (PID 1 inherits every orphan of the namespace)."""
    statuses = {}
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return statuses
        if pid == 0:
            return statuses
        statuses[pid] = status


def remove_tree(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)


def await_forked(worker: Proc, n: int) -> list[int]:
    """Wait for the worker's list of candidate pids; accept only real children of the worker."""
    deadline = time.monotonic() + 10
    worker.chan.sock.setblocking(True)  # type: ignore[union-attr]
    try:
        while time.monotonic() < deadline:
            worker.chan.sock.settimeout(max(deadline - time.monotonic(), 0.01))  # type: ignore[union-attr]
            msg = worker.chan.recv()
            if msg is None:
                return []
            pids = msg.get("pids") if msg.get("type") == "forked" else None
            if (
                isinstance(pids, list)
                and len(pids) == n
                and all(isinstance(p, int) and p > 1 and parent_of(p) == worker.pid for p in pids)
            ):
                return pids
    except OSError:
        return []
    finally:
        worker.chan.sock.settimeout(None)  # type: ignore[union-attr]
        worker.chan.sock.setblocking(False)  # type: ignore[union-attr]
    return []


def clean_result(raw: dict[str, Any]) -> dict[str, Any]:
    """A worker's result is untrusted: keep only the expected keys, with the expected types."""
    out: dict[str, Any] = {"ok": raw.get("ok") is True}
    value = raw.get("value_repr")
    out["value_repr"] = value[:20_000] if isinstance(value, str) else None
    assigned = raw.get("assigned")
    if isinstance(assigned, str):
        out["assigned"] = assigned[:20_000]
    if "final_answer" in raw:
        answer = raw["final_answer"]
        text = json.dumps(answer, default=str)
        out["final_answer"] = answer if len(text) <= 20_000 else text[:20_000]
    err = raw.get("error")
    if isinstance(err, dict):
        out["error"] = {k: str(err.get(k, ""))[:10_000] for k in ("type", "message", "traceback")}
    elif not out["ok"]:
        out["error"] = {"type": "Error", "message": "action failed", "traceback": ""}
    return out


def lock_dir(path: str) -> None:
    if os.geteuid() == 0:
        os.chown(path, 0, 0)
    os.chmod(path, 0o700 if os.geteuid() == 0 else 0)


def unlock_dir(path: str, uid: int) -> None:
    if os.geteuid() == 0:
        os.chown(path, uid, uid)
    os.chmod(path, 0o700)


SCRATCH_PREFIX = "distillery-sandbox-"


def host_scratch_root(launcher_pid: int) -> str:
    """Scratch on the host's disk (only when there is no private tmpfs): named after the launcher,
    so a later sandbox can tell an orphan (its launcher was SIGKILLed) from a live episode's."""
    path = tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{launcher_pid}-")
    os.chmod(path, 0o711)  # a worker with its own uid may enter, not list
    return path


def sweep_orphan_scratch() -> list[str]:
    """Remove this user's host scratch roots whose launcher is gone; returns what was removed."""
    removed = []
    tmp = tempfile.gettempdir()
    for entry in os.scandir(tmp):
        parts = entry.name[len(SCRATCH_PREFIX) :].split("-", 1)
        if not entry.name.startswith(SCRATCH_PREFIX) or len(parts) != 2 or not parts[0].isdigit():
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid() and _zombie(parts[0]):
            remove_tree(entry.path)
            removed.append(entry.path)
    return removed
