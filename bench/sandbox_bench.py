"""Sandbox benchmarks, each a ratio against a baseline run side by side on the same machine.

    PYTHONPATH=worker .venv/bin/python bench/sandbox_bench.py \
        [--smolagents-python /tmp/bench-smolagents-venv/bin/python] [--json bench/results/sandbox.json]

1. latency of a small action on a warm episode vs a fresh `python3 -c` process per action
   (and vs a fresh sandbox per action, for reference);
2. a loop-heavy action in the sandbox (CPython speed) vs smolagents' LocalPythonExecutor
   (an AST-walking interpreter), when --smolagents-python points at a venv that has it;
3. 8 SAG candidates forked from an episode holding 100 MB of state vs 8 sequential actions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from distillery_worker.sandbox.client import Episode

SMALL = "x = sum(i * i for i in range(100))\nprint(x)"
LOOPY = "total = 0\nfor i in range(300_000):\n    if i % 3 == 0:\n        total += i * i % 7\ntotal"
STATE = "import numpy as np\nstate = np.ones((100 << 20) // 8)\nstate.nbytes"
CANDIDATE = "s = float(state[:1000].sum())\nprint(s)"


def timed(fn, repeats: int) -> float:
    """Median seconds of `repeats` calls."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench_latency(n: int) -> dict[str, float]:
    with Episode() as ep:
        ep.exec(SMALL)
        warm = timed(lambda: ep.exec(SMALL), n)
    fresh = timed(lambda: subprocess.run([sys.executable, "-c", SMALL], check=True, capture_output=True), n // 4)

    def fresh_sandbox() -> None:
        with Episode() as e:
            e.exec(SMALL)

    sandbox_each = timed(fresh_sandbox, max(n // 20, 3))
    return {"warm_episode_s": warm, "fresh_python_s": fresh, "fresh_sandbox_s": sandbox_each}


def bench_loop(smolagents_python: str | None, repeats: int) -> dict[str, float | None]:
    with Episode() as ep:
        assert ep.exec(LOOPY)["ok"]
        ours = timed(lambda: ep.exec(LOOPY), repeats)
        expected = ep.exec(LOOPY)["value_repr"]
    theirs = None
    if smolagents_python:
        proc = subprocess.run([smolagents_python, "bench/sandbox_smolagents.py", str(repeats)], input=LOOPY,
                              capture_output=True, text=True, check=True)
        report = json.loads(proc.stdout)
        assert report["output"] == expected, (report["output"], expected)
        theirs = statistics.median(report["seconds"])
    return {"sandbox_s": ours, "smolagents_s": theirs}


def bench_fork(repeats: int) -> dict[str, float]:
    with Episode(memory_mb=2048) as ep:
        assert ep.exec(STATE)["ok"]

        def fork_round() -> None:
            results = ep.fork([CANDIDATE] * 8)
            assert all(r["ok"] for r in results), results
            ep.keep(3)

        def sequential_round() -> None:
            for _ in range(8):
                assert ep.exec(CANDIDATE)["ok"]

        fork = timed(fork_round, repeats)
        sequential = timed(sequential_round, repeats)

    def rebuild_round() -> None:  # isolation without fork: a fresh sandbox per candidate, state rebuilt
        for _ in range(8):
            with Episode(memory_mb=2048) as fresh:
                fresh.exec(STATE)
                fresh.exec(CANDIDATE)

    rebuild = timed(rebuild_round, max(repeats // 2, 1))
    return {"fork_8_and_keep_s": fork, "sequential_8_s": sequential, "rebuild_8_s": rebuild}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smolagents-python", help="python of a throwaway venv with smolagents installed")
    parser.add_argument("--json", help="also write the numbers to this file")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    report = {
        "latency": bench_latency(200),
        "loop": bench_loop(args.smolagents_python, args.repeats),
        "fork": bench_fork(args.repeats),
    }
    lat, loop, fork = report["latency"], report["loop"], report["fork"]
    rows = [
        ("small action: warm episode vs fresh python3 -c", lat["warm_episode_s"], lat["fresh_python_s"]),
        ("small action: warm episode vs fresh sandbox", lat["warm_episode_s"], lat["fresh_sandbox_s"]),
        ("loop-heavy action: sandbox vs smolagents LocalPythonExecutor", loop["sandbox_s"], loop["smolagents_s"]),
        ("8 candidates on 100 MB state: fork+keep vs 8 sequential actions (shared state, no isolation)",
         fork["fork_8_and_keep_s"], fork["sequential_8_s"]),
        ("8 candidates on 100 MB state: fork+keep vs 8 fresh sandboxes rebuilding the state",
         fork["fork_8_and_keep_s"], fork["rebuild_8_s"]),
    ]
    print("| comparison | ours (ms) | baseline (ms) | baseline / ours |")
    print("|---|---:|---:|---:|")
    for name, ours, base in rows:
        ratio = f"{base / ours:.1f}×" if base else "n/a"
        print(f"| {name} | {ours * 1000:.2f} | {base * 1000 if base else float('nan'):.2f} | {ratio} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
