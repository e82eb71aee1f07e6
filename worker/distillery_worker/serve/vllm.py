"""vLLM's OpenAI-compatible server as the engine behind ``python -m distillery_worker.serve``.

vLLM lives in its own venv (its torch and transformers pins differ from the worker's; on a CPU
machine ``scripts/vllm-cpu-venv.sh`` makes it, on a GPU machine ``DISTILLERY_VLLM_PYTHON`` names a
CUDA build's interpreter), so this module never imports it. It starts vLLM's server as a child
with the contract's settings, waits until it answers, announces it the way the other engines do,
and takes it down when it goes itself (SIGTERM, the stdin lifeline, or its own death).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..lifeline import exit_when_stdin_closes
from ..weights import ROLES, cache_dir, resolve_model
from ..weights.int8 import int8_copy

EXTRA_ARGS_ENV = "DISTILLERY_VLLM_ARGS"  # more vLLM flags, e.g. "--block-size 128 --max-num-seqs 32"
TEACHER_QUANTIZE_ENV = "DISTILLERY_TEACHER_QUANTIZE"  # int8 | none: overrides teacher_quantization()
QUANTIZE_CHOICES = ("none", "int8")
PYTHON_ENV = "DISTILLERY_VLLM_PYTHON"  # a vLLM install's interpreter (e.g. a CUDA build on a GPU machine)
CPU_VENV_NAME = "venv-vllm-cpu"  # made by scripts/vllm-cpu-venv.sh beside the model cache
START_TIMEOUT_S = 30 * 60  # a first start compiles its graphs on a busy CPU
STOP_GRACE_S = 30
LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)  # the max_lora_rank values vLLM accepts


class VllmUnavailable(Exception):
    """vLLM is not installed where this module looks, or cannot serve this model."""


def vllm_python() -> Path:
    explicit = os.environ.get(PYTHON_ENV)
    if explicit:
        python = Path(explicit).expanduser()
        if not os.access(python, os.X_OK):
            raise VllmUnavailable(f"{PYTHON_ENV}={explicit} is not an executable interpreter")
        return python
    venv = cache_dir().parent / CPU_VENV_NAME
    if not (venv / ".complete").is_file():
        raise VllmUnavailable(
            f"vLLM is not installed ({venv} is missing or incomplete): run `bash scripts/vllm-cpu-venv.sh` "
            f"(npm run setup does), or set {PYTHON_ENV} to a vLLM install's python"
        )
    return venv / "bin" / "python"


def is_cpu_build(python: Path) -> bool:
    venv = python.parent.parent
    return any(venv.glob("lib/python3*/site-packages/vllm_cpu-*.dist-info"))


@dataclass(frozen=True)
class VllmLaunch:
    python: Path
    model_dir: Path
    names: tuple[str, ...]  # what /v1/models lists and requests may name for the base model
    adapters: dict[str, str]  # served name -> PEFT LoRA directory
    port: int
    threads: int | None = None
    context: int | None = None
    dtype: str = "auto"
    eager: bool = False
    cpu_build: bool = False  # vLLM's CPU build (is_cpu_build), not a CUDA one
    int8: bool = False  # model_dir is an int8 (W8A8) copy: weights int8, activations in dtype

    def served_dtype(self) -> str | None:
        """What a run records it was served in: the activations' dtype, and int8 weights if so."""
        dtype = flag_value(self.command(), "--dtype")
        return f"int8 weights, {dtype} activations" if self.int8 else dtype

    def command(self) -> list[str]:
        argv = [
            str(self.python), "-m", "vllm.entrypoints.openai.api_server",
            "--model", str(self.model_dir),
            "--served-model-name", *self.names,
            "--host", "127.0.0.1", "--port", str(self.port),
            "--dtype", self.dtype,
            # OpenAI's sampling defaults, not the model's generation_config.json: the contract's
            # temperature and top_p default to 1 on every engine.
            "--generation-config", "vllm",
            "--disable-uvicorn-access-log",
            "--uvicorn-log-level", "warning",
        ]  # fmt: skip
        if self.cpu_build:
            # Prefix caching reuses whole KV blocks, and the CPU build's default block is 128 tokens:
            # up to 127 cached tokens were recomputed per request. 32 (its smallest fast size) measured
            # on the teacher, 2 cores: cached first token 0.41 → 0.20 s, 16 agent episodes 38 → 54 tok/s.
            argv += ["--block-size", "32"]
        if self.context:
            argv += ["--max-model-len", str(self.context)]
        if self.eager:
            argv.append("--enforce-eager")
        if self.adapters:
            argv += ["--enable-lora", "--max-loras", str(len(self.adapters))]
            argv += ["--max-lora-rank", str(lora_rank(set(self.adapters.values())))]
            argv += ["--lora-modules", *(f"{name}={path}" for name, path in self.adapters.items())]
        # Last, so they win: vLLM flags of the operator's own (GPU tuning, a bench's variant).
        return argv + shlex.split(os.environ.get(EXTRA_ARGS_ENV, ""))

    def environment(self, base: dict[str, str]) -> dict[str, str]:
        env = {**base, "HF_HUB_OFFLINE": "1", "VLLM_NO_USAGE_STATS": "1", "DO_NOT_TRACK": "1"}
        if self.cpu_build:
            cores = self.threads or os.cpu_count() or 1
            env.setdefault("VLLM_CPU_KVCACHE_SPACE", "2")  # GiB of KV cache; the build's default is larger
            env.setdefault("VLLM_CPU_OMP_THREADS_BIND", f"0-{cores - 1}")
            iomp = self.python.parent.parent / "lib" / "libiomp5.so"  # vLLM's CPU guide preloads it
            if iomp.is_file():
                env["LD_PRELOAD"] = ":".join(p for p in (str(iomp), base.get("LD_PRELOAD", "")) if p)
        return env


