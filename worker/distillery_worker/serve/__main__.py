"""``python -m distillery_worker.serve --model NAME|PATH [--adapter NAME=PATH]... [--port N]``

Serves on 127.0.0.1 only, through vLLM (``vllm.py``). Prints one JSON line ``{"event":
"listening", ...}`` on stdout when ready, so a parent process can wait for it. A bad model name,
adapter or missing vLLM install is one ``error:`` line and exit code 2.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..weights import ModelNotFound
from . import vllm


def parse_adapters(values: list[str]) -> dict[str, str]:
    adapters: dict[str, str] = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name or not path:
            raise SystemExit(f"error: --adapter expects NAME=PATH, got '{value}'")
        if name in adapters:
            raise SystemExit(f"error: --adapter name '{name}' given twice")
        adapters[name] = path
    return adapters


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m distillery_worker.serve")
    parser.add_argument("--model", default="student", help="student | teacher | a model id | a directory")
    parser.add_argument("--adapter", action="append", default=[], help="NAME=PATH of a PEFT LoRA directory")
    parser.add_argument("--name", default=None, help="the name the model is served under (default: its id)")
    parser.add_argument("--port", type=int, default=8400)
    parser.add_argument(
        "--context", type=int, default=None, help="tokens one sequence may use (default: the model's own)"
    )
    parser.add_argument("--dtype", default="auto", choices=["auto", "float32", "bfloat16", "float16"])
    parser.add_argument(
        "--quantize",
        choices=vllm.QUANTIZE_CHOICES,
        default=None,
        help="int8: serve an int8 (W8A8) copy of the model, made once in the model cache (default: none; "
        f"for the teacher, ${vllm.TEACHER_QUANTIZE_ENV} if set)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=os.environ.get("DISTILLERY_SERVE_THREADS"),  # a string default goes through type=int
        help="CPU cores vLLM binds its threads to (default: $DISTILLERY_SERVE_THREADS, else every core)",
    )
    parser.add_argument(
        "--eager",
        action="store_true",
        default=os.environ.get("DISTILLERY_SERVE_EAGER") == "1",
        help="skip graph compilation: the 1.5B teacher starts in 56 s instead of 125 s and decodes "
        "9.0 instead of 10.7 tokens/s on 2 cores (default: on when $DISTILLERY_SERVE_EAGER=1)",
    )
    parser.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="exit when stdin closes: the parent holding the pipe takes the server with it, even if killed",
    )
    args = parser.parse_args(argv)
    adapters = parse_adapters(args.adapter)
    try:
        launch = vllm.plan(
            args.model,
            adapters,
            args.port,
            args.threads,
            args.context,
            args.dtype,
            args.eager,
            args.name,
            args.quantize,
        )
    except (ModelNotFound, FileNotFoundError, ValueError, vllm.VllmUnavailable) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return vllm.serve(launch, exit_with_stdin=args.exit_with_stdin)


if __name__ == "__main__":
    sys.exit(main())
