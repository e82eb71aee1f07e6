#!/usr/bin/env bash
# Installs whatever is missing for the workbench: npm packages, the worker/ Python venv (cached
# outside the clone), then migrates the database and imports the benchmarks. Safe to re-run.
source "$(dirname "$0")/lib.sh"
ensure_node_modules
ensure_venv
ensure_vllm
ensure_corpus
ensure_models
say "importing benchmarks"
(cd "$ROOT" && node bin/distillery.mjs import-benchmarks | tail -1)
