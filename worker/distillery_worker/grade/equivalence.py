"""Is a predicted math answer equivalent to the gold one?

Cheapest test first: exact numbers (GSM-Hard golds are floats: ``13138980`` equals
``13138980.0``), then canonical strings, then ``math-verify`` (sympy) for LaTeX, fractions,
intervals, sets and expressions. math-verify's own signal-based timeouts bound each parse and
comparison; a parse that never yields (a huge integer power in C) is the caller's to kill — the
TypeScript client restarts the grader process when an answer overruns its deadline.
"""

from __future__ import annotations

import logging
import math
import re
import time
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from .extract import answer_text, decimals_written, plain_number, squash

DEFAULT_TIMEOUT_S = 5.0
# Float noise in answers computed by code (0.1 + 0.2); far below any real difference.
REL_TOL = Fraction(1, 10**9)
# A whole-number gold: float noise in a small result (867.9999999999999), not a wrong digit.
INT_TOL = Fraction(1, 10**6)
WHOLE_NUMBER = re.compile(r"[+-]?[0-9][0-9,]*")


@dataclass
class Grade:
    correct: bool
    method: str  # numeric | string | math_verify | none
    prediction: str  # the extracted answer text that was compared
    gold: str
    timed_out: bool = False
    error: str | None = None

    def to_json(self) -> dict[str, object]:
        return asdict(self)


class _TimeoutCounter(logging.Handler):
    """math-verify reports its timeouts only as log records; count them."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "timeout" in record.getMessage().lower():
            self.count += 1


_timeouts = _TimeoutCounter()
for _name in ("math_verify", "math_verify.grader", "math_verify.parser"):
    _logger = logging.getLogger(_name)
    _logger.addHandler(_timeouts)
    _logger.propagate = False


def numbers_equal(pred_text: str, gold_text: str, pred: Fraction, gold: Fraction) -> bool:
    """Exact equality, float noise, or one side being the other rounded to the (two or more)
    decimals it was written with: ``3.33`` for 10/3, ``0.333333`` for 1/3. A gold written as a
    whole number (``70644703599055556``) is matched only to within float noise of ``INT_TOL``,
    never relatively: every digit of a large exact answer counts."""
    if pred == gold:
        return True
    if WHOLE_NUMBER.fullmatch(gold_text.strip()):
        return abs(pred - gold) <= INT_TOL
    if abs(pred - gold) <= REL_TOL * max(Fraction(1), abs(gold)):
        return True
    written = [decimals_written(text) for text in (pred_text, gold_text) if "." in text]
    places = min(written, default=0)
    return places >= 2 and abs(gold - pred) <= Fraction(1, 2 * 10**places)


def _budget(deadline: float) -> int:
    """Whole seconds left (math-verify's alarm takes ints), at least one."""
    return max(1, math.ceil(deadline - time.monotonic()))


def _parse(text: str, deadline: float) -> list[Any]:  # math-verify's forms: sympy objects, strings
    from math_verify import parse

    wrapped = parse(f"\\boxed{{{text}}}", parsing_timeout=_budget(deadline))
    if wrapped and not all(isinstance(item, str) for item in wrapped):
        return list(wrapped)
    return list(parse(text, parsing_timeout=_budget(deadline)) or wrapped)


def grade_answer(prediction: object, gold: object, timeout_s: float = DEFAULT_TIMEOUT_S) -> Grade:
    """Grade one answer. ``prediction`` may be free text with a ``\\boxed{}``; ``gold`` is the
    benchmark's answer. Never raises for bad input: errors come back on the Grade."""
    pred_text = answer_text("" if prediction is None else str(prediction))
    gold_text = answer_text("" if gold is None else str(gold))
    if not pred_text or not gold_text:
        return Grade(False, "none", pred_text, gold_text, error="empty answer")

    pred_num, gold_num = plain_number(pred_text), plain_number(gold_text)
    if pred_num is not None and gold_num is not None:
        return Grade(numbers_equal(pred_text, gold_text, pred_num, gold_num), "numeric", pred_text, gold_text)
    if squash(pred_text) == squash(gold_text):
        return Grade(True, "string", pred_text, gold_text)

    from math_verify import verify

    deadline = time.monotonic() + timeout_s
    before = _timeouts.count
    try:
        gold_parsed = _parse(gold_text, deadline)
        pred_parsed = _parse(pred_text, deadline)
        correct = bool(
            gold_parsed
            and pred_parsed
            and verify(gold_parsed, pred_parsed, timeout_seconds=_budget(deadline))
        )
    except Exception as err:  # sympy raises many kinds; a failed comparison is a wrong answer
        return Grade(False, "math_verify", pred_text, gold_text, error=f"{type(err).__name__}: {err}")
    timed_out = _timeouts.count > before or time.monotonic() > deadline
    return Grade(correct, "math_verify", pred_text, gold_text, timed_out=timed_out and not correct)
