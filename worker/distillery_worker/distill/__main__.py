"""``python -m distillery_worker.distill --episodes FILE.jsonl --out DIR --student MODEL
--teacher MODEL --teacher-url URL [--adapter DIR] [overrides]``: one on-policy round (round.py).

Exit codes as the trainer's: 0 done; 2 bad input (a malformed episode file, tokenizers that
differ, a teacher server outside the contract), one line on stderr and an ``error`` event."""

from __future__ import annotations

import contextlib
import sys

from ..lifeline import exit_with_parent_if_asked
from ..train.__main__ import fail
from ..train.data import DataError
from ..train.events import events_to
from .config import parse_config


def main(argv: list[str] | None = None) -> int:
    config = parse_config(argv)
    exit_with_parent_if_asked()
    events_to(sys.stdout)
    with contextlib.redirect_stdout(sys.stderr):  # keep stdout for our JSON events
        from .round import run_round

        try:
            run_round(config)
        except DataError as error:
            return fail(error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
