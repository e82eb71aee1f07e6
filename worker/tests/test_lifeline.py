"""The lifeline (distillery_worker/lifeline.py): a process told that its parent holds its stdin
pipe exits when that pipe closes, as it does when the parent dies, even by SIGKILL."""

from __future__ import annotations

import subprocess
import sys

import pytest
from worker_env import worker_env

WAITS = "import time, distillery_worker.lifeline as l; l.exit_with_parent_if_asked(); time.sleep({seconds})"


def start(seconds: float = 120, **env: str) -> subprocess.Popen[bytes]:
    code = WAITS.format(seconds=seconds)
    return subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, env=worker_env(**env))


def test_exits_when_the_parents_end_of_stdin_closes() -> None:
    child = start(DISTILLERY_LIFELINE="stdin")
    try:
        assert child.stdin is not None
        child.stdin.write(b"ignored\n")  # what a parent writes is drained, not taken for the end
        child.stdin.flush()
        with pytest.raises(subprocess.TimeoutExpired):
            child.wait(timeout=1)
        child.stdin.close()
        assert child.wait(timeout=30) == 0
    finally:
        child.kill()
        child.wait()


def test_ignores_stdin_unless_the_launcher_asked() -> None:
    child = start(DISTILLERY_LIFELINE="")  # e.g. under Ray, where stdin means nothing
    try:
        assert child.stdin is not None
        child.stdin.close()
        with pytest.raises(subprocess.TimeoutExpired):
            child.wait(timeout=2)
    finally:
        child.kill()
        child.wait()


def test_a_normal_exit_is_not_held_up_by_the_watch() -> None:
    # The watching thread is still blocked on stdin when the program ends on its own; the
    # interpreter's shutdown must not abort on it (it did, with SIGABRT, while it read sys.stdin).
    child = start(seconds=0.5, DISTILLERY_LIFELINE="stdin")
    try:
        assert child.wait(timeout=30) == 0
    finally:
        child.kill()
        child.wait()
