"""Privilege separation without root: a user namespace for the launcher, no capabilities for workers.

As root the sandbox switches each worker to a per-episode uid (isolation.confine). Anyone else
cannot change uid, so the launcher first enters a new user namespace in which it holds the
capabilities needed to build the other namespaces and the file-system view. It maps only its
own uid and gid (identity map: code sees an ordinary, non-root uid and files it writes stay the
user's). Those namespace capabilities must never reach model code: ``drop_capabilities`` empties
every capability set (and locks root's special cases off) in each worker before it runs code.
"""

from __future__ import annotations

import ctypes
import os

from .libc import errno_error, libc

CLONE_NEWUSER = 0x10000000

PR_CAPBSET_DROP, PR_SET_SECUREBITS, PR_CAP_AMBIENT = 24, 28, 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
# NOROOT (+locked): uid 0 gains no capabilities on execve; NO_CAP_AMBIENT_RAISE (+locked).
SECUREBITS = (1 << 0) | (1 << 1) | (1 << 6) | (1 << 7)
LINUX_CAPABILITY_VERSION_3 = 0x20080522


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def enter_user_namespace() -> None:
    """unshare(CLONE_NEWUSER) and map our own uid/gid to themselves; raises OSError if refused."""
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER) != 0:
        raise errno_error("unshare(CLONE_NEWUSER)")
    _write("/proc/self/setgroups", "deny")  # an unprivileged gid_map requires it (and it stays so)
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")


def _status_caps() -> dict[str, int]:
    caps = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:")):
                key, value = line.split(":")
                caps[key] = int(value, 16)
    return caps


def clear_bounding_set() -> None:
    """Empty the bounding and ambient sets and lock securebits, while CAP_SETPCAP is still held
    (as root: before the uid change). Without CAP_SETPCAP this changes nothing; the caller checks."""
    with open("/proc/sys/kernel/cap_last_cap") as f:
        last = int(f.read())
    for cap in range(last + 1):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    libc.prctl(PR_SET_SECUREBITS, SECUREBITS, 0, 0, 0)


def drop_capabilities() -> str:
    """Empty the bounding, ambient, inheritable, permitted and effective sets; lock securebits.

    Returns a note ("" when every set is empty). Raises OSError if a capability survives in the
    effective, permitted or ambient set. An unprivileged process outside a user namespace has none
    to drop but cannot clear its bounding set either; no_new_privs makes that set moot (no execve
    can raise capabilities), so it is noted, not fatal.
    """
    clear_bounding_set()
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    if libc.capset(ctypes.byref(header), data) != 0:
        raise errno_error("capset")
    caps = _status_caps()
    left = [name for name in ("CapEff", "CapPrm", "CapInh", "CapAmb") if caps.get(name)]
    if left:
        raise OSError(f"capabilities survived in {', '.join(left)}")
    return "" if not caps.get("CapBnd") else "bounding set kept (no CAP_SETPCAP); no_new_privs covers it"
