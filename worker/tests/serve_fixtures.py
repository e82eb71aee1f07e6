"""The embedded model server started as the workbench starts it (``python -m
distillery_worker.serve``, vLLM from its venv), for the tests that talk to it over HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from typing import Any

import pytest
from worker_env import worker_env

from distillery_worker.serve import vllm


def require_vllm() -> None:
    """Skip, saying why, where vLLM is not installed; in CI (which installs it) fail instead."""
    try:
        vllm.vllm_python()
    except vllm.VllmUnavailable as err:
        if os.environ.get("CI"):
            pytest.fail(f"CI installs vLLM (scripts/setup.sh): {err}")
        pytest.skip(str(err))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(model: str, *flags: str) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    """The server for ``model`` on a free loopback port, once it has announced itself: (process,
    its ``listening`` event). The caller stops the process; if this test process dies first (a
    timeout, a kill), the closed stdin stops the server and its engine."""
    require_vllm()
    command = [sys.executable, "-m", "distillery_worker.serve", "--model", model, "--port", str(free_port())]
    process = subprocess.Popen(
        [*command, "--exit-with-stdin", *flags],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=worker_env(),
    )
    assert process.stdout is not None
    ready = json.loads(process.stdout.readline() or b"{}")
    if ready.get("event") != "listening":
        process.kill()
        pytest.fail(f"the model server did not start (exit {process.wait()})")
    return process, ready
