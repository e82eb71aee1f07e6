"""PID 1 of an episode's sandbox: the only process that speaks to the host.

It never runs model code. It forks the worker, relays tool calls, drains each worker's
captured output, enforces the hard wall-clock deadline, forks SAG candidates through the
worker and keeps the winner, and kills every stray process after each action.

Host → sandbox (stdin): {op: exec, id, code, timeout} · {op: fork, id, codes, timeout} ·
{op: keep, id, index|null} · {op: tool_result, id, candidate, call, ok, value|error} · {op: close}.
Sandbox → host (stdout): {type: ready, layers, notes, required, uid} · {type: tool_call, id, candidate,
call, name, args, kwargs} · {type: result, id, result | results | error}; or, instead of ready,
{type: refused, missing, layers, notes} when a required isolation layer is off (fail closed:
no code runs unless the host started the sandbox with --allow-unsafe).
"""

from __future__ import annotations

import os
import selectors
import signal
import sys
import time
from typing import Any

from . import procs
from .channel import Channel, ProtocolError
from .isolation import REQUIRED, SCRATCH, Layers, Limits
from .procs import Proc

GRACE_S = 1.5  # after the worker's own timer fires, how long before SIGKILL
CONFINE_TIMEOUT_S = 30  # how long the first worker may take to confine itself and say so


