"""Checks that need no ML library, run before torch/transformers are imported so bad input
fails in a fraction of a second: the data file, the base model name and the output directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..weights import ModelNotFound, ResolvedModel, resolve_model
from .config import TrainConfig
from .data import DataError, Sample, read_samples

CHECKPOINT_PREFIX = "checkpoint-"  # transformers' PREFIX_CHECKPOINT_DIR + "-"


@dataclass(frozen=True)
class Checked:
    samples: list[Sample]
    base: ResolvedModel
    out: Path
    resume_from: Path | None


def latest_checkpoint(out: Path) -> Path | None:
    """The newest *complete* checkpoint: trainer_state.json is the last file a save writes, so a
    checkpoint killed mid-save is skipped."""
    if not out.is_dir():
        return None
    complete = [
        p
        for p in out.glob(f"{CHECKPOINT_PREFIX}*")
        if p.name.removeprefix(CHECKPOINT_PREFIX).isdigit() and (p / "trainer_state.json").is_file()
    ]
    return max(complete, key=lambda p: int(p.name.removeprefix(CHECKPOINT_PREFIX)), default=None)


def preflight(config: TrainConfig) -> Checked:
    out = Path(config.out).resolve()
    resume_from = latest_checkpoint(out)
    if resume_from is not None and not config.resume:
        raise DataError(f"--out {out} already holds checkpoints; pass --resume or choose another directory")
    samples = read_samples(config.data)
    try:
        base = resolve_model(config.base)
    except ModelNotFound as error:
        raise DataError(f"--base: {error}") from None
    return Checked(samples, base, out, resume_from)
