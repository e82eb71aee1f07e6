"""Whether a teacher can score a student's tokens: their tokenizers must give every id the same
meaning, since the teacher scores the student's token ids.

``python -m distillery_worker.distill.pair --student MODEL --teacher MODEL`` prints the shared
vocabulary's size as JSON when the two share a tokenizer, else exits 2 with one line naming both. The
workbench asks it before it queues a distillation, so a mismatched pair is refused at once rather than
after the first round's episodes; each round checks again (``load_tokenizers``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..train.data import DataError
from ..weights import ModelNotFound, resolve_model
from .teacher import describe_tokenizer, same_tokenizer


def resolve(flag: str, name: str) -> Path:
    try:
        return resolve_model(name).path
    except ModelNotFound as error:
        raise DataError(f"{flag}: {error}") from None


def load_tokenizers(student: str, teacher: str) -> Any:
    """The student's tokenizer, after checking that the teacher's gives every id the same meaning."""
    from transformers import AutoTokenizer

    student_tokenizer = AutoTokenizer.from_pretrained(resolve("--student", student))
    teacher_tokenizer = AutoTokenizer.from_pretrained(resolve("--teacher", teacher))
    if not same_tokenizer(student_tokenizer, teacher_tokenizer):
        raise DataError(
            f"the teacher {describe_tokenizer(teacher, teacher_tokenizer)} and the student "
            f"{describe_tokenizer(student, student_tokenizer)} have different tokenizers; on-policy "
            "distillation scores the student's own tokens with the teacher, so they must share one"
        )
    return student_tokenizer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m distillery_worker.distill.pair", description=__doc__)
    parser.add_argument(
        "--student", required=True, help="the student's base model: a registry name or a model directory"
    )
    parser.add_argument(
        "--teacher", required=True, help="the teacher model: a registry name or a model directory"
    )
    args = parser.parse_args(argv)
    try:
        tokenizer = load_tokenizers(args.student, args.teacher)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps({"vocabulary": len(tokenizer.get_vocab())}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
