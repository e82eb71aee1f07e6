"""``python -m distillery_worker.weights ensure [--only student|teacher|ID]`` · ``list`` · ``path NAME``
· ``tiny DIR``."""

from __future__ import annotations

import argparse
import sys

from . import MODELS, ROLES, ModelNotFound, cache_dir, is_installed, resolve_model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m distillery_worker.weights")
    sub = parser.add_subparsers(dest="command", required=True)
    ensure = sub.add_parser("ensure", help="install the default student and teacher (idempotent)")
    ensure.add_argument("--only", action="append", help="student | teacher | a model id (repeatable)")
    sub.add_parser("list", help="the registry and what is installed")
    path = sub.add_parser("path", help="print the directory a model name resolves to")
    path.add_argument("name")
    tiny = sub.add_parser("tiny", help="write a tiny random chat model (for tests and demos) to DIR")
    tiny.add_argument("dir")
    args = parser.parse_args(argv)

    if args.command == "list":
        for model_id, model in MODELS.items():
            roles = ",".join(role for role, target in ROLES.items() if target == model_id) or "-"
            state = "installed" if is_installed(model_id) else "not installed"
            print(f"{model_id:30} {roles:16} {model.parameters:8.8} {state}")
        print(f"cache: {cache_dir()}")
        return 0
    if args.command == "tiny":
        from .tiny import build_tiny_model

        print(build_tiny_model(args.dir))
        return 0
    if args.command == "path":
        try:
            print(resolve_model(args.name).path)
        except ModelNotFound as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        return 0

    from .install import install

    wanted = args.only or list(ROLES)
    ids: list[str] = []
    for name in wanted:
        model_id = ROLES.get(name, name)
        if model_id not in MODELS:
            print(f"error: --only {name}: not one of {', '.join([*ROLES, *MODELS])}", file=sys.stderr)
            return 2
        if model_id not in ids:
            ids.append(model_id)
    for model_id in ids:
        install(MODELS[model_id])
    return 0


if __name__ == "__main__":
    sys.exit(main())
