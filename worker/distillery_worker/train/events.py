"""JSON-lines progress on stdout (docs/ARCHITECTURE.md §6.4); human logs go to stderr.

Events: ``mask`` (before training), ``step`` (each logging step), ``checkpoint`` (after each save),
``done`` (adapter written) and ``error`` (then exit 2). Only the main process emits them.
Standard library only, so the CLI can report input errors before importing torch."""

from __future__ import annotations

import json
import sys
from typing import Any

_events: Any = None  # None: whatever sys.stdout is when an event is emitted


def events_to(stream: Any) -> None:
    """Where events go; the CLI pins the real stdout before sending library chatter to stderr."""
    global _events
    _events = stream


def emit(event: str, **fields: Any) -> None:
    print(json.dumps({"event": event, **fields}), file=_events or sys.stdout, flush=True)


def say(message: str) -> None:
    print(f"[train] {message}", file=sys.stderr, flush=True)
