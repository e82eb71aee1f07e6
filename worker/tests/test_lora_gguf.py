"""A trained student's LoRA adapter served by llama.cpp answers as the same adapter does on
transformers: the PEFT → GGUF conversion (weights.lora_gguf) names, shapes and permutes it right.

On the embedded student (SmolLM2, a Llama: its query and key rows are permuted in GGUF, which
the adapter must follow), with a random adapter on exactly those projections, strong enough to
change what the model says. Skipped, saying why, where the student is not installed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from distillery_worker.weights import ROLES, is_installed, resolve_model

pytestmark = pytest.mark.skipif(
    not is_installed(ROLES["student"]),
    reason="student model not installed: run `python -m distillery_worker.weights ensure --only student`",
)

MESSAGES = [{"role": "user", "content": "Name three colours of the rainbow."}]


@pytest.fixture(scope="module")
def adapter_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(0)
    base = AutoModelForCausalLM.from_pretrained(resolve_model("student").path, dtype=torch.float32)
    config = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "k_proj"], init_lora_weights=False)
    model = get_peft_model(base, config)  # init_lora_weights=False: random A and B, a strong change
    out = tmp_path_factory.mktemp("lora") / "rnd"
    model.save_pretrained(str(out))
    return out


def _forced_logprobs(
    engine: object, prompt: list[int], tokens: list[int], adapter: str | None
) -> list[float]:
    """The transformers engine's log-probabilities of ``tokens`` after ``prompt`` (teacher forcing)."""
    import torch

    with torch.no_grad(), engine.adapter_scope(adapter):  # type: ignore[attr-defined]
        ids = torch.tensor([prompt + tokens])
        logits = engine.model(input_ids=ids).logits[0, len(prompt) - 1 : -1].float()  # type: ignore[attr-defined]
    return torch.log_softmax(logits, -1).gather(-1, torch.tensor(tokens)[:, None])[:, 0].tolist()


def test_llamacpp_serves_the_adapter_as_transformers_does(adapter_dir: Path) -> None:
    """llama.cpp decodes greedily with the adapter; transformers, forced along the same tokens, must
    give them nearly the same log-probabilities with the adapter and clearly different ones
    without it. (Texts are not compared: llama.cpp's 8-bit activations in Q4 matmuls and the
    float32 reference part ways after a few tokens even without an adapter.)"""
    from distillery_worker.serve.engine import Engine, SamplingParams
    from distillery_worker.serve.llamacpp import LlamaCppEngine

    served = LlamaCppEngine.load("student", {"rnd": str(adapter_dir)}, threads=1, parallel=2, context=1024)
    assert served.model_names() == [served.model_id, f"{served.model_id}:rnd"]
    assert (adapter_dir / "adapter.gguf").is_file()  # converted once, kept beside the adapter
    prompt = served.render_prompt(MESSAGES, True, False)
    params = SamplingParams(n=1, temperature=0, max_tokens=12, ignore_eos=True)
    (completion,) = served.generate(prompt, params, "rnd")

    reference = Engine.load("student", {"rnd": str(adapter_dir)}, dtype="float32")
    assert reference.render_prompt(MESSAGES, True, False) == prompt
    with_adapter = _forced_logprobs(reference, prompt, completion.token_ids, "rnd")
    without = _forced_logprobs(reference, prompt, completion.token_ids, None)
    gap = sum(abs(a - b) for a, b in zip(completion.token_logprobs, with_adapter, strict=True)) / len(
        with_adapter
    )
    base_gap = sum(abs(a - b) for a, b in zip(completion.token_logprobs, without, strict=True)) / len(without)
    print(f"mean |Δ logprob|: adapter {gap:.3f}, base {base_gap:.3f}")
    assert gap < 0.15  # what Q4 GGUF vs float32 differ by without any adapter (measured: 0.057)
    assert base_gap > 3 * gap, "the adapter should matter, or this test proves nothing"


def test_unsupported_adapters_are_refused_clearly(adapter_dir: Path, tmp_path: Path) -> None:
    import json
    import shutil

    from distillery_worker.weights.lora_gguf import UnsupportedAdapter, convert_lora

    dora = tmp_path / "dora"
    shutil.copytree(adapter_dir, dora)
    config = json.loads((dora / "adapter_config.json").read_text())
    (dora / "adapter_config.json").write_text(json.dumps({**config, "use_dora": True}))
    base = resolve_model("student").gguf()
    assert base is not None
    with pytest.raises(UnsupportedAdapter, match="DoRA"):
        convert_lora(dora, base, tmp_path / "out.gguf")
    assert not (tmp_path / "out.gguf").exists()
