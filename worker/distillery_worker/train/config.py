"""The trainer's configuration: one dataclass whose fields are the CLI flags and the keys of the
resolved ``config.json`` written next to the adapter. Defaults are the paper's (docs/ARCHITECTURE.md §2)."""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass
from typing import Any

from ..contracts import load_contract

# Field names, defaults and help come from the train-config contract (server/contracts/
# train-config.ts); tests/test_contracts.py checks that the fields here are exactly its fields.
_FIELDS: dict[str, dict[str, Any]] = load_contract("train-config")["properties"]
EFFECTIVE_BATCH: int = load_contract("train-config")["effective_batch"]
DEFAULT_LR: dict[str, float] = load_contract("train-config")["default_lr"]
FINETUNE_METHODS: list[str] = _FIELDS["finetune"]["enum"]


def _default(name: str) -> Any:
    return _FIELDS[name]["default"]


@dataclass
class TrainConfig:
    data: str
    out: str
    base: str = _default("base")
    max_steps: int | None = None
    epochs: float = float(_default("epochs"))
    finetune: str = _default("finetune")
    lr: float | None = None  # filled in below: DEFAULT_LR by --finetune
    lora_r: int = _default("lora_r")
    lora_alpha: int = _default("lora_alpha")
    lora_dropout: float = _default("lora_dropout")
    batch_size: int | None = None  # both filled in below: effective batch EFFECTIVE_BATCH
    grad_accum: int | None = None
    max_length: int = _default("max_length")
    lr_scheduler: str = _default("lr_scheduler")
    warmup_steps: int = _default("warmup_steps")
    group_by_length: bool = _default("group_by_length")
    padding_free: bool = _default("padding_free")
    gradient_checkpointing: bool = _default("gradient_checkpointing")
    logging_steps: int = _default("logging_steps")
    save_steps: int = _default("save_steps")
    save_total_limit: int = _default("save_total_limit")
    seed: int = _default("seed")
    resume: bool = _default("resume")

    def __post_init__(self) -> None:
        for name in ("batch_size", "grad_accum", "max_steps"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"--{name.replace('_', '-')} must be at least 1")
        if self.batch_size is None:
            self.batch_size = 2 if self.grad_accum is None else max(1, EFFECTIVE_BATCH // self.grad_accum)
        if self.grad_accum is None:
            self.grad_accum = max(1, EFFECTIVE_BATCH // self.batch_size)
        if self.finetune not in FINETUNE_METHODS:
            raise ValueError(f"--finetune must be one of {', '.join(FINETUNE_METHODS)}")
        if self.lr is None:
            self.lr = DEFAULT_LR[self.finetune]
        if not self.lr > 0:
            raise ValueError("--lr must be positive")
        if self.max_length < 16:
            raise ValueError("--max-length must be at least 16")

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m distillery_worker.train",
        description="SFT (LoRA or full) on assistant turns only; JSON-lines events on stdout, logs on stderr",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    for f in dataclasses.fields(TrainConfig):
        help_text = _FIELDS[f.name]["description"]
        required = f.default is dataclasses.MISSING
        if f.type == "bool":
            parser.add_argument(
                _flag(f.name), action=argparse.BooleanOptionalAction, default=f.default, help=help_text
            )
            continue
        kind = {"int | None": int, "int": int, "float": float, "float | None": float}.get(str(f.type), str)
        default = None if required else f.default
        choices = _FIELDS[f.name].get("enum")
        parser.add_argument(
            _flag(f.name), type=kind, default=default, required=required, choices=choices, help=help_text
        )
    return parser


def parse_config(argv: list[str] | None = None) -> TrainConfig:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return TrainConfig(**vars(args))
    except ValueError as error:
        parser.error(str(error))  # exits 2 with the flag named
        raise
