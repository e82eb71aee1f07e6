"""``python -m distillery_worker.train.preview [--base MODEL] [--max-tokens N] < RECORD.json``.

Shows what the trainer would learn from one SFT export record (docs/ARCHITECTURE.md §6.6): the record is
tokenised under the base model's chat template with the trainer's own masking code (``mask.py``),
and one JSON object goes to stdout::

    {"model", "tokens": [[text, trainable], …], "total", "trainable", "trainable_fraction",
     "shown", "mask_error"}

``tokens`` cover the rendered text without gaps (text between token spans is attached to the
next token) and stop after ``--max-tokens``; the counts are for the whole sample. A mask the
trainer would reject is reported in ``mask_error``, not raised: the preview exists to show it.
Exit codes: 0 done; 2 bad record or model (one line on stderr)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Any

from .data import DataError, parse_line
from .mask import IGNORE, encode, verify

NO_TRUNCATION = 10**9


def preview_record(tokenizer: Any, record_json: str, max_tokens: int = 4000) -> dict[str, Any]:
    """Token texts with their trainability for one record, plus the sample's counts."""
    sample = parse_line(record_json, "record", 1)
    encoded = encode(tokenizer, sample, NO_TRUNCATION)
    mask_error = None
    try:
        verify(encoded)
    except DataError as error:
        mask_error = str(error)
    tokens: list[list[Any]] = []
    covered = 0
    for (_, end), label in zip(encoded.offsets, encoded.labels, strict=True):
        if len(tokens) == max_tokens:
            break
        if end <= covered:
            continue  # zero-width or overlapping spans (some special tokens) add no text
        tokens.append([encoded.text[covered:end], label != IGNORE])
        covered = end
    shown = len(tokens)
    if covered < len(encoded.text) and shown < max_tokens:
        tokens.append([encoded.text[covered:], False])
    total = len(encoded.input_ids)
    return {
        "tokens": tokens,
        "total": total,
        "trainable": encoded.trainable,
        "trainable_fraction": encoded.trainable / total if total else 0.0,
        "shown": shown,
        "mask_error": mask_error,
    }


def load_tokenizer(name: str) -> tuple[str, Any]:
    """The tokenizer (with chat template) the trainer would use for base model ``name``."""
    from ..weights import ModelNotFound, resolve_model

    try:
        base = resolve_model(name)
    except ModelNotFound as error:
        raise DataError(f"--base: {error}") from None
    from transformers import AutoTokenizer

    gguf = {"gguf_file": base.gguf_file} if base.gguf_file else {}
    tokenizer = AutoTokenizer.from_pretrained(base.path, **gguf)
    if not getattr(tokenizer, "is_fast", False) or not tokenizer.chat_template:
        raise DataError(f"--base: {base.path} needs a fast tokenizer with a chat template")
    return base.id, tokenizer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m distillery_worker.train.preview")
    parser.add_argument("--base", default="student", help="model whose tokenizer and chat template to use")
    parser.add_argument("--max-tokens", type=int, default=4000, help="tokens to return (counts cover all)")
    args = parser.parse_args(argv)
    record = sys.stdin.read()
    out = sys.stdout
    try:
        with contextlib.redirect_stdout(sys.stderr):  # keep stdout for the one JSON object
            model, tokenizer = load_tokenizer(args.base)
            result = preview_record(tokenizer, record, args.max_tokens)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps({"model": model, **result}), file=out, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
