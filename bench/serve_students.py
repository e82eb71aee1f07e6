"""How a trained student is best served on vLLM: the base model with its LoRA adapter by name vs
the adapter merged into the base (what the trainer writes as merged/), side by side in one run
(results: worker/README.md, "Trained students are served merged"; bench/README.md, "Engines").

A rank-64 all-linear adapter (the trainer's default shape) with small random B matrices stands in
for a trained one: speed depends on its shape, not its values. Two servers, one after the other:
base + adapter (the base measured there too), then the merged directory. Eager vLLM (both alike).

Run from the repo root (about 4 minutes for the student on 2 cores):
  .venv/bin/python bench/serve_students.py [--model student]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import torch
from serve_engines import agent_throughput, decode_rate
from serve_n import ROOT, model_server


def make_student(model: str) -> tuple[Path, Path]:
    """(adapter dir, merged dir) for ``model``, made once under the cache's bench-students/."""
    import sys

    sys.path.insert(0, str(ROOT / "worker"))
    from distillery_worker.weights import cache_dir, resolve_model

    out = cache_dir().parent / "bench-students" / model
    adapter, merged = out / "adapter", out / "merged"
    if (merged / "config.json").is_file():
        return adapter, merged
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    base = resolve_model(model).path
    torch.manual_seed(0)
    lora = LoraConfig(r=64, lora_alpha=128, target_modules="all-linear", task_type="CAUSAL_LM")
    peft = get_peft_model(AutoModelForCausalLM.from_pretrained(base, dtype=torch.bfloat16), lora)
    with torch.no_grad():
        for name, param in peft.named_parameters():
            if "lora_B" in name:
                param.normal_(0, 1e-3)
    peft.save_pretrained(adapter)
    peft.merge_and_unload().save_pretrained(merged)
    AutoTokenizer.from_pretrained(base).save_pretrained(merged)
    return adapter, merged


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="student")
    parser.add_argument("--episodes", type=int, default=16)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start", flush=True)
    adapter, merged = make_student(args.model)
    rows = []
    servers = [  # (model, its flags, the names measured on it)
        (args.model, ["--adapter", f"tuned={adapter}"], [args.model, "tuned"]),
        (str(merged), ["--name", "merged"], ["merged"]),
    ]
    for model, flags, names in servers:
        with model_server(model, *flags, "--context", "4096", "--eager") as (url, _):
            for name in names:
                decode = decode_rate(url, name)
                throughput = agent_throughput(url, name, args.episodes, 2, 48)
                rows.append((name, decode, throughput))
                print(f"  {name}: decode {decode:.2f} tok/s, {args.episodes} episodes {throughput:.2f} tok/s")
    print(f"\n| served as | decode, 1 sequence (tok/s) | {args.episodes} episodes (tok/s) |\n|---|---:|---:|")
    for name, decode, throughput in rows:
        print(f"| {name} | {decode:.2f} | {throughput:.2f} |")
    print(f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
