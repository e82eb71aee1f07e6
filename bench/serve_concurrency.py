"""Agent-shaped traffic against the real model server: C episodes in flight, each a few steps whose
prompt is the teacher's system prompt plus the conversation so far (results: bench/README.md,
"Model server under concurrent episodes").

Side by side in one invocation, same requests, same token counts (min_tokens = max_tokens), on
our own transformers engine as it was before vLLM replaced it (bench/baseline.py):
  - serial:  `--max-batch 1 --prefix-cache-tokens 0`, one request at a time, every prompt encoded
             from scratch (the server before continuous batching);
  - batched: the defaults, concurrent requests share each forward pass and reuse prompt prefixes.
`run()` is the traffic itself; bench/serve_engines.py sends it to every engine.

Run from the repo root:  .venv/bin/python bench/serve_concurrency.py [--model teacher] [--episodes 4]
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from pathlib import Path

from baseline import baseline_worker
from serve_n import model_server, post

ROOT = Path(__file__).resolve().parents[1]
SYSTEM = (
    (ROOT / "server/agent/prompts/teacher.md").read_text().replace("{{max_steps}}", "5")
)
QUESTIONS = [
    "Janet has 1234567 ducks and sells 3 of every 7. How many does she keep?",
    "A train covers 987654 km at 123 km/h. How many whole hours does it take?",
    "What is the sum of the digits of 2**100?",
    "Which river flows through the capital of Hungary?",
    "How many primes are below 100000?",
    "Who wrote the novel that the film Blade Runner is based on?",
    "What is 17 factorial divided by 15 factorial?",
    "In which year did the Berlin Wall fall?",
]


def forced_length(tokens: int) -> dict[str, object]:
    """Request fields that make every step exactly `tokens` long on our server (vLLM's min_tokens)."""
    return {"min_tokens": tokens, "stop": ["<end_code>"]}


def episode(
    url: str,
    model: str,
    question: str,
    steps: int,
    tokens: int,
    seed: int,
    forcing: dict[str, object],
    round_: int = 0,
) -> int:
    """One agent-like episode; returns the completion tokens it produced. `forcing` holds the
    request fields that make each step exactly `tokens` long. A later `round_` asks in other words
    and samples with other seeds, so nothing after the system prompt is cached from an earlier one."""
    task = f"Task: {question}" if round_ == 0 else f"Task (round {round_}): {question}"
    messages = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": task},
    ]
    produced = 0
    for step in range(steps):
        body = {
            "model": model,
            "messages": messages,
            "temperature": 0.7,
            "top_p": 0.95,
            "seed": seed + step + 10_000 * round_,
        }
        reply = post(
            url,
            {**body, "max_tokens": tokens, **forcing},
        )
        produced += reply["usage"]["completion_tokens"]  # type: ignore[index]
        text = reply["choices"][0]["message"]["content"]  # type: ignore[index]
        messages += [
            {"role": "assistant", "content": text},
            {"role": "user", "content": f"Observation: {step * 41 + 1}"},
        ]
    return produced


def run(
    url: str,
    model: str,
    episodes: int,
    steps: int,
    tokens: int,
    forcing: dict[str, object] | None = None,
    round_: int = 0,
) -> tuple[float, int]:
    """`episodes` episodes at once: (seconds, completion tokens in all)."""
    produced = [0] * episodes
    fields = forced_length(tokens) if forcing is None else forcing

    def one(i: int) -> None:
        produced[i] = episode(
            url,
            model,
            QUESTIONS[i % len(QUESTIONS)],
            steps,
            tokens,
            seed=100 * i,
            forcing=fields,
            round_=round_,
        )

    start = time.perf_counter()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(episodes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, sum(produced)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="teacher")
    parser.add_argument(
        "--episodes", type=int, default=4, help="episodes in flight at once"
    )
    parser.add_argument("--steps", type=int, default=2)
    parser.add_argument(
        "--tokens", type=int, default=48, help="completion tokens per step"
    )
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    threads = ["--threads", str(args.threads)] if args.threads else []
    ways = {"serial": ["--max-batch", "1", "--prefix-cache-tokens", "0"], "batched": []}
    ours = baseline_worker("transformers")
    print(
        f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start"
    )
    times: dict[str, list[float]] = {way: [] for way in ways}
    tokens: dict[str, int] = {}
    for round_ in range(args.rounds):
        order = list(ways) if round_ % 2 == 0 else list(reversed(ways))
        for way in order:
            with model_server(args.model, *threads, *ways[way], worker=ours) as (url, ready):
                post(
                    url,
                    {
                        "model": args.model,
                        "messages": [{"role": "user", "content": "hi"}],
                        "max_tokens": 2,
                    },
                )
                seconds, tokens[way] = run(
                    url, args.model, args.episodes, args.steps, args.tokens
                )
                times[way].append(seconds)
                print(
                    f"  {way}: {seconds:.1f} s, {tokens[way]} tokens ({ready['models'][0]})",
                    flush=True,
                )
    serial, batched = (
        statistics.median(times["serial"]),
        statistics.median(times["batched"]),
    )
    assert (
        tokens["serial"]
        == tokens["batched"]
        == args.episodes * args.steps * args.tokens
    )
    print(
        "| model | episodes in flight | steps × tokens | serial (s) | batched (s) | speed-up |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    print(
        f"| {args.model} | {args.episodes} | {args.steps} × {args.tokens} | {serial:.1f} | {batched:.1f} "
        f"| {serial / batched:.1f}× |"
    )
    print(f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
