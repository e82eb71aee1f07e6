"""Baseline for bench/sandbox_bench.py: time one action in smolagents' LocalPythonExecutor.

Runs in a throwaway venv (smolagents is never a project dependency):
    python3 -m venv /tmp/bench-smolagents-venv
    /tmp/bench-smolagents-venv/bin/pip install smolagents==1.26.0
Prints {"seconds": [...], "output": ...} as JSON for the code read from stdin.
"""

import json
import sys
import time

from smolagents.local_python_executor import LocalPythonExecutor


def main() -> None:
    code = sys.stdin.read()
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    seconds, output = [], None
    for _ in range(repeats):
        executor = LocalPythonExecutor(additional_authorized_imports=[])
        executor.send_tools({})
        start = time.perf_counter()
        output = executor(code).output
        seconds.append(time.perf_counter() - start)
    print(json.dumps({"seconds": seconds, "output": repr(output)}))


if __name__ == "__main__":
    main()
