"""A seccomp filter for workers: syscalls that model code never needs and kernel exploits love.

Built with the system's libseccomp (libseccomp2 on Debian/Ubuntu) through ctypes, so no BPF is
written by hand: libseccomp resolves names per architecture and kills calls made through a
foreign ABI (i386 ``int 0x80`` on x86_64). pyseccomp is the same ctypes layer over the same
library; calling it directly keeps the worker's venv unchanged. Denied calls fail with EPERM;
``clone3`` fails with ENOSYS so libc falls back to ``clone``, whose namespace flags the filter
can inspect (clone3 passes them in memory, out of the filter's reach).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno

ACT_ALLOW = 0x7FFF0000
CMP_MASKED_EQ = 7

DENIED = (
    # debugging other processes and reading their memory
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    # the mount family and namespaces
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsconfig",
    "fsmount", "fspick", "mount_setattr", "unshare", "setns",
    # big kernel attack surface that Python code has no use for
    "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "keyctl", "add_key", "request_key", "open_by_handle_at", "name_to_handle_at", "fanotify_init",
    # the machine itself
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
    "swapon", "swapoff", "syslog", "acct", "quotactl", "settimeofday", "clock_settime",
    "clock_adjtime", "iopl", "ioperm", "vhangup", "uselib",
)  # fmt: skip
CLONE_NAMESPACE_FLAGS = (
    0x00020000,  # CLONE_NEWNS
    0x02000000,  # CLONE_NEWCGROUP
    0x04000000,  # CLONE_NEWUTS
    0x08000000,  # CLONE_NEWIPC
    0x10000000,  # CLONE_NEWUSER
    0x20000000,  # CLONE_NEWPID
    0x40000000,  # CLONE_NEWNET
)


class _ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("a", ctypes.c_uint64), ("b", ctypes.c_uint64)]


def _errno_action(code: int) -> int:
    return 0x00050000 | (code & 0xFFFF)


def _load_library() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    try:
        lib = ctypes.CDLL(name, use_errno=True)
    except OSError:
        return None
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.argtypes = [
        ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(_ArgCmp)
    ]  # fmt: skip
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    return lib


# Loaded when the launcher imports this module, before the file-system view hides the library.
_lib = _load_library()


def available() -> str:
    """ "" if a filter can be installed here, else why not."""
    if _lib is None:
        return "libseccomp.so.2 not found (Debian/Ubuntu: apt install libseccomp2)"
    with open("/proc/self/status") as f:
        if not any(line.startswith("Seccomp:") for line in f):
            return "the kernel has no seccomp support"
    return ""


def install() -> int:
    """Install the filter on this thread and its future children; returns the number of rules."""
    why = available()
    if why or _lib is None:
        raise OSError(why)
    lib = _lib  # narrowed to not-None, also inside add() below
    ctx = lib.seccomp_init(ACT_ALLOW)
    if not ctx:
        raise OSError("seccomp_init failed")
    try:
        rules = 0

        def add(name: str, action: int, *cmps: _ArgCmp) -> None:
            nonlocal rules
            nr = lib.seccomp_syscall_resolve_name(name.encode())
            if nr < 0:
                return  # not a syscall on this architecture
            array = (_ArgCmp * len(cmps))(*cmps) if cmps else None
            ret = lib.seccomp_rule_add_array(ctx, action, nr, len(cmps), array)
            if ret < 0:
                raise OSError(-ret, f"seccomp rule for {name}: error {ret}")
            rules += 1

        for name in DENIED:
            add(name, _errno_action(errno.EPERM))
        add("clone3", _errno_action(errno.ENOSYS))
        for flag in CLONE_NAMESPACE_FLAGS:  # clone(flags, …): deny if (flags & flag) == flag
            add("clone", _errno_action(errno.EPERM), _ArgCmp(0, CMP_MASKED_EQ, flag, flag))
        ret = lib.seccomp_load(ctx)
        if ret < 0:
            raise OSError(-ret, f"seccomp_load: error {ret}")
        return rules
    finally:
        lib.seccomp_release(ctx)
