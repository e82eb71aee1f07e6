"""Fail closed, and leave nothing behind: a sandbox missing a required layer runs no code (unless
opted out), and an episode's scratch directory is gone after the host or the launcher is SIGKILLed.

A kernel without namespaces is simulated with DISTILLERY_SANDBOX_SIMULATE_MISSING, a knob the
launcher honours for tests only (it skips the named layers and records them as off).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import pytest

from distillery_worker.sandbox.client import PACKAGE_ROOT, Episode, SandboxRefused
from distillery_worker.sandbox.isolation import REQUIRED

SIMULATE = "DISTILLERY_SANDBOX_SIMULATE_MISSING"


@pytest.mark.parametrize("layer", ["net_namespace", "pid_namespace", "filesystem_view", "unprivileged_uid"])
def test_refuses_without_a_required_layer(layer: str, tmp_path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(SandboxRefused) as refused:
        Episode(env={SIMULATE: layer})
    assert layer in refused.value.missing
    assert not marker.exists()
    assert set(REQUIRED) >= {"net_namespace", "pid_namespace", "filesystem_view", "unprivileged_uid"}


def test_runs_with_the_opt_out_and_reports_the_layer_off() -> None:
    with Episode(env={SIMULATE: "net_namespace"}, allow_unsafe=True) as ep:
        assert ep.layers["net_namespace"] is False
        assert ep.exec("print(6 * 7)")["stdout"] == "42\n"


HOST = f"""
import json, sys
from distillery_worker.sandbox.client import Episode
ep = Episode(env={{"{SIMULATE}": "filesystem_view", "TMPDIR": sys.argv[1]}}, allow_unsafe=True)
ep.exec("open('big', 'wb').write(b'x' * 4096)")
cwd = ep.exec("import os\\nprint(os.getcwd())")["stdout"].strip()
print(json.dumps([ep.proc.pid, cwd]), flush=True)
sys.stdin.read()
"""


def _start_host(tmpdir: str) -> tuple[subprocess.Popen[str], int, str]:
    """A host process holding one episode whose scratch is on the host's disk (no tmpfs view),
    under `tmpdir`: private to the test, so no other sandbox on the machine sweeps it first."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": PACKAGE_ROOT}
    host = subprocess.Popen(
        [sys.executable, "-c", HOST, tmpdir],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert host.stdout is not None
    launcher, scratch = json.loads(host.stdout.readline())
    assert os.path.isfile(os.path.join(scratch, "big"))
    return host, int(launcher), scratch


@pytest.fixture
def private_tmp() -> Iterator[str]:
    """A TMPDIR of the test's own (no other sandbox on the machine sweeps it first), which an
    episode's own uid (as root: 100000 + pid) may enter."""
    path = tempfile.mkdtemp(prefix="distillery-sandbox-test-")
    os.chmod(path, 0o711)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _gone(path: str, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not os.path.exists(path):
            return True
        time.sleep(0.05)
    return False


def _dead(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_scratch_is_removed_when_the_host_is_sigkilled(private_tmp: str) -> None:
    host, _launcher, scratch = _start_host(private_tmp)
    host.send_signal(signal.SIGKILL)
    host.wait()
    assert _gone(os.path.dirname(scratch))  # the supervisor sees the host's pipe close and cleans up


def test_scratch_of_a_sigkilled_launcher_is_swept_by_the_next_sandbox(private_tmp: str) -> None:
    host, launcher, scratch = _start_host(private_tmp)
    os.kill(launcher, signal.SIGKILL)  # nothing of the sandbox gets to clean up
    for _ in range(100):  # until the launcher is dead (a zombie counts: a container's init may not reap)
        if _dead(launcher):
            break
        time.sleep(0.05)
    # The host stays: its pipe never closes, so only the launcher's death ends the sandbox (its
    # PID 1 dies of PDEATHSIG), and nothing of the sandbox cleans up.
    try:
        assert os.path.exists(scratch)
        with Episode(env={"TMPDIR": private_tmp}) as ep:  # any later sandbox of this user
            assert ep.exec("1")["ok"]
        assert not os.path.exists(os.path.dirname(scratch))
    finally:
        host.kill()
        host.wait()


def _host_scratch_roots() -> set[str]:
    """This user's scratch roots on the host's disk (other users' sandboxes may run meanwhile)."""
    return {
        e.name
        for e in os.scandir("/tmp")
        if e.name.startswith("distillery-sandbox-") and e.stat(follow_symlinks=False).st_uid == os.geteuid()
    }


def test_isolated_scratch_never_reaches_the_host_disk() -> None:
    before = _host_scratch_roots()
    with Episode() as ep:
        ep.exec("open('f', 'wb').write(b'x' * 4096)")
        after = _host_scratch_roots()
    assert after - before == set()  # a tmpfs inside the mount namespace, gone with it
