"""The CPU task suite (distillery_worker.tasks): specs parsed strictly, questions a function of
(spec, seed, position) alone, and answers recomputed here independently of the generators — by
evaluating arith_large's expression, and by each checked GSM template's arithmetic read back from
the question text."""

from __future__ import annotations

import ast
import json
import operator
import re
import subprocess
import sys

import pytest
from worker_env import worker_env

from distillery_worker.tasks import SpecError, parse_spec


def generate(spec: str, seed: int, start: int, n: int) -> list[dict]:
    parsed = parse_spec(spec)
    return parsed.suite.generate(parsed.config, seed, start, n)


def test_specs_are_canonical_and_strict() -> None:
    assert (
        parse_spec("arith_large").canonical == parse_spec("arith_large:max_digits=9, operators=+-*").canonical
    )
    assert parse_spec("arith_large:max_digits=7").canonical != parse_spec("arith_large").canonical
    assert parse_spec("arith_large:operators=*+*").config["operators"] == "*+"
    for bad, message in [
        ("arith_huge", "unknown generator 'arith_huge'"),
        ("arith_large:digits=5", "no option 'digits'"),
        ("arith_large:max_digits=many", "must be an integer"),
        ("arith_large:max_digits=40", "between 1 and 12"),
        ("arith_large:min_digits=9,max_digits=5", "min_digits (9) is above max_digits (5)"),
        ("arith_large:operators=/", "takes characters of"),
        ("gsm_symbolic:difficulty=2", "gsm_symbolic has no option 'difficulty'"),
        ("arith_large:max_digits", "is not key=value"),
    ]:
        with pytest.raises(SpecError, match=re.escape(message)):
            parse_spec(bad)


@pytest.mark.parametrize("spec", ["arith_large", "gsm_symbolic", "gsm_symbolic_large"])
def test_questions_depend_on_seed_and_position_only(spec: str) -> None:
    first = generate(spec, 7, 0, 12)
    assert first == generate(spec, 7, 0, 12)
    assert generate(spec, 7, 5, 7) == first[5:]  # asking for more later returns the same first ones
    assert [q["position"] for q in first] == list(range(12))
    assert len({q["question"] for q in first}) == 12
    assert generate(spec, 8, 0, 12) != first


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}


def _evaluate(node: ast.AST) -> int:
    """Integer +, -, × and unary minus only: an evaluator of our own, not the generator's."""
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    raise AssertionError(f"unexpected node {ast.dump(node)}")


def test_arith_large_answers_recomputed() -> None:
    items = generate("arith_large", 1, 0, 300)
    large = 0
    for item in items:
        expression = re.fullmatch(r"Calculate (.+)\.", item["question"])
        assert expression, item["question"]
        assert _evaluate(ast.parse(expression.group(1), mode="eval")) == int(item["answer"])
        operands = [int(x) for x in re.findall(r"\d+", expression.group(1))]
        assert len(operands) in (2, 3) and max(len(str(x)) for x in operands) <= 9
        large += max(operands) >= 10**4
    assert large == len(items)  # every question has an operand of five digits or more


def _numbers(text: str) -> list[int]:
    return [int(x) for x in re.findall(r"\d+", text)]


# Templates whose arithmetic is re-derived here from the question text alone.
def _peel_and_saute(q: str) -> int | None:  # template 0
    m = re.search(
        r"can peel (\d+) \w+ a minute and saute (\d+) \w+ in (\d+) minutes\. .*saute (\d+) \w+\?", q
    )
    if not m:
        return None
    peel, batch, minutes, total = map(int, m.groups())
    return total // peel + total // batch * minutes


def _field_harvest(q: str) -> int | None:  # template 91
    m = re.search(r"has (\d+) (\w+)s of a \w+ field\. There are (\d+) \w+ per \2\. .*every (\d+) months", q)
    if not m:
        return None
    area, density, months = int(m.group(1)), int(m.group(3)), int(m.group(4))
    return area * density * (12 // months)


def _fence_split(q: str) -> int | None:  # template 83
    m = re.search(r"have (\d+) \w+ of fence .* getting (\d+) \w+ more than", q)
    if not m:
        return None
    total, more = map(int, m.groups())
    return (total - more) // 2


CHECKS = [_peel_and_saute, _field_harvest, _fence_split]


def test_gsm_symbolic_large_answers_recomputed() -> None:
    items = generate("gsm_symbolic_large", 3, 0, 600)
    checked = {c.__name__: 0 for c in CHECKS}
    for item in items:
        answer = int(item["answer"])
        assert 0 < answer < 10**15
        meta = item["meta"]
        assert 1000 <= meta["factor"] <= 99999
        for old, new in meta["scaled"].values():
            assert new == old * meta["factor"] and str(int(new)) in item["question"]
        assert item["question"].endswith("Give the result as your final answer. Do not include units.")
        for check in CHECKS:
            expected = check(item["question"])
            if expected is not None:
                assert expected == answer, item["question"]
                checked[check.__name__] += 1
    assert all(count >= 2 for count in checked.values()), checked


def test_gsm_symbolic_keeps_its_worked_answer() -> None:
    items = generate("gsm_symbolic", 11, 0, 100)
    for item in items:
        worked = item["meta"]["answer_cot"].strip().rsplit("####", 1)[1]
        assert float(worked) == float(item["answer"])
        expected = _peel_and_saute(item["question"])
        assert expected is None or expected == int(item["answer"])


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "distillery_worker.tasks", *args],
        capture_output=True,
        text=True,
        env=worker_env(),
        timeout=120,
    )


def test_cli_prints_json_and_refuses_bad_specs_in_one_line() -> None:
    done = run_cli("generate", "arith_large:max_digits=6", "--seed", "4", "--n", "3", "--start", "2")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["spec"] == "arith_large:max_digits=6,max_terms=3,min_digits=5,min_terms=2,operators=+-*"
    assert out["generator"] == {"library": "reasoning-gym", "version": "0.1.25"}
    assert [q["position"] for q in out["questions"]] == [2, 3, 4]
    assert run_cli("generate", "arith_large", "--seed", "4", "--n", "0").returncode == 0
    fractions = json.loads(run_cli("generate", "gsm_symbolic", "--seed", "0", "--n", "600").stdout)[
        "questions"
    ]
    assert any(
        "/" in str(v) for q in fractions for v in q["meta"]["variables"].values()
    )  # a Fraction, as text
    for args, message in [
        (("generate", "nope", "--seed", "1", "--n", "3"), "error: unknown generator 'nope'"),
        (("generate", "arith_large:x=1", "--seed", "1", "--n", "3"), "error: arith_large has no option 'x'"),
        (("generate", "arith_large", "--seed", "1", "--n", "-1"), "error: --n must be between 0"),
        (("generate", "arith_large", "--n", "3"), "error: the following arguments are required: --seed"),
    ]:
        failed = run_cli(*args)
        assert failed.returncode == 2 and failed.stdout == ""
        assert failed.stderr.strip().splitlines() == [failed.stderr.strip()] and failed.stderr.startswith(
            message
        ), failed.stderr
