"""The code tool's sandbox: one isolated Python process per episode, JSON lines on stdio.

What it does (each layer detected at start-up and reported by the ``ready`` message). It fails
closed: without a required layer (network, PID and mount namespaces, the file-system view,
privilege separation, no capabilities — ``isolation.REQUIRED``) the supervisor answers
``refused`` and runs no code, unless the host passed ``--allow-unsafe`` (the user's explicit
opt-out: ``--unsafe-no-sandbox`` / ``DISTILLERY_SANDBOX=unsafe``). Landlock and seccomp are
extra fences, used where the kernel has them; layers that are off are printed to stderr.

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
- privilege separation: as root, a uid of its own per episode (100000 + launcher pid); as
  anyone else, the launcher first enters a user namespace (unprivileged user namespaces,
  Linux >= 3.8 and enabled by the distribution) mapping only the caller's own uid, which is what
  lets it build the namespaces and the file-system view above without root. Either way every
  worker drops every capability (bounding, ambient, permitted, effective; securebits locked),
  sets no-new-privs and is non-dumpable (siblings can't ptrace it or read its /proc entries).
- Landlock (Linux >= 5.13, where enabled): the kernel itself limits each worker to reading the
  Python paths, /proc and a few /dev nodes and writing its episode's scratch; SAG candidates
  are narrowed to their own copy. ABI 4+: no TCP bind/connect; ABI 6+: no signals to and no
  abstract-socket connections with processes outside the sandbox.
- seccomp (via the system's libseccomp): ptrace, the mount family, unshare/setns and clone with
  namespace flags, bpf, perf_event_open, keyrings, userfaultfd, io_uring, kexec, modules,
  process_vm_*, open_by_handle_at… fail with EPERM; foreign syscall ABIs kill the process.
- rlimits: address space (default 1 GiB), CPU seconds per action (soft limit, re-armed by the
  worker) and per worker lifetime (hard), file size, open files, processes (counted per uid:
  per-episode uid as root; without root, per user namespace on Linux >= 5.14, i.e. per episode
  again — on older kernels it counts all of the user's processes); none needs CAP_SYS_RESOURCE.
  Wall-clock timeout per action: the worker's own timer, then SIGKILL by the supervisor; the
  host kills the whole sandbox if the supervisor ever stops answering.
- scrubbed environment: the launcher re-executes itself with an empty environment.
- printed output (fd 1 and 2, so C code and child processes too) goes into a pipe the
  supervisor drains, capped and visibly truncated; it never becomes a protocol message.

What it does NOT protect against:

- kernel bugs: the seccomp filter is a deny list, so most syscalls stay reachable; a kernel
  exploit through one of them escapes. Run untrusted models on a VM or gVisor if that matters.
- code choosing its own result: the worker's channel socket lives in the same process as the
  model code, which can write a fake result for its own action (no more than it could do with
  print/raise/final_answer); it cannot reach the host's stream or other episodes.
- SAG candidates share a uid: without Landlock ABI 6 one candidate can send signals to a sibling
  or to the parent worker (a killed candidate simply fails); it can't read their memory or
  files. File descriptors opened before the fork (an open file object in the state) are shared.
  A worker's Landlock domain holds its candidates' copies of scratch (a domain can only narrow
  its parent's), so while candidates run the worker could write into them; each candidate
  reaches only its own copy.
- memory is limited per process (RLIMIT_AS), not per episode: N candidates may use N× the
  limit; the scratch tmpfs counts against host memory up to its size.
- resource exhaustion of the host through the kernel (e.g. page cache, inotify) and timing
  side channels are out of scope. Where the kernel refuses user namespaces to non-root users
  (some hardened distributions, containers), the sandbox refuses to run, or runs with the
  opt-out — the ``ready`` message then lists the layers that are off.
"""
