"""``python -m distillery_worker.train --data FILE.jsonl --out DIR [--base MODEL] [overrides]``.

Exit codes: 0 done; 2 bad input or configuration (one line on stderr naming the flag, file
line or sample, plus an ``error`` event on stdout); anything else is a crash."""

from __future__ import annotations

import contextlib
import sys

from ..lifeline import exit_with_parent_if_asked
from .config import parse_config
from .data import DataError
from .events import emit, events_to
from .preflight import preflight


def main(argv: list[str] | None = None) -> int:
    config = parse_config(argv)
    exit_with_parent_if_asked()  # an orphaned trainer would hold the CPU until its next print
    events_to(sys.stdout)
    try:
        checked = preflight(config)  # before the slow imports: bad input fails fast
    except DataError as error:
        return fail(error)
    # Libraries print to stdout now and then; keep stdout for our JSON events only.
    with contextlib.redirect_stdout(sys.stderr):
        from .trainer import train

        try:
            train(config, checked)
        except DataError as error:
            return fail(error)
    return 0


def fail(error: DataError) -> int:
    emit("error", message=str(error))
    print(f"error: {error}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
