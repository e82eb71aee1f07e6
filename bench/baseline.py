"""The embedded server as it was before vLLM replaced it (issue #18): our transformers engine (and
llama.cpp), served from a git worktree of the last commit that had them, so a bench can still put
them side by side with today's server.

The worktree is made once under ~/.cache/distillery/bench-baseline-<commit>/ and runs on this
checkout's venv, which no longer pins the old server's packages: install them once with
  .venv/bin/pip install fastapi==0.142.2 uvicorn==0.54.0        (our engine)
  .venv/bin/pip install xllamacpp==2026.10.11549                (llama.cpp)
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("DISTILLERY_CACHE", Path.home() / ".cache" / "distillery"))
OWN_ENGINE_COMMIT = "42a7949"  # the last commit whose worker/ serves with our engine and llama.cpp
NEEDS = {"transformers": ("fastapi", "uvicorn"), "llama.cpp": ("fastapi", "uvicorn", "xllamacpp")}


def baseline_worker(engine: str, commit: str = OWN_ENGINE_COMMIT) -> Path:
    """worker/ of a worktree at ``commit``, after checking the venv has what ``engine`` needs there."""
    missing = [m for m in NEEDS[engine] if importlib.util.find_spec(m) is None]
    if missing:
        raise SystemExit(f"the {engine} baseline needs {', '.join(missing)}: see bench/baseline.py")
    tree = CACHE / f"bench-baseline-{commit}"
    if not (tree / "worker").is_dir():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit], check=True)
    return tree / "worker"
