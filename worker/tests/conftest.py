"""Fixtures shared by the model-server tests: a tiny random Llama, and a LoRA adapter for it that
surely changes its greedy output (a module may define its own ``tiny_dir`` instead)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from distillery_worker.weights.tiny import build_tiny_model


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "tiny-llama")


@pytest.fixture(scope="module")
def adapter_dir(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(tiny_dir)
    config = LoraConfig(
        r=4, lora_alpha=8, target_modules=["q_proj", "v_proj", "o_proj"], init_lora_weights=False
    )
    torch.manual_seed(1)
    peft_model = get_peft_model(base, config)
    with torch.no_grad():  # make the adapter change greedy output for sure
        for name, param in peft_model.named_parameters():
            if "lora_B" in name:
                param.normal_(0, 2.0)
    out = tmp_path_factory.mktemp("adapters") / "sharp"
    peft_model.save_pretrained(str(out))
    return out
