"""The int8 (W8A8) copy of a model: what it writes, that it is made once and safely when two
servers start at once, that a changed source gets a new copy, the launcher's choice of it, and
that vLLM really serves it (the tiny random Llama: its text does not matter, its numbers do)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from serve_fixtures import require_vllm, start_server
from worker_env import worker_env

from distillery_worker.serve import vllm
from distillery_worker.weights import MARKER, ResolvedModel
from distillery_worker.weights.int8 import LINEAR, QUANTIZATION_CONFIG, int8_copy, quantize_w8a8


def test_linear_weights_become_int8_rows_with_scales_and_the_rest_is_kept(
    tiny_dir: Path, tmp_path: Path
) -> None:
    count = quantize_w8a8(tiny_dir, tmp_path / "q")
    original = {k: v for f in tiny_dir.glob("*.safetensors") for k, v in load_file(f).items()}
    written = load_file(tmp_path / "q" / "model.safetensors")
    linears = [k for k in original if LINEAR.match(k)]
    assert count == len(linears) == 2 * 7  # two layers of q, k, v, o, gate, up, down
    for name, weight in original.items():
        if name not in linears:
            assert torch.equal(written[name], weight), name
            continue
        q, scale = written[name], written[name.removesuffix("weight") + "weight_scale"]
        assert q.dtype == torch.int8 and scale.shape == (weight.shape[0], 1)
        assert int(q.abs().max()) == 127  # each row's largest weight spans the whole range
        # Round to nearest: no weight moves by more than half a step of its row.
        assert bool(((q.float() * scale - weight.float()).abs() <= scale / 2 + 1e-6).all()), name
    config = json.loads((tmp_path / "q" / "config.json").read_text())
    assert config["quantization_config"] == QUANTIZATION_CONFIG
    assert (tmp_path / "q" / "tokenizer.json").is_file()
    with pytest.raises(ValueError, match="already quantised"):
        quantize_w8a8(tmp_path / "q", tmp_path / "again")


def test_a_directory_without_decoder_linears_is_refused(tmp_path: Path) -> None:
    from safetensors.torch import save_file

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "config.json").write_text("{}")
    save_file({"encoder.dense.weight": torch.ones(2, 2)}, tmp_path / "src" / "model.safetensors")
    with pytest.raises(ValueError, match="no decoder linear weights"):
        quantize_w8a8(tmp_path / "src", tmp_path / "dst")


def test_two_servers_starting_at_once_make_one_copy(tiny_dir: Path, tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from distillery_worker.weights.int8 import int8_copy; "
        "print(int8_copy(Path(sys.argv[1]), 'tiny'))"
    )
    env = worker_env(DISTILLERY_CACHE=str(tmp_path / "cache"))
    both = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tiny_dir)], stdout=subprocess.PIPE, text=True, env=env
        )
        for _ in range(2)
    ]
    paths = {p.communicate(timeout=300)[0].strip() for p in both}
    assert all(p.returncode == 0 for p in both)
    assert len(paths) == 1
    made = Path(paths.pop())
    assert (made / MARKER).is_file()
    assert [p.name for p in made.parent.iterdir()] == [made.name]  # no scratch directory left behind


def test_the_copy_is_reused_until_its_source_changes(
    tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISTILLERY_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "student"
    shutil.copytree(tiny_dir, source)
    first = int8_copy(source, "student")
    assert int8_copy(source, "student") == first
    weights = source / "model.safetensors"
    weights.write_bytes(weights.read_bytes())  # retrained under the same name: new mtime
    assert int8_copy(source, "student") != first


def test_the_teacher_is_served_int8_when_the_setting_says_so(
    monkeypatch: pytest.MonkeyPatch, tiny_dir: Path, tmp_path: Path, adapter_dir: Path
) -> None:
    monkeypatch.setenv(vllm.PYTHON_ENV, sys.executable)  # any interpreter: nothing is started
    monkeypatch.setenv("DISTILLERY_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv(vllm.TEACHER_QUANTIZE_ENV, "int8")
    teacher = vllm.ROLES["teacher"]
    monkeypatch.setattr(vllm, "resolve_model", lambda name: ResolvedModel(name, tiny_dir))
    launch = vllm.plan(teacher, {}, 8000, dtype="float32")
    assert launch.int8 and launch.model_dir.parent == tmp_path / "cache" / "models" / "int8"
    assert launch.served_dtype() == "int8 weights, float32 activations"
    assert launch.names == (teacher,)  # served and recorded under its own name
    other = vllm.plan("some-student", {}, 8000, dtype="float32")  # the setting is the teacher's only
    assert not other.int8 and other.model_dir == tiny_dir
    assert vllm.plan(teacher, {}, 8000, quantize="none").model_dir == tiny_dir
    with pytest.raises(ValueError, match="without LoRA adapters"):
        vllm.plan(teacher, {"a": str(adapter_dir)}, 8000)
    with pytest.raises(ValueError, match="quantize must be one of"):
        vllm.plan("some-student", {}, 8000, quantize="int4")


def test_int8_with_float32_activations_is_refused_before_vllm_starts_where_the_cpu_has_amx(
    monkeypatch: pytest.MonkeyPatch, tiny_dir: Path, tmp_path: Path
) -> None:
    # vLLM 0.32 on AMX serves int8 layers with a kernel that takes bf16/fp16 activations only: a
    # float32 server started, then failed every request with a 500 (seen in CI on an AMX machine).
    monkeypatch.setenv(vllm.PYTHON_ENV, sys.executable)  # nothing is started
    monkeypatch.setenv("DISTILLERY_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(vllm, "resolve_model", lambda name: ResolvedModel(name, tiny_dir))
    monkeypatch.setattr(vllm, "is_cpu_build", lambda python: True)
    amx = {"avx512f", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8"}
    monkeypatch.setattr(vllm, "cpu_flags", lambda *cpuinfo: amx)
    with pytest.raises(ValueError, match="--dtype bfloat16"):
        vllm.plan("teacher-like", {}, 8000, dtype="float32", quantize="int8")
    assert not (tmp_path / "cache" / "models" / "int8").exists()  # refused before the copy is made
    int8 = vllm.plan("teacher-like", {}, 8000, quantize="int8")  # auto: bf16, native here
    assert int8.served_dtype() == "int8 weights, bfloat16 activations"
    assert vllm.plan("teacher-like", {}, 8000, dtype="float32").served_dtype() == "float32"  # not int8
    vnni = {"avx512f", "avx512_vnni"}  # int8 dot products without AMX: vLLM's oneDNN path takes float32
    monkeypatch.setattr(vllm, "cpu_flags", lambda *cpuinfo: vnni)
    assert vllm.plan("teacher-like", {}, 8000, dtype="float32", quantize="int8").int8


def test_the_teacher_is_int8_by_default_only_where_the_cpu_has_int8_dot_products(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(vllm.TEACHER_QUANTIZE_ENV, raising=False)
    for build, flags, expected in [
        (True, {"avx2", "avx512f", "avx512_vnni"}, "int8"),
        (True, {"avx2", "amx_int8"}, "int8"),
        (True, {"avx2", "fma"}, "none"),  # no VNNI: int8 products would be emulated
        (False, {"avx512_vnni"}, "none"),  # a CUDA build: the GPU path is measured separately
    ]:
        monkeypatch.setattr(vllm, "cpu_flags", lambda flags=flags: flags)
        assert vllm.teacher_quantization(build) == expected, (build, flags)
    monkeypatch.setenv(vllm.TEACHER_QUANTIZE_ENV, "none")  # the operator's word wins
    assert vllm.teacher_quantization(True) == "none"


def test_vllm_serves_the_int8_copy(tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_vllm()
    monkeypatch.setenv(vllm.PYTHON_ENV, str(vllm.vllm_python()))  # found beside the real cache
    monkeypatch.setenv("DISTILLERY_CACHE", str(tmp_path / "cache"))  # the server inherits both
    # The activations' dtype the product picks on this CPU (bf16 where it is native, which AMX needs).
    activations = "bfloat16" if vllm.cpu_has_native_bf16() else "float32"
    process, ready = start_server(str(tiny_dir), "--quantize", "int8", "--eager")
    try:
        assert ready["dtype"] == f"int8 weights, {activations} activations"
        body = {
            "model": ready["models"][0],
            "messages": [{"role": "user", "content": "What is the capital of France?"}],
            "max_tokens": 8,
            "temperature": 0,
            "ignore_eos": True,
            "logprobs": True,
        }
        request = urllib.request.Request(
            ready["url"] + "/chat/completions",
            json.dumps(body).encode(),
            {"content-type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = json.load(response)
        assert answer["usage"]["completion_tokens"] == 8
        assert all(t["logprob"] <= 0 for t in answer["choices"][0]["logprobs"]["content"])
    finally:
        process.kill()
        process.wait(timeout=30)
