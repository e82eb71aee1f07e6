"""The interpreter inside a worker: runs one action at a time in a namespace that persists.

Runs as the episode's unprivileged uid. fd 1 and fd 2 are the write end of a pipe that the
supervisor drains into the action's ``stdout`` (so ``print``, ``os.write(1, ...)`` and output
of C code or child processes all land there, never in a protocol message); fd 0 is /dev/null.
The channel to the supervisor is a socket this process holds: code could write to it, but that
only lets it choose its own action's result, which it can already do by printing, raising or
calling ``final_answer`` (what it prints after a forged early result may land in its next
action's stdout); the supervisor fills ``stdout`` itself and answers only the pending action.
"""

from __future__ import annotations

import ast
import builtins
import io
import json
import linecache
import os
import signal
import socket
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable
from typing import Any, cast

from .channel import Channel
from .isolation import set_cpu_budget

MAX_REPR = 10_000


class FinalAnswer(BaseException):
    """Raised by final_answer() to end the action (a BaseException, so `except Exception` won't eat it)."""


class ActionTimeout(BaseException):
    pass


class ToolError(Exception):
    pass


for _cls in (FinalAnswer, ActionTimeout, ToolError):
    _cls.__module__ = "builtins"  # tracebacks say "ActionTimeout: …", not the runtime's module path


def _cap(text: str, limit: int = MAX_REPR) -> str:
    return text if len(text) <= limit else text[:limit] + f"... [{len(text) - limit} more characters]"


# The largest integer a JSON reader that holds numbers as doubles (JavaScript's) reads exactly.
MAX_EXACT_INT = 2**53


def _exact(value: Any) -> Any:
    """Integers beyond MAX_EXACT_INT as their digits, at any depth: the workbench reads the answer
    with JSON.parse, which rounded -70644703599055556 to -70644703599055550."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_EXACT_INT:
        return str(value)
    if isinstance(value, list | tuple):
        return [_exact(item) for item in value]
    if isinstance(value, dict):
        return {key: _exact(item) for key, item in value.items()}
    return value


def jsonable(value: Any) -> Any:
    """What crosses the channel for a final answer: JSON as is (integers too large for a double as
    text), anything else as str()."""
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        value = value.item()
    value = _exact(value)
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return _cap(str(value))
    return value if len(text) <= MAX_REPR else _cap(str(value))


class ToolShadowing(Exception):
    """Model code that would rebind a tool's name (``def final_answer``, ``web_search = …``)."""


