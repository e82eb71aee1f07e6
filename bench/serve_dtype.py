"""The embedded server's dtype on this CPU, bf16 vs float32 side by side (results: bench/README.md,
"Engines", "On a CPU without native bf16").

For each dtype, one launcher start (eager), then: the first token of a request whose prompt (the
teacher's system prompt, made unique, and a question) shares nothing with an earlier one; and one
sequence's decode rate (65 tokens minus the time of 1). The launcher picks float32 by itself on a
CPU without native bf16 (serve/vllm.py, cpu_has_native_bf16); this measures why.

  .venv/bin/python bench/serve_dtype.py --model teacher      # about 8 minutes on 2 AVX2 cores
"""

from __future__ import annotations

import argparse
import os
import time
import uuid

from serve_concurrency import SYSTEM
from serve_n import model_server, post


def timed(url: str, body: dict[str, object]) -> tuple[float, dict[str, object]]:
    start = time.perf_counter()
    reply = post(url, body)
    return time.perf_counter() - start, reply


def measure(model: str, dtype: str) -> str:
    start = time.perf_counter()
    with model_server(model, "--eager", "--dtype", dtype) as (url, ready):
        ready_s = time.perf_counter() - start
        name = str(ready["models"][0])  # type: ignore[index]
        fresh = [
            {"role": "system", "content": f"[{uuid.uuid4()}] {SYSTEM}"},
            {"role": "user", "content": "What is 12345 * 6789?"},
        ]
        first, reply = timed(url, {"model": name, "messages": fresh, "max_tokens": 1, "temperature": 0})
        prompt_tokens = reply["usage"]["prompt_tokens"]  # type: ignore[index]
        count = [{"role": "user", "content": "Count from 1 to 500."}]
        greedy = {"model": name, "messages": count, "temperature": 0, "ignore_eos": True}
        long, _ = timed(url, {**greedy, "max_tokens": 65})
        one, _ = timed(url, {**greedy, "max_tokens": 1})
    decode = 64 / (long - one)
    return f"| {dtype} | {ready_s:.0f} s | {first:.1f} s ({prompt_tokens} tokens) | {decode:.2f} tok/s |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="teacher")
    parser.add_argument("--dtypes", default="bfloat16,float32")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start", flush=True)
    print("| dtype | start to ready | first token, uncached | decode, 1 sequence |\n|---|---:|---:|---:|")
    for dtype in args.dtypes.split(","):
        print(measure(args.model, dtype), flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
