"""Math-answer equivalence on tricky pairs, and the long-lived JSON-lines grader process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from worker_env import worker_env

from distillery_worker.grade import grade_answer
from distillery_worker.grade.extract import answer_text, last_boxed, plain_number

EQUIVALENT = [
    ("13138980", "13138980.0"),  # GSM-Hard golds are floats
    ("13138980.0", "13138980"),
    ("-4.5", "-4.50"),
    ("0.30000000000000004", "0.3"),  # float noise from computed answers
    ("867.9999999999999", "868"),  # float noise on a whole-number gold
    ("3.33", "3.3333333333333335"),  # rounded to the decimals written
    ("1,234", "1234"),
    ("\\$18", "18"),
    ("1e3", "1000"),
    ("The answer is \\boxed{\\frac{1}{2}}.", "0.5"),
    ("\\boxed{\\dfrac{3}{4}}", "\\frac34"),
    ("\\frac{14}{3}", "4.666666666666667"),
    ("1/3", "0.333333"),
    ("\\sqrt{2}/2", "\\frac{\\sqrt{2}}{2}"),
    ("(1,2]", "(1, 2]"),
    ("[2,\\infty)", "[2, \\infty)"),
    ("x \\in [2, \\infty)", "[2,\\infty)"),
    ("\\{1,2\\}", "\\{2,1\\}"),
    ("(3, -2)", "(3,-2)"),
    ("x=5", "5"),
    ("2\\pi", "6.283185307"),
    ("12 \\text{ cm}", "12"),
    ("\\text{(C)}", "C"),
    ("$\\left( 3, \\frac{\\pi}{2} \\right)$", "\\left( 3, \\frac{\\pi}{2} \\right)"),
    ("\\frac{\\sqrt{3}}{3}", "\\frac{1}{\\sqrt{3}}"),
    ("x^2+2x+1", "(x+1)^2"),
]

DIFFERENT = [
    ("13138981", "13138980.0"),  # an integer off by one is wrong, however large
    ("70644703599055557", "70644703599055556"),  # a whole-number gold needs every digit (arith_large)
    ("7.064470359905556e16", "70644703599055556"),  # a float's rounding is not the exact answer
    ("3.3", "3.3333333333333335"),  # one decimal is too coarse to count as rounding
    ("5.04", "5"),
    ("\\frac{1}{2}", "\\frac{1}{3}"),
    ("(1,2)", "(1,2]"),  # open vs half-open interval
    ("x^2+2x", "(x+1)^2"),
    ("-2", "2"),
]


@pytest.mark.parametrize(("prediction", "gold"), EQUIVALENT)
def test_equivalent_pairs(prediction: str, gold: str) -> None:
    grade = grade_answer(prediction, gold)
    assert grade.correct, grade


@pytest.mark.parametrize(("prediction", "gold"), DIFFERENT)
def test_different_pairs(prediction: str, gold: str) -> None:
    grade = grade_answer(prediction, gold)
    assert not grade.correct, grade


def test_numbers_and_empty_inputs() -> None:
    assert grade_answer(13138980, 13138980.0).correct  # JSON numbers, not just strings
    empty = grade_answer("", "3")
    assert not empty.correct and empty.error == "empty answer"
    assert not grade_answer(None, "3").correct


def test_extraction_helpers() -> None:
    assert last_boxed("first \\boxed{1} then \\boxed{\\frac{a}{b}} end") == "\\frac{a}{b}"
    assert last_boxed("no box") is None
    assert answer_text("$$\\frac{1}{2}$$.") == "\\frac{1}{2}"
    assert plain_number("1,000,000") == 1000000
    assert plain_number("\\frac{3}{4}") == plain_number("0.75")
    assert plain_number("x+1") is None


def test_pathological_answer_times_out_instead_of_hanging() -> None:
    grade = grade_answer("9^{9^{9^{9}}}", "1", timeout_s=1)
    assert not grade.correct
    assert grade.timed_out or grade.error is not None


def _start_grader() -> subprocess.Popen[str]:
    env = worker_env()
    return subprocess.Popen(
        [sys.executable, "-m", "distillery_worker.grade"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_grader_process_serves_many_requests_in_order() -> None:
    process = _start_grader()
    requests = [{"id": i, "prediction": p, "gold": g} for i, (p, g) in enumerate(EQUIVALENT + DIFFERENT)]
    lines = [json.dumps(r) for r in requests]
    lines += ["{broken", json.dumps({"id": "p", "op": "ping"}), json.dumps({"id": "x", "gold": "1"})]
    out, err = process.communicate("\n".join(lines) + "\n", timeout=120)
    assert process.returncode == 0, err
    replies = [json.loads(line) for line in out.splitlines()]
    assert len(replies) == len(lines)
    graded = replies[: len(requests)]
    assert [r["id"] for r in graded] == list(range(len(requests)))
    assert [r["correct"] for r in graded] == [True] * len(EQUIVALENT) + [False] * len(DIFFERENT)
    assert set(graded[0]) >= {"correct", "method", "prediction", "gold", "timed_out", "error"}
    broken, ping, missing = replies[len(requests) :]
    assert broken["id"] is None and "bad JSON" in broken["error"]
    assert ping == {"id": "p", "ok": True}
    assert missing["id"] == "x" and "prediction" in missing["error"]
