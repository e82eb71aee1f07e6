"""Engine internals that the HTTP tests cannot see: one prefill for n samples, LoRA adapters
selected by model name, stop matching, and the command line started as a real process."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import torch
from worker_env import worker_env

from distillery_worker.serve.engine import Engine, SamplingParams, UnknownModel
from distillery_worker.serve.sampling import StopMatcher, sample_next

USER = [{"role": "user", "content": "Compute 2 + 2."}]


def test_n_samples_share_one_prefill(tiny_dir: Path) -> None:
    engine = Engine.load(str(tiny_dir), dtype="float32")
    shapes: list[tuple[int, ...]] = []
    hook = engine.model.register_forward_pre_hook(
        lambda _module, _args, kwargs: shapes.append(tuple(kwargs["input_ids"].shape)), with_kwargs=True
    )
    prompt = engine.render_prompt(USER, True, False)
    try:
        engine.generate(prompt, SamplingParams(n=8, temperature=1.0, max_tokens=5, seed=3), None)
    finally:
        hook.remove()
    assert shapes[0] == (1, len(prompt)), "the prompt is encoded once, for all 8 samples"
    assert all(shape[1] == 1 and shape[0] <= 8 for shape in shapes[1:]), shapes
    assert shapes[1][0] == 8, "the 8 samples decode as one batch"


def test_adapters_are_selected_by_model_name(tiny_dir: Path, adapter_dir: Path) -> None:
    engine = Engine.load(str(tiny_dir), {"sharp": str(adapter_dir)}, dtype="float32")
    assert engine.model_names() == ["tiny-llama", "tiny-llama:sharp"]
    prompt = engine.render_prompt(USER, True, False)
    greedy = SamplingParams(n=1, temperature=0, max_tokens=10)

    def text(model: str) -> str:
        return engine.generate(prompt, greedy, engine.adapter_for(model))[0].text

    base, tuned = text("tiny-llama"), text("tiny-llama:sharp")
    assert tuned != base
    assert text("sharp") == tuned
    assert text("tiny-llama") == base, "the base model is unchanged after using an adapter"
    with pytest.raises(UnknownModel):
        engine.adapter_for("tiny-llama:missing")


def test_missing_adapter_directory_is_a_clear_error(tiny_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="adapter_config.json"):
        Engine.load(str(tiny_dir), {"ghost": str(tmp_path)}, dtype="float32")


def test_top_p_keeps_only_the_nucleus() -> None:
    logits = torch.log(torch.tensor([[0.6, 0.3, 0.05, 0.05]]))
    generator = torch.Generator().manual_seed(0)
    picks = {int(sample_next(logits, 1.0, 0.8, generator)[0]) for _ in range(200)}
    assert picks <= {0, 1} and picks == {0, 1}
    token, logprob = sample_next(logits, 0.0, 1.0, generator)
    assert int(token) == 0 and float(logprob) == pytest.approx(torch.log(torch.tensor(0.6)).item())


def test_stop_matcher_cuts_at_the_earliest_stop() -> None:
    matcher = StopMatcher(["<end_code>", "Observation:"], lambda ids: "".join(chr(i) for i in ids))
    text = "print(1)\nObservation: x<end_code>"
    assert matcher.hit([ord(c) for c in text])
    assert matcher.cut(text) == ("print(1)\n", "Observation:")
    assert matcher.cut("no stop here") == ("no stop here", None)


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def test_command_line_serves_base_and_adapter(tiny_dir: Path, adapter_dir: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    env = worker_env()
    command = [sys.executable, "-m", "distillery_worker.serve", "--model", str(tiny_dir)]
    command += ["--adapter", f"sharp={adapter_dir}", "--port", str(port), "--dtype", "float32"]
    command += ["--exit-with-stdin"]
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stdout is not None
        ready = json.loads(process.stdout.readline() or "{}")
        assert ready.get("event") == "listening", process.stderr.read() if process.stderr else ""
        assert ready["url"] == f"http://127.0.0.1:{port}/v1"
        assert ready["models"] == ["tiny-llama", "tiny-llama:sharp"]
        body = {"model": "tiny-llama:sharp", "messages": USER, "max_tokens": 4, "temperature": 0}
        reply = _post(f"http://127.0.0.1:{port}/v1/chat/completions", body)
        assert reply["model"] == "tiny-llama:sharp" and reply["choices"][0]["message"]["role"] == "assistant"
        # The parent's end of the pipe closing (as when it is killed) takes the server down.
        assert process.stdin is not None
        process.stdin.close()
        assert process.wait(timeout=30) == 0
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_command_line_rejects_an_unknown_model() -> None:
    env = worker_env()
    command = [sys.executable, "-m", "distillery_worker.serve", "--model", "no-such-model", "--port", "1"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2
    assert "unknown model 'no-such-model'" in result.stderr
