"""Padding-free batches (the trainer's default): TRL's collator concatenates a batch into one row
with per-sample position_ids and no attention mask, and transformers must then keep attention
inside each sample. If it did not, a flattened batch would let one sample attend to the one before
it and the loss would differ from the padded batch's; these tests fail in that case."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import torch
from train_fixtures import agent_record, write_jsonl

from distillery_worker.train.config import TrainConfig
from distillery_worker.train.trainer import prepare
from distillery_worker.weights.tiny import build_tiny_model


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    records = [agent_record(i, observation_repeat=1 + i % 5) for i in range(6)]
    return write_jsonl(tmp_path_factory.mktemp("data") / "sft.jsonl", records)


def _prepared(tiny: Path, data: Path, out: Path, padding_free: bool):
    config = TrainConfig(
        data=str(data),
        out=str(out),
        base=str(tiny),
        max_steps=1,
        lora_r=4,
        lora_alpha=8,
        batch_size=3,
        grad_accum=1,
        max_length=256,
        padding_free=padding_free,
    )
    return prepare(config).trainer


def test_batches_are_one_row_whose_positions_restart_at_each_sample(tiny, data, tmp_path):
    trainer = _prepared(tiny, data, tmp_path / "run", padding_free=True)
    batch = next(iter(trainer.get_train_dataloader()))
    assert "attention_mask" not in batch
    assert batch["input_ids"].shape[0] == 1
    starts = (batch["position_ids"][0] == 0).nonzero().flatten().tolist()
    assert len(starts) == 3 and starts[0] == 0  # three samples, each from position 0
    # The first token of each sample is never a target (it would be predicted from the sample before).
    assert all(batch["labels"][0, s] == -100 for s in starts)


def test_flattened_loss_equals_padded_loss(tiny, data, tmp_path):
    flat = _prepared(tiny, data, tmp_path / "flat", padding_free=True)
    padded = _prepared(tiny, data, tmp_path / "padded", padding_free=False)
    dataset, model = flat.train_dataset, flat.model
    assert dataset is not None and model is not None
    examples = [dataset[i] for i in range(3)]
    # In float32 on whatever device the trainer chose: on a GPU it loads bf16, whose rounding (1e-4
    # relative, seen on an H200) is not what this test is about.
    model.float().eval()
    device = next(model.parameters()).device

    def collated(trainer) -> dict:
        return {key: value.to(device) for key, value in trainer.data_collator(examples).items()}

    losses = []
    with torch.no_grad():
        for trainer in (flat, padded):
            losses.append(float(trainer.compute_loss(model, collated(trainer))))
    assert losses[0] == pytest.approx(losses[1], rel=1e-5)
    # The same row with positions that do not restart (attention across samples) gives another loss:
    # the check above can fail.
    batch = collated(flat)
    batch["position_ids"] = torch.arange(batch["input_ids"].shape[1], device=device).unsqueeze(0)
    with torch.no_grad():
        leaked = float(flat.compute_loss(model, batch))
    assert leaked != pytest.approx(losses[0], rel=1e-3)


def test_no_flash_attention_warning_for_a_tested_attention(tiny, data, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        _prepared(tiny, data, tmp_path / "run", padding_free=True)
    assert not [r for r in caplog.records if "Padding-free training is enabled" in r.getMessage()]
