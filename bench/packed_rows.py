"""One padding-free row through the whole model, forward and backward, with transformers' sdpa
(masked over the row) and with the trainer's per-sample attention (train/packed_attention.py).
Results: bench/README.md, "Per-sample attention in padding-free rows".

  OMP_NUM_THREADS=1 PYTHONPATH=worker .venv/bin/python bench/packed_rows.py [--base student] [--lengths 900,900]
"""

from __future__ import annotations

import argparse
import time

import torch
from distillery_worker.train.packed_attention import register
from distillery_worker.train.trainer import device_and_dtype
from distillery_worker.weights import resolve_model
from transformers import AutoModelForCausalLM


def seconds_per_row(path, attention: str, lengths: list[int], bf16: bool, repeats: int) -> float:
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32, attn_implementation=attention)
    model.train()
    ids = torch.randint(0, model.config.vocab_size, (1, sum(lengths)), generator=torch.Generator().manual_seed(0))
    positions = torch.cat([torch.arange(n) for n in lengths]).unsqueeze(0)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = model(input_ids=ids, position_ids=positions, labels=ids, use_cache=False).loss
        loss.backward()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="student")
    parser.add_argument("--lengths", default="900,900", help="the samples in the row")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    lengths = [int(n) for n in args.lengths.split(",")]
    path = resolve_model(args.base).path
    bf16 = device_and_dtype()[2]  # the trainer's precision on this CPU
    register()
    print(f"{args.base}, row {'+'.join(map(str, lengths))} tokens, {'bf16 autocast' if bf16 else 'fp32'}, "
          f"{torch.get_num_threads()} thread(s); forward + backward, best of {args.repeats}")
    times = {}
    for attention in ("sdpa", "sdpa_packed"):
        times[attention] = seconds_per_row(path, attention, lengths, bf16, args.repeats)
        print(f"  {attention:12} {times[attention]:.2f} s", flush=True)
    print(f"  per-sample attention: {times['sdpa'] / times['sdpa_packed']:.2f}x")


if __name__ == "__main__":
    main()
