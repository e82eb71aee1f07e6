"""OS isolation layers, applied with plain Linux syscalls through ctypes.

Two moments: ``enter_namespaces`` runs in the launcher before it forks the sandbox's PID 1
(without root first a user namespace, then new network, PID, mount, IPC and UTS namespaces);
``build_root`` runs in PID 1 and replaces the file-system view with a read-only skeleton
holding only what Python needs; ``confine`` runs in every worker just before it starts running
model code (rlimits, unprivileged uid, no capabilities, no-new-privs, non-dumpable, Landlock,
seccomp). Every layer that the kernel refuses is recorded as off, never silently skipped; which
ones the sandbox cannot run without is ``REQUIRED`` (the supervisor refuses to start otherwise).
"""

from __future__ import annotations

import ctypes
import functools
import glob
import os
import platform
import resource
import sys
import sysconfig
from dataclasses import dataclass, field

from . import landlock, privileges, seccomp
from .libc import check as _check
from .libc import libc as _libc

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 1, 4, 38
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}

SCRATCH = "/scratch"
DEVICES = ("null", "zero", "full", "random", "urandom")
# Without these the sandbox refuses to run code (unless started with --allow-unsafe). Landlock
# and seccomp are extra fences, used wherever the kernel has them and reported, not required.
REQUIRED = (
    "net_namespace",
    "pid_namespace",
    "mount_namespace",
    "filesystem_view",
    "unprivileged_uid",
    "no_capabilities",
)
# Simulates layers the kernel refused, for tests of the refusal path only (see __main__.py).
SIMULATE_MISSING = "DISTILLERY_SANDBOX_SIMULATE_MISSING"

_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]


@dataclass
class Layers:
    """Which isolation layers are active; ``notes`` says why a layer is off."""

    active: dict[str, bool] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    def set(self, name: str, on: bool, note: str = "") -> None:
        self.active[name] = on
        if note:
            self.notes[name] = note

    def off(self) -> list[str]:
        return [name for name, on in self.active.items() if not on]

    def missing(self) -> list[str]:
        """Required layers that are off (or were never set up)."""
        return [name for name in REQUIRED if not self.active.get(name)]


@dataclass(frozen=True)
class Limits:
    """Per-process resource limits of a worker (each candidate gets its own copy)."""

    memory_bytes: int = 1 << 30
    cpu_seconds: int = 0  # per action; 0: the action's wall-clock timeout + 5 s
    lifetime_cpu_seconds: int = 3600  # per worker process, across all its actions
    file_bytes: int = 64 << 20
    open_files: int = 256
    processes: int = 64


def _mount(src: str | None, dst: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    def enc(s: str | None) -> bytes | None:
        return s.encode() if s is not None else None

    _check(_libc.mount(enc(src), enc(dst), enc(fstype), flags, enc(data)), f"mount {dst}")


def prctl(option: int, arg: int) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0), f"prctl {option}")


def enter_namespaces(layers: Layers, simulate_missing: frozenset[str] = frozenset()) -> None:
    """Unshare namespaces in the launcher; the next child it forks becomes PID 1 of the sandbox.

    As root, privilege separation is a per-episode uid (``confine``). Otherwise a user namespace
    comes first: it grants the capabilities (inside it only) that the other namespaces need."""
    if os.geteuid() == 0:
        layers.set("unprivileged_uid", "unprivileged_uid" not in simulate_missing, "per-episode uid")
    elif "unprivileged_uid" in simulate_missing:
        layers.set("unprivileged_uid", False, "simulated for a test")
    else:
        try:
            privileges.enter_user_namespace()
            layers.set("unprivileged_uid", True, f"uid {os.getuid()} in its own user namespace")
        except OSError as err:
            layers.set("unprivileged_uid", False, f"no user namespace ({err}); not root")
            for name in ("net_namespace", "pid_namespace", "mount_namespace"):
                layers.set(name, False, "needs root or a user namespace")
            return
    wanted = {"net_namespace": CLONE_NEWNET, "pid_namespace": CLONE_NEWPID, "mount_namespace": CLONE_NEWNS}
    for name in simulate_missing & set(wanted):
        layers.set(name, False, "simulated for a test")
        del wanted[name]
    extra = CLONE_NEWIPC | CLONE_NEWUTS
    if _libc.unshare(sum(wanted.values()) | extra) == 0:
        for name in wanted:
            layers.set(name, True)
        return
    for name, flag in wanted.items():  # some kernels allow only some namespaces: keep what works
        ok = _libc.unshare(flag) == 0
        layers.set(name, ok, "" if ok else os.strerror(ctypes.get_errno()))
    _libc.unshare(extra)


