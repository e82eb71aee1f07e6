"""Procedurally generated benchmarks (the CPU task suite): questions from reasoning-gym's generators,
one suite per name in ``specs.SUITES``, each question fixed by (suite, options, seed, index).

``python -m distillery_worker.tasks generate SPEC --seed S --n N [--start K]`` prints them as JSON;
the workbench stores them as a benchmark (``npx distillery benchmarks generate``)."""

from . import suites  # noqa: F401  (registers the suites in SUITES)
from .specs import SUITES, SpecError, TaskSpec, parse_spec

__all__ = ["SUITES", "SpecError", "TaskSpec", "parse_spec"]
