"""The code tool's sandbox: one isolated Python process per episode, JSON lines on stdio.

What it does (each layer detected at start-up and reported by the ``ready`` message; layers
that are off are printed loudly to stderr):

- separate process: model code runs in a worker process forked by the sandbox's supervisor,
  never in the host; only JSON crosses the channel (``channel.py``), never pickle.
- network namespace: the sandbox has its own empty network stack (loopback down), so neither
  the internet nor the host's loopback listeners are reachable.
- PID namespace: the supervisor is PID 1; killing it kills every process of the episode; after
  each action every process but the worker (and live SAG candidates) is killed.
- mount namespace + pivot_root: the file system is a read-only skeleton holding only the
  Python stdlib, the venv's site-packages, this package, the shared-library dir
  (/usr/lib/<arch>-linux-gnu), /dev/{null,zero,urandom…}
  and a private /proc; the only writable place is the episode's scratch dir on a size-limited
  tmpfs (random name, unlistable parent, copied per SAG candidate).
- unprivileged uid (100000 + launcher pid, unique per episode), no capabilities, no-new-privs,
  non-dumpable (siblings can't ptrace it or read its /proc entries).
- rlimits: address space (default 1 GiB), CPU seconds per action (soft limit, re-armed by the
  worker) and per worker lifetime (hard), file size, open files, processes (per-episode uid, so
  the count is per episode); none needs CAP_SYS_RESOURCE. Wall-clock timeout per action: the
  worker's own timer, then SIGKILL by the supervisor; the host kills the whole sandbox if the
  supervisor ever stops answering.
- scrubbed environment: the launcher re-executes itself with an empty environment.
- printed output (fd 1 and 2, so C code and child processes too) goes into a pipe the
  supervisor drains, capped and visibly truncated; it never becomes a protocol message.

What it does NOT protect against:

- kernel bugs: there is no seccomp filter, so every syscall is reachable (including creating
  user namespaces where the kernel allows it unprivileged); a kernel exploit escapes. Run
  untrusted models on a VM or gVisor if that matters to you.
- code choosing its own result: the worker's channel socket lives in the same process as the
  model code, which can write a fake result for its own action (no more than it could do with
  print/raise/final_answer); it cannot reach the host's stream or other episodes.
- SAG candidates share a uid: one candidate can send signals to a sibling or to the parent
  worker (a killed candidate simply fails); it can't read their memory or files. File
  descriptors opened before the fork (an open file object in the state) are shared.
- memory is limited per process (RLIMIT_AS), not per episode: N candidates may use N× the
  limit; the scratch tmpfs counts against host memory up to its size.
- resource exhaustion of the host through the kernel (e.g. page cache, inotify) and timing
  side channels are out of scope. Without root (or on kernels that refuse namespaces) the
  namespace, filesystem and uid layers are off — the ``ready`` message says so.
"""
