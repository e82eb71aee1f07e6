"""A model's int8 copy for vLLM: W8A8 in the compressed-tensors format vLLM loads natively.

Every linear layer of the decoder (``model.layers.N.*_proj``) keeps its weight as int8 with one
float32 scale per output row (symmetric, round-to-nearest: no calibration data needed), and vLLM
quantises each token's activations to int8 on the fly, so its int8 matrix products (oneDNN on x86
CPUs) run in place of bf16 ones. Embeddings, norms, biases and the output head stay as they were.
Measured on the teacher: bench/README.md, "int8 teacher".

The copy is made once per source directory, in the model cache under ``int8/``: in a scratch
directory renamed into place, under the same per-model lock as installs, so two servers starting
at once neither clobber nor duplicate the work.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from . import MARKER, cache_dir
from .install import built_in_place, install_lock, say

# A decoder layer's linear weight: Llama / Qwen2 / SmolLM name them model.layers.N.<block>.<x>_proj.
LINEAR = re.compile(r"^model\.layers\.\d+\.[a-z_]+\.[a-z_]+_proj\.weight$")
ROW_SCALE = "weight_scale"

# compressed-tensors' description of the scheme (vLLM reads it from config.json).
_INT8 = {"num_bits": 8, "type": "int", "symmetric": True}
QUANTIZATION_CONFIG = {
    "quant_method": "compressed-tensors",
    "format": "int-quantized",
    "quantization_status": "compressed",
    "config_groups": {
        "group_0": {
            "targets": ["Linear"],
            "weights": {**_INT8, "strategy": "channel", "dynamic": False},
            "input_activations": {**_INT8, "strategy": "token", "dynamic": True},
        }
    },
    "ignore": ["lm_head"],
}


def quantize_w8a8(src: Path, dst: Path) -> int:
    """Write ``src`` (a Hugging Face directory of safetensors) to ``dst`` with its decoder's linear
    weights in int8 plus per-row scales; returns how many weights were quantised."""
    import torch
    from safetensors.torch import load_file, save_file

    config = json.loads((src / "config.json").read_text())
    if "quantization_config" in config:
        raise ValueError(f"{src} is already quantised ({config['quantization_config'].get('quant_method')})")
    shards = sorted(src.glob("*.safetensors"))
    if not shards:
        raise ValueError(f"{src} has no .safetensors weights")
    dst.mkdir(parents=True, exist_ok=True)
    tensors: dict[str, torch.Tensor] = {}
    quantised = 0
    for shard in shards:
        for name, weight in load_file(shard).items():
            if not LINEAR.match(name):
                tensors[name] = weight
                continue
            w = weight.float()
            scale = (w.abs().amax(dim=1, keepdim=True) / 127).clamp(min=torch.finfo(torch.float32).tiny)
            tensors[name] = torch.round(w / scale).clamp(-127, 127).to(torch.int8)
            tensors[name.removesuffix("weight") + ROW_SCALE] = scale
            quantised += 1
    if quantised == 0:
        raise ValueError(f"{src}: no decoder linear weights named like model.layers.N.*.*_proj.weight")
    save_file(tensors, dst / "model.safetensors", metadata={"format": "pt"})
    # The tokenizer, chat template and generation config; not the bf16 shards or their index.
    for item in src.iterdir():
        bf16_only = item.suffix == ".safetensors" or item.name.endswith(".index.json")
        if item.is_file() and not bf16_only and item.name not in ("config.json", MARKER):
            shutil.copy2(item, dst / item.name)
    (dst / "config.json").write_text(
        json.dumps({**config, "quantization_config": QUANTIZATION_CONFIG}, indent=2)
    )
    return quantised


def source_key(src: Path) -> str:
    """Changes when the source's weights or config change (a student retrained under its name)."""
    digest = hashlib.sha256(str(src.resolve()).encode())
    for item in sorted(src.glob("*.safetensors")) + [src / "config.json"]:
        stat = item.stat()
        digest.update(f"{item.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def int8_copy(src: Path, name: str) -> Path:
    """The int8 copy of ``src`` (served as ``name``), made now if there is none yet."""
    key = f"{name}-{source_key(src)}"
    final = cache_dir() / "int8" / key
    if (final / MARKER).is_file():
        return final
    with install_lock(f"int8-{key}"):
        if (final / MARKER).is_file():  # another process made it while this one waited
            return final
        with built_in_place(final, key) as work:
            say(f"{name}: writing an int8 copy (W8A8) to {final}, once")
            count = quantize_w8a8(src, work)
            (work / MARKER).write_text(
                json.dumps({"source": str(src.resolve()), "int8_linears": count}) + "\n"
            )
    return final
