"""The environment for running ``python -m distillery_worker.…`` in a child process: this
checkout's worker package first on PYTHONPATH, ahead of whatever PYTHONPATH already held (a
machine whose packages live on PYTHONPATH keeps them)."""

from __future__ import annotations

import os
from pathlib import Path

WORKER = Path(__file__).resolve().parents[1]


def worker_env(**extra: str) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(WORKER), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}
