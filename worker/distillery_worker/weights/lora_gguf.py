"""A trained student's PEFT LoRA adapter written as a GGUF LoRA adapter, which llama.cpp loads
beside its base model's GGUF and applies per request by name.

Ours because llama.cpp's own converter (convert_lora_to_gguf.py) ships in its source tree only,
in no package; the ``gguf`` library does the writing and the tensor naming. What is done here:
each ``lora_A`` (r × in) and ``lora_B`` (out × r) pair goes under the base tensor's GGUF name
(``blk.N.attn_q.weight.lora_a`` / ``.lora_b``), and for Llama-architecture models the query and
key projections' output rows are permuted the way llama.cpp's GGUF stores those weights (its
rotary embedding pairs dimensions differently from Hugging Face's). llama.cpp scales the
adapter's product by ``adapter.lora.alpha / r``, as PEFT does.

``python -m distillery_worker.weights.lora_gguf ADAPTER_DIR BASE.gguf OUT.gguf``
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import gguf
import numpy as np

SUFFIXES = (".lora_A.weight", ".lora_B.weight")


class UnsupportedAdapter(ValueError):
    """An adapter this converter cannot write faithfully (say which part and why)."""


def convert_lora(adapter_dir: Path, base_gguf: Path, out: Path) -> Path:
    config = json.loads((adapter_dir / "adapter_config.json").read_text())
    if config.get("peft_type", "LORA") != "LORA":
        raise UnsupportedAdapter(f"{adapter_dir}: peft_type {config.get('peft_type')} is not LoRA")
    if config.get("use_rslora") or config.get("use_dora"):
        raise UnsupportedAdapter(
            f"{adapter_dir}: rsLoRA and DoRA scale differently; only plain LoRA converts"
        )
    if config.get("modules_to_save"):
        raise UnsupportedAdapter(
            f"{adapter_dir}: modules_to_save (fully trained layers) have no GGUF LoRA form"
        )
    from safetensors.numpy import load_file

    tensors = load_file(str(adapter_dir / "adapter_model.safetensors"))
    reader = gguf.GGUFReader(base_gguf)
    arch_name = str(reader.fields[gguf.Keys.General.ARCHITECTURE].contents())
    arch = next(a for a, name in gguf.MODEL_ARCH_NAMES.items() if name == arch_name)
    blocks = int(reader.fields[f"{arch_name}.block_count"].contents())
    heads = int(reader.fields[f"{arch_name}.attention.head_count"].contents())
    kv_field = reader.fields.get(f"{arch_name}.attention.head_count_kv")
    kv_heads = int(kv_field.contents()) if kv_field is not None else heads
    names = gguf.TensorNameMap(arch, blocks)
    base_names = {t.name for t in reader.tensors}

    tmp = out.with_name(out.name + ".partial")
    writer = gguf.GGUFWriter(tmp, arch_name)
    writer.add_string(gguf.Keys.General.TYPE, gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(config["lora_alpha"]))
    pairs = sorted({key[: -len(suffix)] for key in tensors for suffix in SUFFIXES if key.endswith(suffix)})
    if not pairs:
        raise UnsupportedAdapter(f"{adapter_dir}: no lora_A / lora_B tensors")
    for module in pairs:
        hf_name = module.removeprefix("base_model.model.") + ".weight"
        name = names.get_name(hf_name, try_suffixes=(".weight",))
        if name is None or name not in base_names:
            raise UnsupportedAdapter(f"{adapter_dir}: {hf_name} has no tensor in {base_gguf.name}")
        a = tensors[module + ".lora_A.weight"].astype(np.float32)
        b = tensors[module + ".lora_B.weight"].astype(np.float32)
        if arch_name == "llama" and name.endswith(("attn_q.weight", "attn_k.weight")):
            b = _rope_permute(b, heads if "attn_q" in name else kv_heads)
        writer.add_tensor(f"{name}.lora_a", a)
        writer.add_tensor(f"{name}.lora_b", b)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    tmp.rename(out)
    return out


def _rope_permute(rows: np.ndarray, heads: int) -> np.ndarray:
    """Hugging Face's rotary layout (halves) → llama.cpp's (interleaved pairs), on the output rows."""
    per_head = rows.shape[0] // heads
    return rows.reshape(heads, 2, per_head // 2, *rows.shape[1:]).swapaxes(1, 2).reshape(rows.shape)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print(
            "usage: python -m distillery_worker.weights.lora_gguf ADAPTER_DIR BASE.gguf OUT.gguf",
            file=sys.stderr,
        )
        return 2
    try:
        print(convert_lora(Path(args[0]), Path(args[1]), Path(args[2])))
    except (UnsupportedAdapter, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