@functools.cache
def python_paths() -> list[str]:
    """Host paths the interpreter needs, read-only: stdlib, site-packages, shared libraries.

    Cached, and first called by the launcher: a worker with its own uid may no longer be able to
    read the directories (e.g. under root's home) from which these are worked out."""
    import distillery_worker

    # The stdlib and site dirs themselves, not their parent: for a distribution's Python that
    # parent is all of /usr/lib. A venv's own prefix holds its site-packages.
    scheme = sysconfig.get_paths()
    paths = [scheme[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")]
    paths += [sys.prefix] if sys.prefix != sys.base_prefix else []
    paths += [os.path.dirname(distillery_worker.__file__)]
    # Shared libraries only (libc, libm, libffi, libssl…), not the rest of /usr/lib.
    paths += glob.glob("/usr/lib/*-linux-gnu*")
    if not os.path.islink("/lib"):  # not a merged-/usr system
        paths += glob.glob("/lib/*-linux-gnu*")
    paths += ["/usr/lib64", "/usr/lib/locale", "/usr/share/zoneinfo", "/etc/ld.so.cache"]
    return [p for p in paths if os.path.exists(p)]


def _bind_readonly(src: str, handle: int, is_dir: bool, root: str) -> None:
    """Bind `src`, opened earlier as `handle`, read-only at the same path under `root`.

    The source is reached through its O_PATH descriptor, so it is found even where the private
    tmpfs on /tmp now hides it (a clone checked out under /tmp)."""
    dst = root + os.path.abspath(src)  # the path Python knows (a symlinked venv stays symlinked)
    if is_dir:
        os.makedirs(dst, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        open(dst, "a").close()
    _mount(f"/proc/self/fd/{handle}", dst, None, MS_BIND)
    _mount(None, dst, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | _locked_flags(dst))


# statvfs flag → mount flag. Inside a user namespace the kernel locks these flags of mounts
# that came from outside it: a read-only remount must repeat them or it fails with EPERM.
_KEEP_FLAGS = {
    os.ST_NOEXEC: MS_NOEXEC,
    os.ST_NOATIME: 1024,  # MS_NOATIME
    os.ST_NODIRATIME: 2048,  # MS_NODIRATIME
    os.ST_RELATIME: 1 << 21,  # MS_RELATIME
}


def _locked_flags(path: str) -> int:
    flags = os.statvfs(path).f_flag
    return sum(ms for st, ms in _KEEP_FLAGS.items() if flags & st)


def _make_dev(root: str) -> None:
    dev = root + "/dev"
    os.makedirs(dev)
    _mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=0755")
    for node in DEVICES:
        open(f"{dev}/{node}", "a").close()
        _mount(f"/dev/{node}", f"{dev}/{node}", None, MS_BIND)
    os.makedirs(dev + "/shm")
    _mount("tmpfs", dev + "/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=16m,mode=1777")
    os.symlink("/proc/self/fd", dev + "/fd")


def build_root(layers: Layers, scratch_mb: int, simulate_missing: frozenset[str] = frozenset()) -> None:
    """In PID 1: pivot into a fresh root holding read-only Python, /proc, /dev and a tmpfs scratch."""
    if "filesystem_view" in simulate_missing:
        layers.set("filesystem_view", False, "simulated for a test")
        return
    try:
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        sources = [(src, os.open(src, os.O_PATH), os.path.isdir(src)) for src in python_paths()]
        _mount("tmpfs", "/tmp", "tmpfs", 0, "size=64k")  # private to this namespace
        root = "/tmp/root"
        os.mkdir(root)
        _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
        for src, handle, is_dir in sources:
            _bind_readonly(src, handle, is_dir, root)
            os.close(handle)
        for link, target in (("/lib", "usr/lib"), ("/lib64", "usr/lib64"), ("/bin", "usr/bin")):
            if os.path.islink(link) and not os.path.exists(root + link):
                os.symlink(target, root + link)
        _make_dev(root)
        os.makedirs(root + "/proc")
        try:
            # hidepid=2 hides other uids' processes; without root every process of the sandbox
            # has the same uid, and it would only hide the non-dumpable workers from PID 1
            # (no CAP_SYS_PTRACE over them), which must list them to kill strays.
            if os.geteuid() != 0:
                raise OSError("no hidepid in a user namespace")
            _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")
        except OSError:
            _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        os.makedirs(root + SCRATCH)
        opts = f"size={scratch_mb}m,nr_inodes=8192,mode=0711"
        _mount("tmpfs", root + SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts)
        os.makedirs(root + "/.old")
        machine = platform.machine()
        if machine in SYS_PIVOT_ROOT:
            old = (root + "/.old").encode()
            _check(_libc.syscall(SYS_PIVOT_ROOT[machine], root.encode(), old), "pivot_root")
            os.chdir("/")
            _check(_libc.umount2(b"/.old", MNT_DETACH), "umount old root")
            os.rmdir("/.old")
        else:
            os.chroot(root)
            os.chdir("/")
        _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        layers.set("filesystem_view", True)
    except OSError as err:
        layers.set("filesystem_view", False, str(err))


def episode_uid() -> int:
    """A uid no other live sandbox uses (call it in the launcher): RLIMIT_NPROC counts per uid."""
    return 100_000 + os.getpid()


def confine(layers: Layers, limits: Limits, uid: int, scratch: str) -> Layers:
    """In a worker, last step before model code: limits, unprivileged uid, no capabilities, no
    privilege regain, then Landlock and seccomp where the kernel has them.

    Returns the layers this worker applied. A required step that fails raises (the worker dies
    before running any code); an optional fence the kernel lacks is reported off.
    """
    applied = Layers()
    for res, soft, hard in (
        (resource.RLIMIT_AS, limits.memory_bytes, limits.memory_bytes),
        # soft: re-armed per action by set_cpu_budget (SIGXCPU); hard: the worker's lifetime (SIGKILL)
        (resource.RLIMIT_CPU, limits.lifetime_cpu_seconds, limits.lifetime_cpu_seconds),
        (resource.RLIMIT_FSIZE, limits.file_bytes, limits.file_bytes),
        (resource.RLIMIT_NOFILE, limits.open_files, limits.open_files),
        # Counted per uid — per user namespace on Linux >= 5.14, so per episode either way.
        (resource.RLIMIT_NPROC, limits.processes, limits.processes),
        (resource.RLIMIT_CORE, 0, 0),
    ):
        resource.setrlimit(res, (soft, hard))
    as_root = os.geteuid() == 0
    if as_root and layers.active.get("unprivileged_uid"):
        privileges.clear_bounding_set()
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    note = privileges.drop_capabilities()
    applied.set("no_capabilities", True, note)
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    prctl(PR_SET_DUMPABLE, 0)  # siblings with the same uid can't ptrace us or read /proc/<pid>/*
    if landlock.abi_version():
        abi = landlock.restrict(
            readable=[*python_paths(), "/proc"],
            writable=[os.path.dirname(scratch), "/dev/shm"],  # its domain (procs.new_scratch)
            devices=[f"/dev/{node}" for node in DEVICES],
        )
        applied.set("landlock", True, f"ABI {abi}")
    else:
        applied.set("landlock", False, "the kernel has no Landlock (Linux >= 5.13, enabled at boot)")
    why = seccomp.available()
    if why:
        applied.set("seccomp", False, why)
    else:
        applied.set("seccomp", True, f"{seccomp.install()} rules")
    return applied


def confine_candidate(scratch: str) -> None:
    """In a SAG candidate just forked from the worker: write only its own copy of scratch."""
    if landlock.abi_version():
        landlock.restrict(
            readable=[*python_paths(), "/proc"],
            writable=[os.path.dirname(scratch), "/dev/shm"],  # its own domain, inside its worker's
            devices=[f"/dev/{node}" for node in DEVICES],
        )


def set_cpu_budget(seconds: int) -> None:
    """In a worker, before each action: `seconds` more CPU time from now (SIGXCPU after).

    RLIMIT_CPU counts a process's whole lifetime, so the soft limit is re-armed per action; the
    hard limit, set once by ``confine``, bounds the worker's lifetime and code can't raise it.
    Done by the worker itself: changing another uid's limits needs CAP_SYS_RESOURCE, which
    root does not always have (containers, some VMs).
    """
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = int(usage.ru_utime + usage.ru_stime) + seconds
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard < 0 else min(soft, hard), hard))
