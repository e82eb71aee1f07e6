"""A round's configuration: one dataclass whose fields are the CLI flags."""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass


@dataclass
class RoundConfig:
    episodes: str  # the round's student episodes, an SFT export (train/data.py)
    out: str
    student: str  # the student's base model (name or directory)
    teacher: str  # the teacher model: its tokenizer must be the student's
    teacher_url: str  # the model server that serves the teacher (the contract's scoring primitive)
    teacher_model: str | None = None  # the teacher's served name, when it differs from --teacher
    teacher_system_prompt: str | None = None  # a file: the system prompt the teacher scores under
    adapter: str | None = None  # the previous round's adapter/ to continue from; none: a new LoRA
    lr: float = 1e-4
    epochs: float = 1.0
    max_steps: int | None = None
    grad_accum: int = 4
    lora_r: int = 64
    lora_alpha: int = 128
    max_length: int = 4096
    seed: int = 42

    def __post_init__(self) -> None:
        for name in ("grad_accum", "lora_r", "lora_alpha", "max_steps"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"--{name.replace('_', '-')} must be at least 1")
        if not self.lr > 0 or not self.epochs > 0:
            raise ValueError("--lr and --epochs must be positive")
        if self.max_length < 16:
            raise ValueError("--max-length must be at least 16")


HELP = {
    "episodes": "the round's student episodes (JSON lines: messages with trainable flags)",
    "out": "directory for scores.jsonl, adapter/, merged/ and metrics.json",
    "student": "the student's base model: a registry name or a model directory",
    "teacher": "the teacher model (registry name or directory); its tokenizer must be the student's",
    "teacher_url": "base URL of the model server serving the teacher",
    "teacher_model": "the teacher's name on that server (default: --teacher)",
    "teacher_system_prompt": "a file holding the teacher's own system prompt, put in place of the "
    "student's when the teacher scores (default: the teacher reads the student's)",
    "adapter": "the previous round's adapter directory to continue training",
}


def parse_config(argv: list[str] | None = None) -> RoundConfig:
    parser = argparse.ArgumentParser(
        prog="python -m distillery_worker.distill",
        description="One on-policy distillation round: teacher scores, reverse-KL LoRA update.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    for f in dataclasses.fields(RoundConfig):
        required = f.default is dataclasses.MISSING
        kind = {"int | None": int, "int": int, "float": float}.get(str(f.type), str)
        flag = "--" + f.name.replace("_", "-")
        default = None if required else f.default
        parser.add_argument(flag, type=kind, default=default, required=required, help=HELP.get(f.name))
    args = parser.parse_args(argv)
    try:
        return RoundConfig(**vars(args))
    except ValueError as error:
        parser.error(str(error))  # exits 2 naming the flag
        raise
