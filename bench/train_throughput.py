"""Training throughput on CPU: our trainer vs a plain TRL SFTTrainer, same model and data.

Both sides train the same base model with the same LoRA (paper defaults: r 64, alpha 128, all
linear layers), batch size, gradient accumulation and max length, for one epoch over the same
samples. They differ only in what our trainer adds: per-message labels (loss on assistant turns)
and length-grouped batches with dynamic padding, vs TRL's defaults (random batches padded to the
longest sample; the stock template; loss on every token). The measure is *real* (non-padding)
training tokens per second, wall clock and per CPU-second of the process (robust to other load
on the machine), plus the padding share of each side's batches.

Data: synthetic CodeAct-shaped trajectories (system, task, 2-4 thought+code / observation
rounds) whose observation lengths vary like real ones (short prints to long retrieval dumps),
seeded; no teacher trajectories are needed.

Usage (model: the embedded student, installed by `python -m distillery_worker.weights ensure`):
    PYTHONPATH=worker .venv/bin/python bench/train_throughput.py [--base student] [--samples 12]
        [--batch-size 2] [--grad-accum 4] [--repeats 1] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import torch
from datasets import Dataset
from distillery_worker.weights import resolve_model
from distillery_worker.train.config import TrainConfig
from distillery_worker.train.trainer import device_and_dtype, prepare
from peft import LoraConfig
from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
from trl import SFTConfig, SFTTrainer

PASSAGE = ("The Danube is Europe's second-longest river, flowing through ten countries from the Black "
           "Forest to the Black Sea; Vienna, Budapest and Belgrade lie on its banks. ")


def trajectories(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    records = []
    for i in range(n):
        messages = [
            {"role": "system", "content": "You are an expert assistant who solves tasks with Python code.",
             "trainable": False},
            {"role": "user", "content": f"Task: question {i}: which capitals lie on the Danube?",
             "trainable": False},
        ]
        for step in range(rng.randint(1, 3)):
            messages.append({"role": "assistant", "trainable": True, "content": (
                f"Thought: step {step}: I search and then count. " + "I check the passages. " * rng.randint(2, 12)
                + f"\nCode:\n```py\nr = web_search('Danube capitals {step}')\nprint(r)\n```<end_code>")})
            # Observations: mostly short prints, sometimes long retrieval results.
            repeats = rng.choice([1, 1, 2, 3, 5, 8, 12])
            messages.append({"role": "user", "content": "Observation:\n" + PASSAGE * repeats, "trainable": False})
        messages.append({"role": "assistant", "trainable": True,
                         "content": "Thought: done.\nCode:\n```py\nfinal_answer('Vienna, Budapest, Belgrade')\n```"})
        records.append({"id": str(i), "messages": messages})
    return records


class Clock(TrainerCallback):
    """Times the training loop only (model loading and data preparation excluded)."""

    def on_train_begin(self, args, state, control, **kwargs):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def on_train_end(self, args, state, control, **kwargs):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def padding_share(trainer) -> tuple[int, int]:
    real = total = 0
    for batch in trainer.get_train_dataloader():
        if "attention_mask" not in batch:  # padding-free: one flattened row per batch, padded by nothing
            real += batch["input_ids"].numel()
            total += batch["input_ids"].numel()
            continue
        real += int(batch["attention_mask"].sum())
        total += batch["attention_mask"].numel()
    return real, total


def measure(trainer, name: str) -> dict:
    clock = Clock()
    trainer.add_callback(clock)
    real, total = padding_share(trainer)
    trainer.train()
    tokens = real  # one epoch: the dataloader's non-padding tokens (the Trainer's own count takes pad-id tokens for padding)
    return {"side": name, "steps": trainer.state.global_step, "real_tokens": tokens,
            "padding_share": round(1 - real / total, 3), "wall_s": round(clock.wall, 2),
            "cpu_s": round(clock.cpu, 2), "tokens_per_s": round(tokens / clock.wall, 1),
            "tokens_per_cpu_s": round(tokens / clock.cpu, 1)}


def ours(args, data: Path, out: Path) -> dict:
    config = TrainConfig(data=str(data), out=str(out), base=args.base, epochs=1, batch_size=args.batch_size,
                         grad_accum=args.grad_accum, max_length=args.max_length, save_steps=10**6,
                         logging_steps=10**6, gradient_checkpointing=args.gradient_checkpointing,
                         padding_free=args.padding_free)
    return measure(prepare(config).trainer, "ours")


def plain_trl(args, records: list[dict], out: Path) -> dict:
    base = resolve_model(args.base)
    tokenizer = AutoTokenizer.from_pretrained(base.path)
    model = AutoModelForCausalLM.from_pretrained(base.path, dtype=torch.float32)
    chats = [{"messages": [{"role": m["role"], "content": m["content"]} for m in r["messages"]]} for r in records]
    config = SFTConfig(output_dir=str(out), num_train_epochs=1, per_device_train_batch_size=args.batch_size,
                       gradient_accumulation_steps=args.grad_accum, max_length=args.max_length,
                       learning_rate=2e-4, use_cpu=True, report_to="none", save_strategy="no",
                       logging_steps=10**6, disable_tqdm=True, include_num_input_tokens_seen="non_padding",
                       gradient_checkpointing=trl_checkpointing(args), seed=42,
                       **({} if args.trl_precision == "default" else {"bf16": device_and_dtype()[2]}))
    lora = LoraConfig(r=64, lora_alpha=128, lora_dropout=0.05, target_modules="all-linear", task_type="CAUSAL_LM")
    trainer = SFTTrainer(model=model, args=config, train_dataset=Dataset.from_list(chats),
                         processing_class=tokenizer, peft_config=lora)
    return measure(trainer, "plain TRL")


def trl_checkpointing(args) -> bool:
    return {"same": args.gradient_checkpointing, "on": True, "off": False}[args.trl_gradient_checkpointing]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="student")
    parser.add_argument("--samples", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument("--grad-accum", type=int, default=4)
    parser.add_argument("--max-length", type=int, default=4096)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--gradient-checkpointing", action=argparse.BooleanOptionalAction, default=True,
                        help="our side's (both trainers default to on)")
    parser.add_argument("--trl-gradient-checkpointing", choices=["same", "on", "off"], default="same",
                        help="TRL's side: same as ours, or on (TRL's default) / off")
    parser.add_argument("--padding-free", action=argparse.BooleanOptionalAction, default=True,
                        help="our side flattens each batch (our default); --no-padding-free measures without it")
    parser.add_argument("--trl-precision", choices=["matched", "default"], default="matched",
                        help="matched: TRL's side autocasts to bf16 exactly when ours does (only where the CPU has "
                             "bf16 instructions); default: TRL's own default, bf16 autocast on any CPU")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json")
    args = parser.parse_args()
    # One thread by default: CPU-seconds then measure work, not OpenMP spinning on a busy machine.
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    records = trajectories(args.samples, seed=0)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "sft.jsonl"
        data.write_text("".join(json.dumps(r) + "\n" for r in records))
        for repeat in range(args.repeats):  # alternate the order so drift in machine load hits both
            out = Path(tmp) / str(repeat)
            sides = [lambda out=out: ours(args, data, out / "ours"),
                     lambda out=out: plain_trl(args, records, out / "trl")]
            for side in sides if repeat % 2 == 0 else sides[::-1]:
                results.append(side())
                print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    best = {side: max((r for r in results if r["side"] == side), key=lambda r: r["tokens_per_cpu_s"])
            for side in ("ours", "plain TRL")}
    summary = {
        "base": args.base, "samples": args.samples, "batch_size": args.batch_size, "grad_accum": args.grad_accum,
        "gradient_checkpointing": args.gradient_checkpointing, "trl_gradient_checkpointing": trl_checkpointing(args),
        "padding_free": args.padding_free, "trl_precision": args.trl_precision, "threads": torch.get_num_threads(), "load_avg": os.getloadavg(), "runs": results, "best": best,
        "ratio_tokens_per_s": round(best["ours"]["tokens_per_s"] / best["plain TRL"]["tokens_per_s"], 2),
        "ratio_tokens_per_cpu_s": round(best["ours"]["tokens_per_cpu_s"] / best["plain TRL"]["tokens_per_cpu_s"], 2),
    }
    print(f"{'side':10} {'real tokens':>11} {'padding':>8} {'wall s':>7} {'tok/s':>8} {'tok/CPU-s':>9}")
    for row in best.values():
        print(f"{row['side']:10} {row['real_tokens']:>11} {row['padding_share']:>8.1%} {row['wall_s']:>7} "
              f"{row['tokens_per_s']:>8} {row['tokens_per_cpu_s']:>9}")
    print(f"ratio ours / plain TRL: {summary['ratio_tokens_per_s']}x tokens/s, "
          f"{summary['ratio_tokens_per_cpu_s']}x tokens/CPU-s")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
