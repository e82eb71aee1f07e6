"""The suites: ``arith_large`` and ``gsm_symbolic`` are reasoning-gym's generators with our
settings; ``gsm_symbolic_large`` is ours, on reasoning-gym's GSM-Symbolic templates
(``gsm_large.py``). Every question is a function of (config, seed, index) alone, so asking for
more questions later returns the same first ones."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from .specs import Option, SpecError, Suite, register

# reasoning-gym appends this to every GSM-Symbolic question; gsm_symbolic_large keeps it too.
GSM_SUFFIX = " Give the result as your final answer. Do not include units."


def library() -> dict[str, str]:
    return {"library": "reasoning-gym", "version": version("reasoning-gym")}


def _question(position: int, question: str, answer: str, meta: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(position), "position": position, "question": question, "answer": answer, "meta": meta}


def _rg_items(dataset: str, config: dict[str, Any], seed: int, start: int, n: int) -> list[dict[str, Any]]:
    """Items start..start+n-1 of a reasoning-gym dataset. Its items depend on (seed + index) only,
    and GSM-Symbolic's template choice is a sequential draw, so a larger size keeps the prefix."""
    import reasoning_gym

    data = reasoning_gym.create_dataset(dataset, seed=seed, size=start + n, **config)
    return [data[i] for i in range(start, start + n)]


def _check_range(config: dict[str, Any], low: str, high: str) -> None:
    if config[low] > config[high]:
        raise SpecError(f"{low} ({config[low]}) is above {high} ({config[high]})")


def generate_arith_large(config: dict[str, Any], seed: int, start: int, n: int) -> list[dict[str, Any]]:
    rg_config = {
        "min_terms": config["min_terms"],
        "max_terms": config["max_terms"],
        "min_digits": config["min_digits"],
        "max_digits": config["max_digits"],
        "operators": tuple(config["operators"]),
        "allow_parentheses": True,
        "allow_negation": False,
        "format_style": "simple",
        "whitespace": "single",
    }
    out = []
    for offset, item in enumerate(_rg_items("basic_arithmetic", rg_config, seed, start, n)):
        meta = {"generator": "basic_arithmetic"}
        meta.update({key: item["metadata"][key] for key in ("expression", "num_terms", "num_digits")})
        out.append(_question(start + offset, item["question"], item["answer"], meta))
    return out


def _check_arith(config: dict[str, Any]) -> None:
    _check_range(config, "min_terms", "max_terms")
    _check_range(config, "min_digits", "max_digits")


def generate_gsm_symbolic(config: dict[str, Any], seed: int, start: int, n: int) -> list[dict[str, Any]]:
    out = []
    for offset, item in enumerate(_rg_items("gsm_symbolic", {}, seed, start, n)):
        meta = item["metadata"]
        out.append(
            _question(
                start + offset,
                item["question"],
                item["answer"],
                {
                    "generator": "gsm_symbolic",
                    "answer_cot": meta["answer_cot"],
                    "variables": meta["variables"],
                },
            )
        )
    return out


def generate_gsm_symbolic_large(
    config: dict[str, Any], seed: int, start: int, n: int
) -> list[dict[str, Any]]:
    from .gsm_large import large_question

    out = []
    for position in range(start, start + n):
        item = large_question(seed, position, config["min_factor"], config["max_factor"])
        out.append(_question(position, item.question + GSM_SUFFIX, item.answer, item.meta()))
    return out


def _check_factors(config: dict[str, Any]) -> None:
    _check_range(config, "min_factor", "max_factor")


register(
    Suite(
        "arith_large",
        "exact arithmetic (+, -, ×) on operands of up to 5–9 digits: reasoning-gym basic_arithmetic",
        generate_arith_large,
        {
            "min_terms": Option(2, "fewest operands", 2, 6),
            "max_terms": Option(3, "most operands", 2, 6),
            "min_digits": Option(5, "fewest digits of the operands' size", 1, 12),
            "max_digits": Option(9, "most digits of the operands' size", 1, 12),
            "operators": Option("+-*", "operators drawn from", choices="+-*"),
        },
        _check_arith,
    )
)
register(
    Suite(
        "gsm_symbolic",
        "grade-school word problems from templates, with a worked CoT answer: reasoning-gym gsm_symbolic",
        generate_gsm_symbolic,
    )
)
register(
    Suite(
        "gsm_symbolic_large",
        "gsm_symbolic's templates with their quantities multiplied by a large factor, answers recomputed",
        generate_gsm_symbolic_large,
        {
            "min_factor": Option(1000, "smallest factor the quantities are multiplied by", 2, 10**6),
            "max_factor": Option(99999, "largest factor", 2, 10**6),
        },
        _check_factors,
    )
)
