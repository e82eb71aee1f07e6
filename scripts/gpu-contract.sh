#!/usr/bin/env bash
# The model-server contract on a GPU machine (issue #18): vLLM's CUDA build in a venv of its own
# (what DISTILLERY_VLLM_PYTHON points the embedded server at there), then the contract suite and
# the launcher's tests against it. For a machine with an NVIDIA GPU, by hand; CI never runs it.
# Not yet run anywhere: no GPU machine was available when it was written (see the README).
#
#   bash scripts/gpu-contract.sh          # prints the DISTILLERY_VLLM_PYTHON to use, then the tests' result
source "$(dirname "$0")/lib.sh"
nvidia-smi -L >/dev/null 2>&1 || { say "no NVIDIA GPU here (nvidia-smi -L failed)"; exit 2; }
VENV="$CACHE_DIR/venv-vllm-cuda"
if [[ ! -f "$VENV/.complete" ]]; then
  say "creating $VENV (vllm 0.32.0, the CUDA build, the same release as the CPU build we use)"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "vllm==0.32.0"
  "$VENV/bin/python" -c 'import torch, vllm; assert torch.cuda.is_available(), "torch sees no GPU"'
  touch "$VENV/.complete"
fi
ensure_venv
export DISTILLERY_VLLM_PYTHON="$VENV/bin/python"
say "DISTILLERY_VLLM_PYTHON=$DISTILLERY_VLLM_PYTHON"
cd "$ROOT"
CI=true .venv/bin/python -m pytest worker/tests/test_serve.py worker/tests/test_serve_launcher.py -q -p no:cacheprovider
