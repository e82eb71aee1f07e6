"""The real embedded student (installed by `python -m distillery_worker.weights ensure`, which
setup runs) answers through the real engine. Skipped, saying why, where it is not installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from distillery_worker.weights import ROLES, is_installed

pytestmark = pytest.mark.skipif(
    not is_installed(ROLES["student"]),
    reason="student model not installed: run `python -m distillery_worker.weights ensure --only student`",
)


def test_student_answers_a_simple_question() -> None:
    from distillery_worker.serve.engine import Engine, SamplingParams

    engine = Engine.load("student")
    assert engine.model_id == ROLES["student"] and engine.aliases == ("student",)
    messages = [{"role": "user", "content": "What is the capital of France? Answer in one word."}]
    prompt = engine.render_prompt(messages, True, False)
    (completion,) = engine.generate(prompt, SamplingParams(n=1, temperature=0, max_tokens=12), None)
    assert "Paris" in completion.text
    assert completion.finish_reason == "stop"  # the model ended its turn on its own


def test_requantize_keeps_metadata_and_weights_close(tmp_path: Path) -> None:
    import gguf
    import numpy as np

    from distillery_worker.weights import resolve_model
    from distillery_worker.weights.requantize import requantize

    source = resolve_model("student").gguf()
    assert source is not None, "setup keeps the registry GGUF beside the converted weights"
    target = tmp_path / "student.Q8_0.gguf"
    requantize(source, target, "Q8_0")
    before, after = gguf.GGUFReader(source), gguf.GGUFReader(target)
    kept = {k for k in before.fields if not k.startswith("GGUF.")} - {gguf.Keys.General.FILE_TYPE}
    assert kept <= set(after.fields)
    assert after.fields[gguf.Keys.General.FILE_TYPE].contents() == gguf.LlamaFileType.MOSTLY_Q8_0
    assert (
        before.fields["tokenizer.chat_template"].contents()
        == after.fields["tokenizer.chat_template"].contents()
    )
    old = {t.name: t for t in before.tensors}
    for tensor in after.tensors:
        original = old.pop(tensor.name)
        if len(tensor.shape) < 2:
            assert tensor.tensor_type == original.tensor_type
            continue
        assert tensor.tensor_type == gguf.GGMLQuantizationType.Q8_0
        a = gguf.quants.dequantize(original.data, original.tensor_type)
        b = gguf.quants.dequantize(tensor.data, tensor.tensor_type)
        assert a.shape == b.shape
        # Q8_0 rounds each value to 1/127 of its block's largest: far finer than the Q4 source.
        assert np.abs(a - b).max() <= np.abs(a).max() / 100
    assert not old, f"tensors lost: {sorted(old)}"
