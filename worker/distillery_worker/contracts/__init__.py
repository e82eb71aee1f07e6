"""The contracts shared with the TypeScript side, as JSON Schema: ``train-config.json`` (the
trainer's flags and defaults), ``trainer-events.json`` (its JSON-lines progress) and
``sandbox-protocol.json`` (the sandbox's stdio messages). The zod schemas in server/contracts/
are the source; ``npm run contracts`` writes these files, so they are never edited by hand.
tests/test_contracts.py checks the Python side against them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, cast

CONTRACTS_DIR = Path(__file__).parent


@cache
def load_contract(name: str) -> dict[str, Any]:
    """One contract's JSON Schema, e.g. ``load_contract("train-config")``."""
    return cast(dict[str, Any], json.loads((CONTRACTS_DIR / f"{name}.json").read_text()))
