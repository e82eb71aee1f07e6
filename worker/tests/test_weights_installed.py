"""The real embedded student (installed by `python -m distillery_worker.weights ensure`, which
setup runs) answers through the real engine. Skipped, saying why, where it is not installed."""

from __future__ import annotations

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
