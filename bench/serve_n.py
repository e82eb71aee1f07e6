"""Side-by-side benchmarks for the model side (results: bench/README.md, "Model server and grader").

1. Model server: SAG's 8 candidates as ONE request with n=8 (one prefill, batched decoding) vs
   8 sequential n=1 requests, same prompt, same token count (min_tokens = max_tokens), through
   the real HTTP server. Rounds alternate the two ways so load drift hits both alike.
2. Math grader: answers per second through one long-lived `python -m distillery_worker.grade`
   vs a fresh Python process per answer, on real benchmark golds (half right, half wrong).

Run from the repo root:  .venv/bin/python bench/serve_n.py [--models student,teacher]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PROMPT = "Write a short story about a robot who learns to paint. Use simple words."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def post(url: str, body: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=1800) as response:
        return json.loads(response.read())


@contextlib.contextmanager
def model_server(
    model: str, *args: str, worker: Path = ROOT / "worker"
) -> Iterator[tuple[str, dict[str, Any]]]:
    """A real `python -m distillery_worker.serve` on a free loopback port: (chat URL, its announce).
    ``worker``: whose worker/ serves (bench/baseline.py: the server before vLLM)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "distillery_worker.serve",
        "--model",
        model,
        "--port",
        str(port),
        *args,
    ]
    server = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(worker)},
    )
    try:
        assert server.stdout is not None
        ready = json.loads(server.stdout.readline() or "{}")
        if ready.get("event") != "listening":
            raise SystemExit(
                f"model server for {model} did not start (is it installed?)"
            )
        yield f"http://127.0.0.1:{port}/v1/chat/completions", ready
    finally:
        server.terminate()
        server.wait(timeout=60)


def bench_server(
    model: str, tokens: int, rounds: int, threads: int | None
) -> dict[str, object]:
    with model_server(model, *(["--threads", str(threads)] if threads else [])) as (
        url,
        ready,
    ):
        base = {
            "model": model,
            "messages": [{"role": "user", "content": PROMPT}],
            "temperature": 0.4,
        }
        base |= {"top_p": 0.8, "max_tokens": tokens, "min_tokens": tokens}
        post(url, {**base, "max_tokens": 4, "min_tokens": 0})  # warm-up
        sequential: list[float] = []
        batched: list[float] = []

        def run_sequential() -> None:
            start = time.perf_counter()
            for seed in range(8):
                post(url, {**base, "n": 1, "seed": seed})
            sequential.append(time.perf_counter() - start)

        def run_batched() -> None:
            start = time.perf_counter()
            reply = post(url, {**base, "n": 8, "seed": 0})
            batched.append(time.perf_counter() - start)
            assert reply["usage"]["completion_tokens"] == 8 * tokens  # type: ignore[index]

        for i in range(rounds):
            for run in (
                (run_sequential, run_batched)
                if i % 2 == 0
                else (run_batched, run_sequential)
            ):
                run()
        seq, bat = statistics.median(sequential), statistics.median(batched)
        return {
            "model": ready["models"][0],
            "device": f"{ready['device']} {ready['dtype']}",
            "tokens_per_sample": tokens,
            "sequential_s": seq,
            "batched_s": bat,
            "tok_s_n1": 8 * tokens / seq,
            "tok_s_n8": 8 * tokens / bat,
            "speedup": seq / bat,
        }


def grader_pairs(count: int) -> list[tuple[str, str]]:
    golds: list[str] = []
    for name in (
        "math_500_20250414.json",
        "gsm_hard_500_20250507.json",
        "olymath_200_20250511.json",
    ):
        examples = json.loads((ROOT / "data/benchmarks/math/test" / name).read_text())[
            "examples"
        ]
        golds += [str(e["answer"]) for e in examples[: count // 3 + 1]]
    golds = golds[:count]
    # Even items: the gold itself, boxed in a sentence. Odd items: another question's gold
    # (a wrong answer takes the longest path: numbers, strings, then sympy).
    return [
        (
            f"The final answer is $\\boxed{{{g}}}$."
            if i % 2 == 0
            else golds[(i + 7) % len(golds)],
            g,
        )
        for i, g in enumerate(golds)
    ]


def run_grader(lines: str) -> subprocess.CompletedProcess[str]:
    """One grader process over the given JSON lines, to its end."""
    command = [sys.executable, "-m", "distillery_worker.grade"]
    return subprocess.run(
        command,
        input=lines,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "worker")},
        check=True,
    )


def bench_grader(answers: int, fresh: int) -> dict[str, object]:
    pairs = grader_pairs(answers)
    lines = "".join(
        json.dumps({"id": i, "prediction": p, "gold": g}) + "\n"
        for i, (p, g) in enumerate(pairs)
    )
    start = time.perf_counter()
    result = run_grader(lines)
    long_lived = time.perf_counter() - start
    assert len(result.stdout.splitlines()) == len(pairs)
    start = time.perf_counter()
    for i, (p, g) in enumerate(pairs[:fresh]):
        line = json.dumps({"id": i, "prediction": p, "gold": g}) + "\n"
        run_grader(line)
    per_fresh = (time.perf_counter() - start) / fresh
    return {
        "answers": len(pairs),
        "long_lived_s": long_lived,
        "long_lived_per_s": len(pairs) / long_lived,
        "fresh_answers": fresh,
        "fresh_per_s": 1 / per_fresh,
        "speedup": (len(pairs) / long_lived) * per_fresh,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="student,teacher")
    parser.add_argument("--tokens", type=int, default=32, help="tokens per sample")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--fresh", type=int, default=10)
    parser.add_argument("--skip-server", action="store_true")
    parser.add_argument("--skip-grader", action="store_true")
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start"
    )
    if not args.skip_server:
        print(
            "| model | device | 8 × n=1 (s) | 1 × n=8 (s) | tok/s n=1 | tok/s n=8 | n=8 speed-up |"
        )
        print("|---|---|---|---|---|---|---|")
        for model in args.models.split(","):
            r = bench_server(model, args.tokens, args.rounds, args.threads)
            print(
                f"| {r['model']} | {r['device']} | {r['sequential_s']:.1f} | {r['batched_s']:.1f} "
                f"| {r['tok_s_n1']:.1f} | {r['tok_s_n8']:.1f} | {r['speedup']:.1f}× |",
                flush=True,
            )
    if args.skip_grader:
        return
    g = bench_grader(args.answers, args.fresh)
    print()
    print("| grader | answers | answers/s |")
    print("|---|---|---|")
    print(
        f"| one long-lived process (incl. start-up) | {g['answers']} | {g['long_lived_per_s']:.1f} |"
    )
    print(
        f"| fresh Python per answer | {g['fresh_answers']} | {g['fresh_per_s']:.2f} |"
    )
    print(f"| ratio | | {g['speedup']:.0f}× |")
    print(f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
