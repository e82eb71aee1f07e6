"""Distillery's Python side: what only the Python ecosystem does well.

Subpackages: ``serve`` (OpenAI-compatible model server), ``grade`` (math-answer equivalence),
``sandbox`` (the code tool's isolated interpreter), ``train`` (LoRA SFT), ``weights`` (the
embedded models' weights: registry, installer, tiny test models). None of them opens the
database: they talk to the TypeScript host over stdio JSON lines or HTTP.
"""