class Supervisor:
    def __init__(
        self,
        layers: Layers,
        limits: Limits,
        uid: int,
        tools: list[str],
        max_output: int,
        allow_unsafe: bool = False,
        launcher_pid: int = 0,
    ):
        self.layers, self.limits, self.uid, self.tools = layers, limits, uid, tools
        self.max_output = max_output
        self.allow_unsafe = allow_unsafe
        self.host = Channel(0, 1)
        self.sel = selectors.DefaultSelector()
        self.sel.register(0, selectors.EVENT_READ, None)
        self.host_scratch = not layers.active.get("filesystem_view")  # else a tmpfs dying with the ns
        self.scratch_root = procs.host_scratch_root(launcher_pid) if self.host_scratch else SCRATCH
        self.current: Proc | None = None
        self.candidates: list[Proc] = []
        self.pending: dict[str, Any] | None = None  # the host op being served
        self.serving: list[Proc] = []  # the processes whose results answer it
        self.exits: dict[int, int] = {}  # wait statuses of reaped children, until looked at

    # -- processes -----------------------------------------------------------------------
    def _watch(self, proc: Proc) -> None:
        self.sel.register(proc.chan.fileno(), selectors.EVENT_READ, (proc, "chan"))
        self.sel.register(proc.out_fd, selectors.EVENT_READ, (proc, "out"))

    def _forget(self, proc: Proc) -> None:
        if not proc.alive:
            return
        proc.alive = False
        for fd in (proc.chan.fileno(), proc.out_fd):
            try:
                self.sel.unregister(fd)
            except (KeyError, ValueError):
                pass
        for kill in (os.killpg, os.kill):  # its group first: what it spawned, even without a PID ns
            if proc.pid <= 1:
                break  # a candidate whose fork was never confirmed: there is no pid to kill
            try:
                kill(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if proc.chan.sock is not None:
            proc.chan.sock.close()
        os.close(proc.out_fd)

    def _start_worker(self, scratch: str | None = None) -> Proc:
        scratch = scratch or procs.new_scratch(self.uid, self.scratch_root)
        proc = procs.spawn_worker(self.layers, self.limits, self.uid, self.tools, scratch)
        self._watch(proc)
        return proc

    def _reap(self) -> None:
        known = {p.pid for p in [self.current, *self.candidates] if p is not None}
        self.exits.update({pid: st for pid, st in procs.reap().items() if pid in known})

    def _sweep(self) -> None:
        """No process outlives the action that started it."""
        keep = {p.pid for p in [self.current, *self.candidates] if p is not None and p.alive}
        if self.layers.active.get("pid_namespace"):
            procs.kill_all_except(keep)
        self._reap()

    # -- output ----------------------------------------------------------------------------
    def _drain(self, proc: Proc) -> None:
        while True:
            try:
                chunk = os.read(proc.out_fd, 1 << 16)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            if not chunk:
                return
            room = self.max_output - len(proc.out)
            proc.out += chunk[: max(room, 0)]
            proc.dropped += max(len(chunk) - max(room, 0), 0)

    def _stdout(self, proc: Proc) -> str:
        self._drain(proc)
        text = proc.out.decode("utf-8", "replace")
        if proc.dropped:
            text += f"\n[... output truncated: {proc.dropped} more bytes not shown ...]"
        proc.out.clear()
        proc.dropped = 0
        return text

    # -- actions ---------------------------------------------------------------------------
    def _begin(self, proc: Proc, action: Any, code: str, timeout: float) -> None:
        self._stdout(proc)  # discard leftovers of earlier actions
        proc.action, proc.result = action, None
        proc.deadline = time.monotonic() + timeout + GRACE_S
        try:
            cpu = self.limits.cpu_seconds or int(timeout) + 5
            proc.chan.send({"op": "exec", "id": action, "code": code, "timeout": timeout, "cpu": cpu})
        except OSError:
            self._died(proc, "the worker had already exited")

    def _finish(self, proc: Proc, result: dict[str, Any]) -> None:
        proc.result = {**procs.clean_result(result), "stdout": self._stdout(proc)}
        proc.action, proc.deadline, proc.paused_at = None, None, None
        self._maybe_reply()

    def _died(self, proc: Proc, why: str) -> None:
        was_busy = proc.action is not None
        stdout = self._stdout(proc)
        self._forget(proc)
        status = self.exits.pop(proc.pid, None)
        if status is None:
            try:  # our own child (a worker) can be waited for; a candidate is the worker's child
                status = os.waitpid(proc.pid, 0)[1]
            except ChildProcessError:
                pass
        if status is not None and os.WIFSIGNALED(status) and os.WTERMSIG(status) != signal.SIGKILL:
            sig = signal.Signals(os.WTERMSIG(status)).name
            why = f"{why} (killed by {sig}{': CPU time limit exceeded' if sig == 'SIGXCPU' else ''})"
        if proc is self.current and not self.candidates:
            self.current = self._start_worker(proc.scratch)
            why += "; the episode's Python state was reset"
        if was_busy:
            kind = "Timeout" if "timeout" in why else "WorkerDied"
            proc.result = {
                "ok": False,
                "value_repr": None,
                "stdout": stdout,
                "error": {"type": kind, "message": why, "traceback": ""},
            }
            proc.action = None
            self._maybe_reply()

    def _maybe_reply(self) -> None:
        op = self.pending
        if op is None or any(p.result is None for p in self.serving):
            return
        results = [p.result for p in self.serving]
        self.pending, self.serving = None, []
        self._sweep()
        if op["op"] == "exec":
            self.host.send({"type": "result", "id": op["id"], "result": results[0]})
        else:
            self.host.send({"type": "result", "id": op["id"], "results": results})

    def _fork(self, op: dict[str, Any]) -> None:
        codes = [str(c) for c in op.get("codes", [])]
        current = self.current
        assert current is not None
        if not 1 <= len(codes) <= 32:
            raise ValueError("fork needs 1 to 32 codes")
        dirs, pairs = [], []
        for _ in codes:
            scratch = procs.new_scratch(self.uid, procs.domain_of(current.scratch))
            procs.copy_tree(current.scratch, scratch, self.uid)
            dirs.append(scratch)
            pairs.append(procs.channel_pair())
        procs.lock_dir(current.scratch)  # stale absolute paths into the parent's dir fail, never leak
        fds = [fd for _, theirs, _, out_w in pairs for fd in (theirs.fileno(), out_w)]
        current.chan.send({"op": "fork", "dirs": dirs}, fds=fds)
        for _, theirs, _, out_w in pairs:
            theirs.close()
            os.close(out_w)
        pids = procs.await_forked(current, len(codes))
        for i, ((mine, _, out_r, _), scratch) in enumerate(zip(pairs, dirs, strict=True)):
            mine.setblocking(False)
            proc = Proc(
                pid=pids[i] if pids else -1,
                chan=Channel.over_socket(mine),
                out_fd=out_r,
                scratch=scratch,
                index=i,
            )
            self.candidates.append(proc)
            self._watch(proc)
        self.pending, self.serving = op, list(self.candidates)
        timeout = float(op.get("timeout", 10))
        for proc, code in zip(self.candidates, codes, strict=True):
            if pids:
                self._begin(proc, op["id"], code, timeout)
            else:
                proc.action = op["id"]
                self._died(proc, "the worker could not fork")

    def _keep(self, index: Any) -> None:
        old = self.current
        assert old is not None
        if index is None:
            for c in self.candidates:
                self._forget(c)
                procs.remove_tree(procs.domain_of(c.scratch))
            procs.unlock_dir(old.scratch, self.uid)
            if old.alive:
                old.chan.send({"op": "reap", "pids": [c.pid for c in self.candidates]})
            self.candidates = []
            if not old.alive:
                self.current = self._start_worker(old.scratch)
        else:
            winner = self.candidates[int(index)]
            if not winner.alive:
                raise ValueError(f"candidate {index} is not alive (it failed or timed out)")
            for proc in [old, *self.candidates]:
                if proc is not winner:
                    self._forget(proc)
                    # The old worker's domain holds the winner's: only its home goes.
                    procs.remove_tree(proc.scratch if proc is old else procs.domain_of(proc.scratch))
            winner.index = None
            self.current, self.candidates = winner, []
        self._sweep()

    # -- host ------------------------------------------------------------------------------
    def _on_host(self, op: dict[str, Any]) -> bool:
        kind = op.get("op")
        if kind == "close":
            return False
        if kind == "tool_result":
            self._on_tool_result(op)
            return True
        try:
            if self.pending is not None:
                raise ValueError("another operation is still running")
            if kind == "exec":
                assert self.current is not None
                if self.candidates:
                    raise ValueError("keep or discard the candidates before the next action")
                self.pending, self.serving = op, [self.current]
                self._begin(self.current, op["id"], str(op.get("code", "")), float(op.get("timeout", 10)))
            elif kind == "fork":
                if self.candidates:
                    raise ValueError("keep or discard the previous candidates first")
                self._fork(op)
            elif kind == "keep":
                self._keep(op.get("index"))
                self.host.send({"type": "result", "id": op.get("id"), "result": {"ok": True}})
            else:
                raise ValueError(f"unknown op {kind!r}")
        except (ValueError, KeyError, IndexError, TypeError, OSError) as err:
            self.host.send({"type": "result", "id": op.get("id"), "error": str(err)})
        return True

    def _on_tool_result(self, op: dict[str, Any]) -> None:
        index = op.get("candidate")
        procs_ = self.candidates if index is not None else [self.current]
        proc = next((p for p in procs_ if p is not None and p.index == index and p.alive), None)
        if proc is None or proc.paused_at is None or proc.deadline is None:
            return
        proc.deadline += time.monotonic() - proc.paused_at
        proc.paused_at = None
        reply = {
            "type": "tool_result",
            "call": op.get("call"),
            "ok": bool(op.get("ok")),
            "value": op.get("value"),
            "error": op.get("error"),
        }
        try:
            proc.chan.send(reply)
        except OSError:
            self._died(proc, "the worker exited during a tool call")

    def _on_worker(self, proc: Proc, msg: dict[str, Any]) -> None:
        kind = msg.get("type")
        if proc.action is None:
            return  # nothing is pending: stray message from code in the worker
        if kind == "result" and msg.get("id") == proc.action and isinstance(msg.get("result"), dict):
            self._finish(proc, msg["result"])
        elif kind == "tool_call" and proc.paused_at is None:
            name = msg.get("name")
            if name not in self.tools:
                proc.chan.send(
                    {
                        "type": "tool_result",
                        "call": msg.get("call"),
                        "ok": False,
                        "error": f"unknown tool {name!r}",
                    }
                )
                return
            proc.paused_at = time.monotonic()
            self.host.send(
                {
                    "type": "tool_call",
                    "id": proc.action,
                    "candidate": proc.index,
                    "call": msg.get("call"),
                    "name": name,
                    "args": msg.get("args") if isinstance(msg.get("args"), list) else [],
                    "kwargs": msg.get("kwargs") if isinstance(msg.get("kwargs"), dict) else {},
                }
            )

    def _on_deadlines(self) -> None:
        now = time.monotonic()
        for proc in [self.current, *self.candidates]:
            if proc is not None and proc.alive and proc.deadline is not None and proc.paused_at is None:
                if now >= proc.deadline:
                    self._died(proc, "action exceeded its wall-clock timeout and was killed")

    def _await_confined(self, proc: Proc) -> None:
        """Merge the layers the first worker applied to itself; none if it died before saying."""
        deadline = time.monotonic() + CONFINE_TIMEOUT_S
        sel = selectors.DefaultSelector()
        sel.register(proc.chan.fileno(), selectors.EVENT_READ)
        msg = None
        try:
            while msg is None and (left := deadline - time.monotonic()) > 0:
                msg = proc.chan.pop()
                if msg is None and sel.select(left) and not proc.chan.fill():
                    break
        except ProtocolError:
            msg = None
        finally:
            sel.close()
        if msg is None or msg.get("type") != "confined" or not isinstance(msg.get("layers"), dict):
            why = self._stdout(proc).strip()[-300:] or "no report"
            self.layers.set("no_capabilities", False, f"the worker failed to confine itself: {why}")
            return
        notes = msg.get("notes")
        notes = notes if isinstance(notes, dict) else {}
        for name, on in msg["layers"].items():
            self.layers.set(str(name), on is True, str(notes.get(name, "")))

    def run(self) -> int:
        """Serve the host until it closes; 3 (and no code run) if a required layer is off."""
        try:
            self.current = self._start_worker()
            self._await_confined(self.current)
            missing = self.layers.missing()
            if missing and not self.allow_unsafe:
                self.host.send(
                    {
                        "type": "refused",
                        "missing": missing,
                        "layers": self.layers.active,
                        "notes": self.layers.notes,
                    }
                )
                return 3
            off = self.layers.off()
            if off:
                details = "; ".join(f"{name}: {self.layers.notes.get(name, 'unavailable')}" for name in off)
                print(
                    f"distillery sandbox: WARNING isolation layers OFF: {details}",
                    file=sys.stderr,
                    flush=True,
                )
            self.host.send(
                {
                    "type": "ready",
                    "layers": self.layers.active,
                    "notes": self.layers.notes,
                    "required": list(REQUIRED),
                    "uid": self.uid,
                }
            )
            self._serve()
            return 0
        finally:
            for proc in [self.current, *self.candidates]:
                if proc is not None:
                    self._forget(proc)
            if self.host_scratch:
                procs.remove_tree(self.scratch_root)

    def _serve(self) -> None:
        while True:
            deadlines = [
                p.deadline
                for p in [self.current, *self.candidates]
                if p is not None and p.deadline is not None and p.paused_at is None
            ]
            wait = max(min(deadlines) - time.monotonic(), 0) if deadlines else 1.0
            for key, _ in self.sel.select(wait):
                if key.data is None:
                    if not self.host.fill():
                        return
                    while (op := self.host.pop()) is not None:
                        if not self._on_host(op):
                            return
                    continue
                proc, what = key.data
                if not proc.alive:
                    continue
                if what == "out":
                    self._drain(proc)
                    continue
                try:
                    alive = proc.chan.fill()
                    while proc.alive and (msg := proc.chan.pop()) is not None:
                        self._on_worker(proc, msg)
                except ProtocolError as err:
                    alive = False
                    self._died(proc, f"protocol violation: {err}")
                if not alive and proc.alive:
                    self._died(proc, "the Python process exited")
            self._on_deadlines()
            self._reap()
