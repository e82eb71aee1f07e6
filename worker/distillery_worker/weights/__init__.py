"""The embedded models' weights: the registry, where they live on disk, and name → path resolution.
(Named ``weights``: files on disk, not the trained students of the database's ``students``
table nor ``server/models``, what a server answers as.)

All artifacts go under one directory: ``${DISTILLERY_CACHE:-$XDG_CACHE_HOME/distillery}/models``
(``~/.cache`` when XDG_CACHE_HOME is unset), the same root scripts/lib.sh uses.
``python -m distillery_worker.weights ensure`` installs them (idempotent); nothing here downloads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .registry import MODELS, ROLES, EmbeddedModel

__all__ = [
    "MODELS",
    "ROLES",
    "EmbeddedModel",
    "ModelNotFound",
    "ResolvedModel",
    "cache_dir",
    "installed_path",
    "resolve_model",
]

MARKER = "distillery-model.json"  # written last by `ensure`: its presence means complete


class ModelNotFound(Exception):
    """A model name that is neither a role, a registry id, nor an existing path."""


@dataclass(frozen=True)
class ResolvedModel:
    id: str  # the name the server reports in /v1/models
    path: Path  # a Hugging Face model directory
    gguf_file: str | None = None  # set when path is a directory holding a GGUF file to dequantise


def cache_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    root = os.environ.get("DISTILLERY_CACHE") or str(Path(xdg) / "distillery")
    return Path(root).expanduser() / "models"


def installed_path(model_id: str) -> Path:
    return cache_dir() / model_id


def is_installed(model_id: str) -> bool:
    return (installed_path(model_id) / MARKER).is_file()


MODEL_ROOTS_ENV = "DISTILLERY_MODEL_ROOTS"


def _check_model_roots(path: Path) -> None:
    """When the workbench starts this process for an API caller it sets DISTILLERY_MODEL_ROOTS
    (os.pathsep-separated): a model path must then resolve, symlinks followed, inside one of them.
    Checked here too, at load time, so a link swapped after the workbench's own check still fails.
    Unset (the owner's own ``serve-model``), any path loads."""
    roots = [Path(r).resolve() for r in os.environ.get(MODEL_ROOTS_ENV, "").split(os.pathsep) if r]
    if not roots:
        return
    real = path.resolve()
    if not any(real != root and real.is_relative_to(root) for root in roots):
        allowed = ", ".join(map(str, roots))
        raise ModelNotFound(f"model '{path.name}': model directories load only from {allowed}")


def resolve_model(name: str) -> ResolvedModel:
    """``student`` / ``teacher`` / a registry id / a model directory / a ``.gguf`` file → where
    to load it from. Never falls back to another model: an unknown name is an error."""
    model_id = ROLES.get(name, name)
    if model_id in MODELS:
        if not is_installed(model_id):
            raise ModelNotFound(
                f"model '{model_id}' is not installed in {cache_dir()}; install it with "
                f"`python -m distillery_worker.weights ensure --only {model_id}` (or `npx distillery setup`)"
            )
        return ResolvedModel(model_id, installed_path(model_id))
    path = Path(name).expanduser()
    _check_model_roots(path)
    if path.is_dir() and (path / "config.json").is_file():
        return ResolvedModel(path.resolve().name, path.resolve())
    if path.is_file() and path.suffix == ".gguf":
        return ResolvedModel(path.stem, path.resolve().parent, gguf_file=path.name)
    known = ", ".join([*ROLES, *MODELS])
    raise ModelNotFound(
        f"unknown model '{name}': not one of {known}, nor a model directory (with config.json) or .gguf file"
    )