def served_names(model_id: str, adapters: list[str]) -> list[str]:
    return [model_id, *(f"{model_id}:{a}" for a in adapters)]


def check_adapter_name(name: str, path: str | Path, model_id: str) -> None:
    if not (Path(path) / "adapter_config.json").is_file():
        raise FileNotFoundError(f"adapter '{name}': {path} has no adapter_config.json")
    if name == model_id:  # names are unique among adapters already (a dict; the CLI refuses a repeat)
        raise ValueError(f"adapter name '{name}' is the model's own name")


def lora_rank(adapter_dirs: Any) -> int:
    """The smallest rank vLLM accepts that holds every adapter's ``r``."""
    rank = 1
    for directory in adapter_dirs:
        config = json.loads((Path(directory) / "adapter_config.json").read_text())
        rank = max(rank, int(config.get("r", 8)))
    return next(r for r in LORA_RANKS if r >= rank)


def plan(
    model: str,
    adapters: dict[str, str],
    port: int,
    threads: int | None = None,
    context: int | None = None,
    dtype: str = "auto",
    eager: bool = False,
    name: str | None = None,
    quantize: str | None = None,
) -> VllmLaunch:
    """What to start, with every name and path checked first (raises ModelNotFound,
    FileNotFoundError, ValueError or VllmUnavailable: the caller's error, exit 2). With ``quantize``
    int8 (the teacher's default: ``teacher_quantization``) it serves the model's int8 copy, making it
    first if there is none (weights/int8.py; 37 s for the teacher)."""
    resolved = resolve_model(model)
    if resolved.gguf_file:
        raise VllmUnavailable(f"vLLM serves Hugging Face model directories, not a .gguf file ({model})")
    # Served as ``name`` if given (a merged student: its own name, not its directory's), else as its
    # id; a role (student, teacher) is a name requests may use too, a path is not.
    names = (name or resolved.id, *((model,) if model in ROLES else ()))
    served: dict[str, str] = {}
    for adapter, path in adapters.items():
        check_adapter_name(adapter, path, names[0])
        # An adapter answers to its own name and to <base>:<name>.
        served[adapter] = served[f"{names[0]}:{adapter}"] = str(Path(path).resolve())
    python = vllm_python()
    cpu_build = is_cpu_build(python)
    if quantize is None:
        quantize = teacher_quantization(cpu_build) if resolved.id == ROLES["teacher"] else "none"
    if quantize not in QUANTIZE_CHOICES:
        raise ValueError(f"quantize must be one of {', '.join(QUANTIZE_CHOICES)}, not '{quantize}'")
    if dtype == "auto" and cpu_build:
        # Named rather than left to vLLM, so that a run records what served it. Without native bf16
        # the CPU emulates it: an agent's traffic is mostly prompt (prefill is compute-bound), and
        # vLLM's start-up profile pass took over 7 minutes in bf16, so float32. With it, what vLLM's
        # auto picks on x86 (bf16 first among its CPU dtypes, float32 weights downcast).
        dtype = "bfloat16" if cpu_has_native_bf16() else "float32"
    if quantize == "int8" and cpu_build and dtype == "float32" and "amx_tile" in cpu_flags():
        # With AMX, vLLM 0.32's CPU build sends int8 layers to a kernel that takes only bf16 or fp16
        # activations, and fails on the first request ("expect A to be bfloat16 or half").
        raise ValueError(
            "on this CPU (AMX) vLLM serves int8 weights with bfloat16 activations: "
            "ask for --dtype bfloat16 (or auto), or --quantize none for float32"
        )
    model_dir = resolved.path
    if quantize == "int8":
        if adapters:
            raise ValueError("an int8 model is served without LoRA adapters: serve a merged student instead")
        model_dir = int8_copy(resolved.path, resolved.id)
    return VllmLaunch(
        python, model_dir, names, served, port, threads, context, dtype, eager, cpu_build, quantize == "int8"
    )


