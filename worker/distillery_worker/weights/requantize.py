"""Write a registry GGUF again with its weight matrices in another type (Q8_0, BF16, F16), for
the engine comparison of bench/serve_engines.py and the quality guard of a quantised teacher.

The registry ships each model in one quantisation only (the teacher as Q4_K_M), so every other
type is made from it: dequantise each quantised matrix to float32 with the ``gguf`` library and
quantise it to the target. A BF16 file therefore holds the same numbers the transformers engine
serves (the bf16 directory dequantised at install); Q8_0 adds its own rounding on top.
Metadata (tokenizer, chat template, hyper-parameters) is copied as it is; 1-D tensors (norms,
biases) stay as they are.

``python -m distillery_worker.weights.requantize SRC.gguf DST.gguf Q8_0|BF16|F16``
"""

from __future__ import annotations

import sys
from pathlib import Path

import gguf
import numpy as np
from gguf import GGMLQuantizationType, ReaderTensor

TARGETS = ("Q8_0", "BF16", "F16")


def requantize(src: Path, dst: Path, target: str) -> None:
    if target not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)}, not {target}")
    qtype = GGMLQuantizationType[target]
    reader = gguf.GGUFReader(src)
    architecture = str(reader.fields[gguf.Keys.General.ARCHITECTURE].contents())
    tmp = dst.with_name(dst.name + ".partial")
    writer = gguf.GGUFWriter(tmp, architecture)
    for field in reader.fields.values():
        # The writer adds the architecture and the GGUF.* header fields itself.
        if field.name == gguf.Keys.General.ARCHITECTURE or field.name.startswith("GGUF."):
            continue
        value_type = field.types[0]
        sub_type = field.types[-1] if value_type == gguf.GGUFValueType.ARRAY else None
        if field.name == gguf.Keys.General.FILE_TYPE:
            writer.add_file_type(int(gguf.LlamaFileType[f"MOSTLY_{target}"]))
            continue
        writer.add_key_value(field.name, field.contents(), value_type, sub_type=sub_type)
    for tensor in reader.tensors:
        data, raw_type = _convert(tensor, qtype)
        writer.add_tensor(tensor.name, data, raw_dtype=raw_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    tmp.rename(dst)


def _convert(tensor: ReaderTensor, qtype: GGMLQuantizationType) -> tuple[np.ndarray, GGMLQuantizationType]:
    """A weight matrix in ``qtype``; what is not a matrix, or whose rows do not split into the
    target's blocks, as it was."""
    shape = tuple(int(d) for d in reversed(tensor.shape))
    block = gguf.GGML_QUANT_SIZES[qtype][0]
    if len(shape) < 2 or tensor.tensor_type == GGMLQuantizationType.F32 or shape[-1] % block:
        return np.asarray(tensor.data), tensor.tensor_type
    weights = gguf.quants.dequantize(tensor.data, tensor.tensor_type).reshape(shape).astype(np.float32)
    return gguf.quants.quantize(weights, qtype), qtype


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3 or args[2] not in TARGETS:
        print(f"usage: python -m distillery_worker.weights.requantize SRC.gguf DST.gguf {'|'.join(TARGETS)}")
        return 2
    requantize(Path(args[0]), Path(args[1]), args[2])
    print(args[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
