"""GSM-Symbolic with large numbers: reasoning-gym's templates, their quantities multiplied by a
large factor, the answer recomputed by the template's own formula.

reasoning-gym's difficulty knob does not reach GSM-Hard-sized numbers, so this does what GSM-Hard
did to GSM8K (Gao et al., PAL, 2023: large numbers substituted, answers recomputed by a program),
with the program each template already has: every template defines an inner
``generate_from_variables(...)`` that writes the question, the worked answer and the result from
its inputs. We let the template draw its inputs, capture them at that call, multiply each quantity
(an integer of 10 or more whose name is not a multiplier, ratio, fraction or percentage) by one
factor k, and call the same inner function on them. A result is kept only when it is a positive
whole number below 10^15 (so the template's float steps, if any, are exact), every new quantity
appears in the question, and the template rebuilt this way reproduces its own output unscaled
(checked once per template); otherwise another template and factor are drawn."""

from __future__ import annotations

import inspect
import re
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from random import Random
from typing import Any

NOT_QUANTITIES = ("percent", "pct", "frac", "ratio", "mult")
MIN_QUANTITY = 10
MAX_ANSWER = 10**15
ATTEMPTS = 200


@dataclass(frozen=True)
class Template:
    index: int
    draw: Callable[[Random, float], dict[str, Any]]  # the template's own generator
    formula: Callable[..., dict[str, Any]]  # its inner generate_from_variables, rebuilt


@dataclass(frozen=True)
class LargeQuestion:
    template: int
    factor: int
    question: str
    answer: str
    answer_cot: str
    scaled: dict[str, list[Any]]  # name -> [original, scaled]

    def meta(self) -> dict[str, Any]:
        return {
            "generator": "gsm_symbolic (templates), scaled",
            "template": self.template,
            "factor": self.factor,
            "scaled": self.scaled,
            "answer_cot": self.answer_cot,
        }


def _inputs_of(
    draw: Callable[[Random, float], dict[str, Any]], rng: Random
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run a template's generator, capturing the arguments of its generate_from_variables call."""
    captured: dict[str, Any] = {}

    def on_call(frame: types.FrameType, event: str, arg: object) -> None:
        if event == "call" and not captured and frame.f_code.co_name == "generate_from_variables":
            captured.update(frame.f_locals)

    previous = sys.getprofile()
    sys.setprofile(on_call)
    try:
        example = draw(rng, 1.0)
    finally:
        sys.setprofile(previous)
    return captured, example


def _rebuild(draw: Callable[..., Any]) -> Callable[..., dict[str, Any]] | None:
    for const in draw.__code__.co_consts:
        if (
            isinstance(const, types.CodeType)
            and const.co_name == "generate_from_variables"
            and not const.co_freevars
        ):
            return types.FunctionType(const, draw.__globals__)
    return None


@cache
def templates() -> dict[int, Template]:
    """The templates reasoning-gym marks usable whose formula can be rebuilt and reproduces them."""
    from reasoning_gym.arithmetic.gsm_symbolic import gsm_symbolic

    generators = gsm_symbolic.GSMSymbolicDataset(
        gsm_symbolic.GSMSymbolicDatasetConfig(seed=0, size=1)
    ).generators
    found = {}
    for index in gsm_symbolic.tasks_ok:
        draw = generators[index]
        formula = _rebuild(draw)
        if formula is None:
            continue
        inputs, example = _inputs_of(draw, Random(index))
        params = list(inspect.signature(formula).parameters)
        if set(params) != set(inputs):
            continue
        again = formula(**inputs)
        if again["question"] == example["question"] and again["answer"] == example["answer"]:
            found[index] = Template(index, draw, formula)
    return found


def is_quantity(name: str, value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, float) and not value.is_integer():
        return False
    return abs(value) >= MIN_QUANTITY and not any(word in name.lower() for word in NOT_QUANTITIES)


def scale(template: Template, inputs: dict[str, Any], factor: int) -> LargeQuestion | None:
    """The template on its inputs with every quantity multiplied by ``factor``, or None if the
    result is not a positive whole number below MAX_ANSWER or the question does not show it."""
    scaled = {k: (type(v)(int(v) * factor) if is_quantity(k, v) else v) for k, v in inputs.items()}
    changed = {k: [inputs[k], scaled[k]] for k in inputs if scaled[k] != inputs[k]}
    if not changed:
        return None
    try:
        result = template.formula(**scaled)
    except (ArithmeticError, ValueError, AssertionError, TypeError):
        return None
    answer = str(result.get("answer", ""))
    if not re.fullmatch(r"[1-9][0-9]*", answer) or int(answer) >= MAX_ANSWER:
        return None
    value = result.get("answer_value", int(answer))
    if isinstance(value, float) and not value.is_integer() or int(value) != int(answer):
        return None
    if any(str(int(new)) not in result["question"] for _, new in changed.values()):
        return None
    return LargeQuestion(
        template.index, factor, result["question"], answer, result.get("answer_cot", ""), changed
    )


def large_question(seed: int, position: int, min_factor: int, max_factor: int) -> LargeQuestion:
    """Question ``position`` of the suite with ``seed``: a function of these arguments alone."""
    rng = Random(f"gsm_symbolic_large:{seed}:{position}")
    pool = [templates()[i] for i in sorted(templates())]
    for _ in range(ATTEMPTS):
        template = rng.choice(pool)
        inputs, _ = _inputs_of(template.draw, rng)
        made = scale(template, inputs, rng.randint(min_factor, max_factor))
        if made is not None:
            return made
    raise RuntimeError(
        f"no template gave a valid large question in {ATTEMPTS} draws (seed {seed}, position {position})"
    )
