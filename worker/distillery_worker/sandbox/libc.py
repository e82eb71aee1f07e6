"""The C library through ctypes, shared by the isolation layers (namespaces, capabilities,
Landlock), and the one way a failed call becomes an OSError naming the call."""

from __future__ import annotations

import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)


def errno_error(what: str) -> OSError:
    """The OSError for the call that just failed (errno read now, before anything else runs)."""
    err = ctypes.get_errno()
    return OSError(err, f"{what}: {os.strerror(err)}")


def check(ret: int, what: str) -> None:
    """Raise for a call that returned non-zero."""
    if ret != 0:
        raise errno_error(what)
