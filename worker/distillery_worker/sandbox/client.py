"""A small synchronous host for the sandbox, in Python: used by tests and bench/.

The product's host is server/tools/sandbox/session.ts; this speaks the same protocol.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

ToolHandler = Callable[[str, list[Any], dict[str, Any], "int | None"], Any]
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class SandboxRefused(RuntimeError):
    """The sandbox could not set up a required isolation layer and ran nothing (fail closed)."""

    def __init__(self, missing: list[str], notes: dict[str, str]):
        self.missing = missing
        super().__init__(f"sandbox refused to start; missing: {', '.join(missing)} ({notes})")


class Episode:
    def __init__(
        self,
        tools: dict[str, Callable[..., Any]] | None = None,
        env: dict[str, str] | None = None,
        **flags: Any,
    ):
        self.tools = tools or {}
        args = [sys.executable, "-m", "distillery_worker.sandbox", "--tools", ",".join(self.tools)]
        for key, value in flags.items():
            flag = f"--{key.replace('_', '-')}"
            if value is True or value is False:
                args += [flag] if value else []
            else:
                args += [flag, str(value)]
        # `env` adds variables (tests pass secrets to check that the launcher scrubs them).
        full_env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": PACKAGE_ROOT, **(env or {})}
        self.proc = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env
        )
        self.next_id = 0
        ready = self._read()
        if ready.get("type") == "refused":
            self.close()
            raise SandboxRefused(ready.get("missing", []), ready.get("notes", {}))
        if ready.get("type") != "ready":
            raise RuntimeError(f"sandbox did not start: {ready}")
        self.layers: dict[str, bool] = ready["layers"]
        self.uid: int = ready["uid"]

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.stderr.read().decode() if self.proc.stderr else ""
            raise RuntimeError(f"sandbox exited: {err[-2000:]}")
        return json.loads(line)

    def _write(self, msg: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(msg) + "\n").encode())
        self.proc.stdin.flush()

    def request(self, op: dict[str, Any]) -> dict[str, Any]:
        self.next_id += 1
        self._write({**op, "id": self.next_id})
        while True:
            msg = self._read()
            if msg.get("type") == "tool_call":
                self._answer(msg)
            elif msg.get("type") == "result" and msg.get("id") == self.next_id:
                return msg

    def _answer(self, msg: dict[str, Any]) -> None:
        reply = {"op": "tool_result", "id": msg["id"], "candidate": msg.get("candidate"), "call": msg["call"]}
        try:
            reply["value"] = self.tools[msg["name"]](*msg["args"], **msg["kwargs"])
            reply["ok"] = True
        except Exception as err:  # noqa: BLE001 — a failing tool is reported to the code
            reply.update(ok=False, error=str(err))
        self._write(reply)

    def exec(self, code: str, timeout: float = 10) -> dict[str, Any]:
        return self.request({"op": "exec", "code": code, "timeout": timeout})["result"]

    def fork(self, codes: list[str], timeout: float = 10) -> list[dict[str, Any]]:
        return self.request({"op": "fork", "codes": codes, "timeout": timeout})["results"]

    def keep(self, index: int | None) -> dict[str, Any]:
        return self.request({"op": "keep", "index": index})

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self._write({"op": "close"})
                self.proc.stdin.close()  # type: ignore[union-attr]
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()

    def __enter__(self) -> Episode:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
