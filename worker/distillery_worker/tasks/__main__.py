"""``python -m distillery_worker.tasks generate SPEC --seed S --n N [--start K]`` prints one JSON
object: ``{"spec", "suite", "config", "generator": {"library", "version"}, "seed", "start",
"questions": [{"id", "position", "question", "answer", "meta"}, …]}``, question ``start`` to
``start + n - 1`` (each a function of spec, seed and position alone).
``python -m distillery_worker.tasks list`` prints the suites and their options.
Exit codes: 0 done; 2 a bad spec or flag (one ``error: …`` line on stderr)."""

from __future__ import annotations

import argparse
import json
import sys

from .specs import SUITES, SpecError, parse_spec
from .suites import library

MAX_QUESTIONS = 100_000


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other worker program
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m distillery_worker.tasks")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    gen = commands.add_parser("generate")
    gen.add_argument("spec")
    gen.add_argument("--seed", type=int, required=True)
    gen.add_argument("--n", type=int, required=True)
    gen.add_argument("--start", type=int, default=0)
    commands.add_parser("list")
    args = parser.parse_args(argv)

    if args.command == "list":
        suites = {
            name: {
                "summary": s.summary,
                "options": {k: {"default": o.default, "help": o.help} for k, o in s.options.items()},
            }
            for name, s in sorted(SUITES.items())
        }
        print(json.dumps(suites))
        return 0

    if not 0 <= args.n <= MAX_QUESTIONS:  # 0: only the canonical spec, to compare with a stored one
        parser.error(f"--n must be between 0 and {MAX_QUESTIONS}")
    if args.start < 0 or args.seed < 0:
        parser.error("--start and --seed must not be negative")
    try:
        spec = parse_spec(args.spec)
    except SpecError as err:
        parser.error(str(err))
    questions = spec.suite.generate(spec.config, args.seed, args.start, args.n)
    print(
        json.dumps(
            {
                "spec": spec.canonical,
                "suite": spec.suite.name,
                "config": spec.config,
                "generator": library(),
                "seed": args.seed,
                "start": args.start,
                "questions": questions,
            },
            default=str,  # a template's variables may hold a Fraction: kept as "1/3"
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
