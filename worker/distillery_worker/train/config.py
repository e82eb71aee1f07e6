"""The trainer's configuration: one dataclass whose fields are the CLI flags and the keys of the
resolved ``config.json`` written next to the adapter. Defaults are the paper's (DESIGN.md §1)."""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass, field
from typing import Any

EFFECTIVE_BATCH = 8


@dataclass
class TrainConfig:
    data: str = field(metadata={"help": "SFT export, JSON lines (DESIGN.md §5.5)"})
    out: str = field(metadata={"help": "output directory: checkpoints, adapter/, config.json, metrics.json"})
    base: str = field(default="student", metadata={"help": "student | teacher | registry id | model dir"})
    max_steps: int | None = field(default=None, metadata={"help": "stop after N optimizer steps"})
    epochs: float = field(default=2.0, metadata={"help": "ignored when --max-steps is set"})
    lr: float = 2e-4
    lora_r: int = 64
    lora_alpha: int = 128
    lora_dropout: float = 0.05
    batch_size: int | None = field(default=None, metadata={"help": "per device; default 2 (or 8/G)"})
    grad_accum: int | None = field(default=None, metadata={"help": "default 8/B (effective batch 8)"})
    max_length: int = field(default=10240, metadata={"help": "tokens; 4096 for CoT datasets"})
    lr_scheduler: str = "linear"
    warmup_steps: int = 0
    group_by_length: bool = field(
        default=True, metadata={"help": "batch samples of similar length (less padding)"}
    )
    gradient_checkpointing: bool = field(
        default=True, metadata={"help": "recompute activations in backward (TRL's default; long samples)"}
    )
    logging_steps: int = 1
    save_steps: int = 50
    save_total_limit: int = 2
    seed: int = 42
    resume: bool = field(default=False, metadata={"help": "continue from the latest checkpoint in --out"})

    def __post_init__(self) -> None:
        for name in ("batch_size", "grad_accum", "max_steps"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"--{name.replace('_', '-')} must be at least 1")
        if self.batch_size is None and self.grad_accum is None:
            self.batch_size = 2
        if self.batch_size is None:
            self.batch_size = max(1, EFFECTIVE_BATCH // self.grad_accum)
        if self.grad_accum is None:
            self.grad_accum = max(1, EFFECTIVE_BATCH // self.batch_size)
        if self.max_length < 16:
            raise ValueError("--max-length must be at least 16")

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m distillery_worker.train",
        description="LoRA SFT on assistant turns only; JSON-lines progress on stdout, logs on stderr.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    for f in dataclasses.fields(TrainConfig):
        help_text = f.metadata.get("help", " ")
        required = f.default is dataclasses.MISSING
        if f.type == "bool":
            parser.add_argument(
                _flag(f.name), action=argparse.BooleanOptionalAction, default=f.default, help=help_text
            )
            continue
        kind = {"int | None": int, "int": int, "float": float}.get(str(f.type), str)
        default = None if required else f.default
        parser.add_argument(_flag(f.name), type=kind, default=default, required=required, help=help_text)
    return parser


def parse_config(argv: list[str] | None = None) -> TrainConfig:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return TrainConfig(**vars(args))
    except ValueError as error:
        parser.error(str(error))  # exits 2 with the flag named
        raise