def teacher_quantization(cpu_build: bool) -> str:
    """How the teacher is served unless asked: int8 on a CPU build where the CPU has int8 dot
    products (VNNI or AMX), else as it is. Measured on 2 AVX512-VNNI cores (bench/README.md, "int8
    teacher"): 16 agent episodes 1.4× bf16's tokens/s, and the same GSM-Hard 0–59 accuracy (24/60).
    Students are never quantised by default: their evaluations compare them with their own base."""
    explicit = os.environ.get(TEACHER_QUANTIZE_ENV)
    if explicit:
        return explicit
    return "int8" if cpu_build and bool({"avx512_vnni", "avx_vnni", "amx_int8"} & cpu_flags()) else "none"


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> set[str]:
    """The CPU's feature flags (empty where /proc/cpuinfo cannot be read)."""
    try:
        flags = next((line for line in cpuinfo.read_text().splitlines() if line.startswith("flags")), "")
    except OSError:
        return set()
    return set(flags.partition(":")[2].split())


def cpu_has_native_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether the CPU multiplies bf16 natively (AVX512-BF16 or AMX). Without, torch emulates it:
    measured on a 2-core AVX2 VM, a bf16 GEMM ran at 15.6 GFLOP/s against fp32's 68.8."""
    return bool({"avx512_bf16", "amx_bf16"} & cpu_flags(cpuinfo))


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL when the launcher dies, even by SIGKILL (Linux prctl)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


# vLLM's engine processes outlive their API server (measured: after a SIGKILL of the launcher they
# ran on, orphaned), so a reaper holds a pipe from this launcher and kills the whole group when
# the pipe closes: when this process ends, however it ends.
_REAPER = (
    "import os, signal, sys\n"
    "while os.read(0, 4096): pass\n"
    "try: os.killpg(int(sys.argv[1]), signal.SIGKILL)\n"
    "except ProcessLookupError: pass\n"
)


def _start_reaper(group: int) -> None:
    # Only this process holds the write end (pipe ends are not inherited, and vLLM started before
    # the pipe existed), so the reaper reads end-of-file exactly when this process ends.
    read_end, _write_end = os.pipe()
    subprocess.Popen([sys.executable, "-c", _REAPER, str(group)], stdin=read_end, start_new_session=True)
    os.close(read_end)


def serve(launch: VllmLaunch, exit_with_stdin: bool = False) -> int:
    """Run vLLM until it exits or this process is told to stop; print ``listening`` once it answers."""
    child = subprocess.Popen(
        launch.command(),
        env=launch.environment(dict(os.environ)),
        stdin=subprocess.DEVNULL,
        stdout=sys.stderr.fileno(),  # stdout carries only this launcher's JSON event lines
        stderr=sys.stderr.fileno(),
        start_new_session=True,  # its engine processes share the group, so one signal stops them all
        preexec_fn=_die_with_parent,
    )
    _start_reaper(child.pid)

    def stop(*_: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if exit_with_stdin:
        exit_when_stdin_closes(before_exit=stop)
    url = f"http://127.0.0.1:{launch.port}/v1"
    if not _wait_until_ready(child, url):
        return child.returncode if child.returncode is not None else 1
    announce = {
        "event": "listening",
        "url": url,
        "models": served_names(launch.names[0], [a for a in launch.adapters if ":" not in a]),
        "engine": "vllm",
        "device": "cpu" if launch.cpu_build else "cuda",
        "dtype": launch.served_dtype(),
    }
    print(json.dumps(announce), flush=True)
    return child.wait()


def flag_value(argv: list[str], flag: str) -> str | None:
    """The value the last ``flag`` in ``argv`` gives (``--flag V`` or ``--flag=V``): vLLM's parser
    keeps the last, and an operator's DISTILLERY_VLLM_ARGS come after ours."""
    value = None
    for i, arg in enumerate(argv):
        if arg == flag and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith(flag + "="):
            value = arg.split("=", 1)[1]
    return value


def _wait_until_ready(child: subprocess.Popen[bytes], url: str) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_S
    while child.poll() is None:
        if time.monotonic() > deadline:
            print(f"error: vLLM did not answer at {url} within {START_TIMEOUT_S} s", file=sys.stderr)
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            return False
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=5):
                return True
        except OSError:
            time.sleep(0.5)
    return False