def _rebound_names(tree: ast.AST) -> set[str]:
    """Names the code binds at any level: assignments, defs, classes, imports, loop and with
    targets, walrus, except-as, ``global`` declarations, deletions."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            bound.update(node.names)
    return bound


def _error(exc: BaseException, tb: Any) -> dict[str, str]:
    report = traceback.TracebackException(type(exc), exc, tb)
    # Hide the runtime's own frames (exec, the timer's handler): the model should see only its code.
    report.stack = traceback.StackSummary.from_list([f for f in report.stack if f.filename != __file__])
    message, text = _cap(str(exc), 2000), _cap("".join(report.format()), 8000)
    return {"type": type(exc).__name__, "message": message, "traceback": text}


def _reap_children() -> None:
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


class Worker:
    def __init__(
        self, chan: Channel, tools: list[str], confine_candidate: Callable[[str], None] | None = None
    ):
        self.chan = chan
        self.confine_candidate = confine_candidate  # narrows a SAG candidate to its own scratch
        self.pid = os.getpid()
        self.forking_candidates = False
        os.register_at_fork(after_in_child=self._after_fork_in_child)
        self.lock = threading.Lock()
        self.actions = 0
        self.calls = 0
        self.final: list[Any] = []
        self.capture_fd = os.dup(1)  # a spare end of the capture pipe, to repair fd 1/2 if code closes them
        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
        self.tools: dict[str, Callable[..., Any]] = {"final_answer": self._final_answer}
        self.tools.update({name: self._tool(name) for name in tools})
        self._fresh_streams()

    def _bind_tools(self, tree: ast.AST) -> None:
        """Refuse code that rebinds a tool's name, and bind the tools afresh before each action,
        so whatever an earlier action did to the namespace (``globals()['final_answer'] = …``)
        cannot stand in for a tool: a model that defines its own final_answer would otherwise
        "answer" without the episode ever ending."""
        shadowed = sorted(_rebound_names(tree) & self.tools.keys())
        if shadowed:
            what = f"{' and '.join(shadowed)} {'is a tool' if len(shadowed) == 1 else 'are tools'}"
            raise ToolShadowing(f"{what} of this environment and cannot be redefined; call it instead")
        self.namespace.update(self.tools)

    def _after_fork_in_child(self) -> None:
        """A process forked by model code never speaks for the worker: it loses the channel."""
        if self.forking_candidates:
            return
        if self.chan.sock is not None:
            self.chan.sock.close()

    def _fresh_streams(self) -> None:
        for fd in (1, 2):
            try:
                same = os.path.sameopenfile(fd, self.capture_fd)
            except OSError:
                same = False
            if not same:
                os.dup2(self.capture_fd, fd)
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), "utf-8", "backslashreplace")
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), "utf-8", "backslashreplace")
        sys.stdout.reconfigure(line_buffering=True)
        sys.stderr.reconfigure(line_buffering=True)

    def _final_answer(self, answer: Any) -> None:
        self.final.append(jsonable(answer))
        raise FinalAnswer()

    def _tool(self, name: str):
        def call(*args: Any, **kwargs: Any) -> Any:
            with self.lock:
                remaining, _ = signal.setitimer(signal.ITIMER_REAL, 0)  # host time doesn't count
                try:
                    self.calls += 1
                    self.chan.send(
                        {
                            "type": "tool_call",
                            "call": self.calls,
                            "name": name,
                            "args": list(args),
                            "kwargs": kwargs,
                        }
                    )
                    reply = self.chan.recv()
                    while reply is not None and reply.get("call") != self.calls:
                        reply = self.chan.recv()  # a stale reply (e.g. to a call code forged): skip it
                finally:
                    if remaining > 0:
                        signal.setitimer(signal.ITIMER_REAL, remaining)
            if reply is None:
                os._exit(3)
            if not reply.get("ok"):
                raise ToolError(f"{name}: {reply.get('error', 'tool failed')}")
            return reply.get("value")

        call.__name__ = call.__qualname__ = name
        return call

    def run(self, code: str, timeout: float) -> dict[str, Any]:
        _reap_children()  # earlier actions' children were killed by the supervisor's sweep
        self.actions += 1
        self.final = []
        filename = f"<action {self.actions}>"
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        result: dict[str, Any] = {"ok": True, "value_repr": None}

        def on_alarm(_sig: int, _frame: Any) -> None:
            raise ActionTimeout(f"action exceeded its {timeout:g} s wall-clock timeout")

        try:
            tree = ast.parse(code, filename, "exec")
            self._bind_tools(tree)
            assigned = _assigned_name(tree.body[-1]) if tree.body else None
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            body = compile(tree, filename, "exec")
            tail = compile(ast.Expression(cast(ast.Expr, last).value), filename, "eval") if last else None
            signal.signal(signal.SIGALRM, on_alarm)
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                exec(body, self.namespace)
                if tail is not None:
                    value = eval(tail, self.namespace)
                    if value is not None:
                        result["value_repr"] = _cap(repr(value))
                elif assigned is not None and assigned in self.namespace:
                    result["assigned"] = f"{assigned} = {_cap(repr(self.namespace[assigned]))}"
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except FinalAnswer:
            pass
        except BaseException as exc:  # noqa: BLE001 — any failure of model code is data
            result = {"ok": False, "value_repr": None, "error": _error(exc, exc.__traceback__)}
        if os.getpid() != self.pid:  # a child that model code forked has finished its copy of the action
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
            os._exit(0 if result["ok"] else 1)
        if self.final:
            result["final_answer"] = self.final[-1]
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        self._fresh_streams()
        return result

    def fork(self, dirs: list[str]) -> bool:
        """Fork one child per candidate dir; True in a child (which now serves its own channel)."""
        fds = self.chan.take_fds(2 * len(dirs))
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        pids = []
        self.forking_candidates = True
        for i, scratch in enumerate(dirs):
            pid = os.fork()
            if pid == 0:
                self.forking_candidates = False
                self.pid = os.getpid()
                os.setpgid(0, 0)  # its own group, so killing the old worker's group spares it
                sock_fd, out_fd = fds[2 * i], fds[2 * i + 1]
                os.dup2(out_fd, self.capture_fd)
                for fd in fds:
                    if fd != sock_fd:
                        os.close(fd)
                assert self.chan.sock is not None
                self.chan.sock.close()
                self.chan = Channel.over_socket(socket.socket(fileno=sock_fd))
                self._fresh_streams()
                os.chdir(scratch)
                if self.confine_candidate is not None:
                    try:
                        self.confine_candidate(scratch)
                    except BaseException:  # noqa: BLE001 — never run a candidate less confined
                        os._exit(70)
                os.environ.update(HOME=scratch, TMPDIR=scratch)
                tempfile.tempdir = None
                return True
            pids.append(pid)
        self.forking_candidates = False
        for fd in fds:
            os.close(fd)
        self.chan.send({"type": "forked", "pids": pids})
        return False

    def serve(self) -> None:
        while True:
            msg = self.chan.recv()
            if msg is None:
                os._exit(0)
            op = msg.get("op")
            if op == "exec":
                set_cpu_budget(int(msg.get("cpu", 15)))
                result = self.run(str(msg.get("code", "")), float(msg.get("timeout", 10)))
                self.chan.send({"type": "result", "id": msg.get("id"), "result": result})
            elif op == "fork":
                self.fork([str(d) for d in msg.get("dirs", [])])
            elif op == "reap":
                for pid in msg.get("pids", []):
                    try:
                        os.waitpid(int(pid), 0)
                    except ChildProcessError:
                        pass


def _assigned_name(statement: ast.stmt) -> str | None:
    """The variable a final ``name = …`` (or ``name += …``, ``name: T = …``) statement sets: when an
    action prints nothing, its value is the observation's hint (models often forget to print)."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target: ast.expr = statement.targets[0]
    elif isinstance(statement, ast.AugAssign | ast.AnnAssign):
        target = statement.target
    else:
        return None
    return target.id if isinstance(target, ast.Name) else None
