"""The vLLM launcher's own decisions, without starting vLLM: the command it builds, and the clear
refusals (exit 2, one line) for what it cannot serve. Serving itself is tests/test_serve.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from worker_env import worker_env

from distillery_worker.serve import vllm
from distillery_worker.weights import ResolvedModel


def launcher(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "distillery_worker.serve", *args, "--port", "1"]
    return subprocess.run(command, capture_output=True, text=True, env=worker_env(**env), timeout=120)


def test_an_unknown_model_is_one_line_and_exit_2() -> None:
    result = launcher("--model", "no-such-model")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "unknown model 'no-such-model'" in result.stderr


def test_an_adapter_without_its_config_is_refused(tiny_dir: Path, tmp_path: Path) -> None:
    result = launcher("--model", str(tiny_dir), "--adapter", f"mine={tmp_path}")
    assert result.returncode == 2 and "has no adapter_config.json" in result.stderr


def test_a_missing_vllm_says_how_to_install_it(tiny_dir: Path) -> None:
    result = launcher("--model", str(tiny_dir), DISTILLERY_VLLM_PYTHON="/nonexistent/python")
    assert result.returncode == 2
    assert "DISTILLERY_VLLM_PYTHON=/nonexistent/python is not an executable interpreter" in result.stderr


def test_an_adapter_may_not_take_the_models_name(tiny_dir: Path, adapter_dir: Path) -> None:
    result = launcher("--model", str(tiny_dir), "--adapter", f"tiny-llama={adapter_dir}")
    assert result.returncode == 2 and "adapter name 'tiny-llama' is the model's own name" in result.stderr


def test_a_gguf_file_is_refused(tmp_path: Path) -> None:
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    with pytest.raises(vllm.VllmUnavailable, match="not a .gguf file"):
        vllm.plan(str(gguf), {}, 8400)


def test_the_command_keeps_the_contract_defaults(
    tiny_dir: Path, adapter_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(vllm.PYTHON_ENV, sys.executable)  # any interpreter: nothing is started
    launch = vllm.plan(str(tiny_dir), {"sharp": str(adapter_dir)}, 8400, context=2048, eager=True)
    argv = launch.command()
    assert argv[argv.index("--served-model-name") + 1 : argv.index("--host")] == ["tiny-llama"]
    assert argv[argv.index("--generation-config") + 1] == "vllm"  # OpenAI's sampling defaults
    assert argv[argv.index("--host") + 1] == "127.0.0.1"
    assert argv[argv.index("--max-model-len") + 1] == "2048" and "--enforce-eager" in argv
    rank = json.loads((adapter_dir / "adapter_config.json").read_text())["r"]
    assert int(argv[argv.index("--max-lora-rank") + 1]) == next(r for r in vllm.LORA_RANKS if r >= rank)
    modules = argv[argv.index("--lora-modules") + 1 :]
    assert modules == [f"sharp={adapter_dir.resolve()}", f"tiny-llama:sharp={adapter_dir.resolve()}"]


def test_a_role_is_a_served_name_but_a_path_is_not(monkeypatch: pytest.MonkeyPatch, tiny_dir: Path) -> None:
    monkeypatch.setenv(vllm.PYTHON_ENV, sys.executable)
    assert vllm.plan(str(tiny_dir), {}, 8400).names == ("tiny-llama",)
    monkeypatch.setattr(vllm, "resolve_model", lambda name: ResolvedModel("qwen-x", tiny_dir))
    assert vllm.plan("teacher", {}, 8400).names == ("qwen-x", "teacher")


def test_a_merged_student_is_served_under_its_own_name(
    monkeypatch: pytest.MonkeyPatch, tiny_dir: Path
) -> None:
    monkeypatch.setenv(vllm.PYTHON_ENV, sys.executable)
    argv = vllm.plan(str(tiny_dir), {}, 8400, name="my-student").command()
    assert argv[argv.index("--served-model-name") + 1 : argv.index("--host")] == ["my-student"]


def test_a_cpu_without_native_bf16_serves_in_float32(
    monkeypatch: pytest.MonkeyPatch, tiny_dir: Path, tmp_path: Path
) -> None:
    avx2 = tmp_path / "avx2"
    avx2.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma\n")
    avx512 = tmp_path / "avx512"
    avx512.write_text("flags\t\t: fpu avx2 avx512f avx512_bf16 avx512_vnni\n")
    assert not vllm.cpu_has_native_bf16(avx2) and vllm.cpu_has_native_bf16(avx512)
    assert not vllm.cpu_has_native_bf16(tmp_path / "missing")

    monkeypatch.setenv(vllm.PYTHON_ENV, sys.executable)
    for cpu_build, native, asked, served in [
        (True, False, "auto", "float32"),  # emulated bf16: fp32 is faster
        (True, True, "auto", "bfloat16"),  # named: what vLLM's auto picks on x86, so a run can record it
        (True, False, "bfloat16", "bfloat16"),  # asked for explicitly: kept
        (False, False, "auto", "auto"),  # a CUDA build: the GPU decides
    ]:
        monkeypatch.setattr(vllm, "is_cpu_build", lambda _python, cpu_build=cpu_build: cpu_build)
        monkeypatch.setattr(vllm, "cpu_has_native_bf16", lambda native=native: native)
        argv = vllm.plan(str(tiny_dir), {}, 8400, dtype=asked).command()
        assert argv[argv.index("--dtype") + 1] == served, (cpu_build, native, asked)


def test_flag_value_is_the_last_one_given() -> None:
    argv = ["vllm", "--dtype", "bfloat16", "--port", "1", "--dtype=float32"]
    assert vllm.flag_value(argv, "--dtype") == "float32"
    assert vllm.flag_value(argv[:3], "--dtype") == "bfloat16"
    assert vllm.flag_value(["vllm", "--dtype"], "--dtype") is None


def test_operator_flags_come_last_so_they_win(monkeypatch: pytest.MonkeyPatch, tiny_dir: Path) -> None:
    monkeypatch.setenv(vllm.PYTHON_ENV, sys.executable)
    monkeypatch.setenv(vllm.EXTRA_ARGS_ENV, "--max-num-seqs 32 --served-model-name 'a b'")
    assert vllm.plan(str(tiny_dir), {}, 8400).command()[-4:] == [
        "--max-num-seqs",
        "32",
        "--served-model-name",
        "a b",
    ]


def test_lora_rank_rounds_up_to_what_vllm_accepts(tmp_path: Path) -> None:
    for r, want in ((4, 8), (8, 8), (12, 16), (64, 64)):
        (tmp_path / str(r)).mkdir()
        (tmp_path / str(r) / "adapter_config.json").write_text(json.dumps({"r": r}))
        assert vllm.lora_rank([tmp_path / str(r)]) == want
