"""Exit when the parent process is gone, however it died (SIGKILL included).

The parent gives the child a pipe as stdin, holds its write end and never writes: the child's
read end sees end-of-file exactly when the last writer, the parent, has gone. A daemon thread
waits for that and ends the process at once; whatever the child was doing is either resumable
(trainer checkpoints) or not worth saving (a model server)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

# Set by the job runner's local backend, which hands every job such a pipe. Other launchers (Ray's
# job supervisor, a shell) give stdin a file or a terminal, where end-of-file means nothing.
ENV_VAR = "DISTILLERY_LIFELINE"
STDIN_FD = 0


def exit_when_stdin_closes(before_exit: Callable[[], None] | None = None) -> None:
    """``before_exit`` runs first (e.g. to stop a child of this process), then the process ends."""
    threading.Thread(target=_wait_for_eof, args=(before_exit,), name="lifeline", daemon=True).start()


def exit_with_parent_if_asked() -> None:
    """Watch stdin when the launcher said (``DISTILLERY_LIFELINE=stdin``) that it holds the pipe."""
    if os.environ.get(ENV_VAR) == "stdin":
        exit_when_stdin_closes()


def _wait_for_eof(before_exit: Callable[[], None] | None) -> None:
    # The file descriptor, not sys.stdin: a daemon thread blocked inside the buffered reader holds
    # its lock, and a normal interpreter shutdown that then closes sys.stdin aborts the process.
    while os.read(STDIN_FD, 65536):  # a parent is not meant to write; drain what it does
        pass
    if before_exit is not None:
        before_exit()
    os._exit(0)  # following the parent out is not a failure of this process
