"""Launcher: `python -m distillery_worker.sandbox [flags]` starts one episode's sandbox.

Speaks JSON lines on stdin/stdout (see supervisor.py). It re-executes itself with a scrubbed
environment, unshares namespaces (as a non-root user inside a new user namespace), forks the
sandbox's PID 1 (the supervisor) and waits for it. Fails closed: if a required layer is off the
supervisor answers `refused` and runs nothing, unless started with --allow-unsafe (the user's
explicit opt-out, `--unsafe-no-sandbox` / DISTILLERY_SANDBOX=unsafe on the host side).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from . import procs
from .isolation import (
    SIMULATE_MISSING,
    Layers,
    Limits,
    build_root,
    enter_namespaces,
    episode_uid,
    prctl,
    python_paths,
)

CLEAN_MARK = "DISTILLERY_SANDBOX_CLEAN"
# TMPDIR: where scratch goes when there is no private tmpfs (opt-out), and where orphans are swept.
CLEAN_KEYS = {CLEAN_MARK, "PATH", "PYTHONPATH", "LC_ALL", "LC_CTYPE", "TMPDIR", SIMULATE_MISSING}
PR_SET_PDEATHSIG = 1


def _parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m distillery_worker.sandbox")
    p.add_argument("--memory-mb", type=int, default=1024)
    p.add_argument("--cpu-s", type=int, default=0, help="CPU seconds per action (0: timeout + 5)")
    p.add_argument("--file-mb", type=int, default=64)
    p.add_argument("--open-files", type=int, default=256)
    p.add_argument("--processes", type=int, default=64)
    p.add_argument("--scratch-mb", type=int, default=256)
    p.add_argument("--max-output", type=int, default=50_000, help="bytes of printed output kept per action")
    p.add_argument("--tools", default="", help="comma-separated host tools callable from code")
    p.add_argument("--preload", default="", help="comma-separated modules imported once before forking")
    p.add_argument(
        "--allow-unsafe",
        action="store_true",
        help="run code even if required isolation layers are off (the user's explicit opt-out)",
    )
    return p.parse_args(argv)


def main() -> None:
    if os.environ.get(CLEAN_MARK) != "1" or not set(os.environ) <= CLEAN_KEYS:
        # Start over with nothing of the host's environment in memory or in /proc/self/environ.
        # PYTHONPATH names this very package: a shared venv's editable install may point elsewhere.
        package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        argv = [sys.executable, "-m", "distillery_worker.sandbox", *sys.argv[1:]]
        env = {CLEAN_MARK: "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": package_root, "LC_ALL": "C.UTF-8"}
        if os.environ.get(SIMULATE_MISSING):  # tests of the refusal path only: names layers to skip
            env[SIMULATE_MISSING] = os.environ[SIMULATE_MISSING]
        if os.environ.get("TMPDIR"):
            env["TMPDIR"] = os.environ["TMPDIR"]
        os.execve(sys.executable, argv, env)
    args = _parse(sys.argv[1:])
    limits = Limits(
        memory_bytes=args.memory_mb << 20,
        cpu_seconds=args.cpu_s,
        file_bytes=args.file_mb << 20,
        open_files=args.open_files,
        processes=args.processes,
    )
    tools = [t for t in args.tools.split(",") if t.isidentifier()]
    layers = Layers()
    layers.set("separate_process", True)
    layers.set("environment_scrubbed", True)
    layers.set("rlimits", True)
    procs.sweep_orphan_scratch()  # left by launchers that were SIGKILLed
    simulate = frozenset(filter(None, os.environ.get(SIMULATE_MISSING, "").split(",")))
    launcher_pid = os.getpid()
    uid = episode_uid() if os.geteuid() == 0 else os.getuid()
    python_paths()  # worked out now, with the caller's rights, for the view and Landlock
    enter_namespaces(layers, simulate)
    pid = os.fork()
    if pid == 0:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the launcher dies → PID 1 dies → the namespace dies
        os._exit(_supervise(layers, limits, uid, tools, args, simulate, launcher_pid))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.close(0)
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status) if status else 0)


def _supervise(
    layers: Layers,
    limits: Limits,
    uid: int,
    tools: list[str],
    args: argparse.Namespace,
    simulate: frozenset[str],
    launcher_pid: int,
) -> int:
    from .supervisor import Supervisor

    if layers.active.get("mount_namespace"):
        build_root(layers, args.scratch_mb, simulate)
    else:
        layers.set("filesystem_view", False, "no mount namespace")
    for module in filter(None, args.preload.split(",")):
        __import__(module)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    supervisor = Supervisor(layers, limits, uid, tools, args.max_output, args.allow_unsafe, launcher_pid)
    return supervisor.run()


if __name__ == "__main__":
    main()
