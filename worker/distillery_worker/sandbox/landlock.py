"""Landlock (Linux >= 5.13): what a worker may touch, enforced by the kernel per process.

A second fence behind the file-system view: even a process that somehow reached another path
(a mount-namespace bug, a file descriptor it should not hold) can only read the Python paths,
/proc and the few /dev nodes, and write only inside scratch. On newer ABIs it also forbids every
TCP bind/connect (ABI 4), connecting to abstract unix sockets outside the sandbox and signalling
processes outside it, e.g. the supervisor (ABI 6). The syscall API is three calls, used via ctypes.
"""

from __future__ import annotations

import ctypes
import os
import platform

from .libc import errno_error, libc

# landlock_create_ruleset, landlock_add_rule, landlock_restrict_self: same numbers on both.
SYSCALLS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446)}
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH = 1

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE = 1 << 13, 1 << 14  # ABI 2, ABI 3

NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6

READ = EXECUTE | READ_FILE | READ_DIR
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE  # the only rights a rule on a file may hold


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _syscalls() -> tuple[int, int, int] | None:
    return SYSCALLS.get(platform.machine())


def abi_version() -> int:
    """The kernel's Landlock ABI (0: unavailable, e.g. disabled at boot or unknown architecture)."""
    calls = _syscalls()
    if calls is None:
        return 0
    version = libc.syscall(calls[0], None, 0, CREATE_RULESET_VERSION)
    return max(version, 0)


def _fs_rights(abi: int) -> int:
    rights = (1 << 13) - 1
    if abi >= 2:
        rights |= REFER
    if abi >= 3:
        rights |= TRUNCATE
    return rights


def restrict(readable: list[str], writable: list[str], devices: list[str]) -> int:
    """Enter a Landlock domain for this process and its future children; returns the ABI used.

    `readable`: read and execute beneath; `writable`: everything beneath; `devices`: read and write
    the file itself. Paths that do not exist (or this uid cannot open) are skipped. Raises
    OSError if the kernel refuses.
    """
    abi = abi_version()
    if abi == 0:
        raise OSError("landlock is not available on this kernel")
    create, add_rule, restrict_self = _syscalls() or (0, 0, 0)
    fs = _fs_rights(abi)
    attr = _RulesetAttr(fs, NET_BIND_TCP | NET_CONNECT_TCP, SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL)
    size = 8 if abi < 4 else 16 if abi < 6 else 24  # older kernels reject fields they do not know
    ruleset = libc.syscall(create, ctypes.byref(attr), size, 0)
    if ruleset < 0:
        raise errno_error("landlock_create_ruleset")
    try:
        rules = [(p, READ) for p in readable] + [(p, fs) for p in writable]
        rules += [(p, READ_FILE | WRITE_FILE | (TRUNCATE if abi >= 3 else 0)) for p in devices]
        for path, rights in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except (FileNotFoundError, PermissionError):
                continue  # absent, or out of this uid's reach anyway: nothing to allow
            try:
                if not os.path.isdir(path):
                    rights &= FILE_RIGHTS
                rule = _PathBeneath(rights & fs, fd)
                if libc.syscall(add_rule, ruleset, RULE_PATH_BENEATH, ctypes.byref(rule), 0) != 0:
                    raise errno_error(f"landlock_add_rule {path}")
            finally:
                os.close(fd)
        if libc.syscall(restrict_self, ruleset, 0) != 0:
            raise errno_error("landlock_restrict_self")
    finally:
        os.close(ruleset)
    return abi
