"""The real embedded student (installed by `python -m distillery_worker.weights ensure`, which
setup runs) answers through the real server (vLLM, as the workbench starts it). Skipped, saying
why, where the student or vLLM is not installed (vLLM: except in CI)."""

from __future__ import annotations

import json
import urllib.request

import pytest
from serve_fixtures import start_server

from distillery_worker.weights import ROLES, is_installed

pytestmark = pytest.mark.skipif(
    not is_installed(ROLES["student"]),
    reason="student model not installed: run `python -m distillery_worker.weights ensure --only student`",
)


def test_student_answers_a_simple_question() -> None:
    process, ready = start_server("student", "--context", "2048", "--eager")
    try:
        assert ready["models"] == [ROLES["student"]]
        messages = [{"role": "user", "content": "What is the capital of France? Answer in one word."}]
        body = {"model": "student", "messages": messages, "temperature": 0, "max_tokens": 12}
        request = urllib.request.Request(
            f"{ready['url']}/chat/completions",
            json.dumps(body).encode(),
            {"content-type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=300) as response:
            (choice,) = json.loads(response.read())["choices"]
        assert "Paris" in choice["message"]["content"]
        assert choice["finish_reason"] == "stop"  # the model ended its turn on its own
    finally:
        process.terminate()
        process.wait(timeout=60)
