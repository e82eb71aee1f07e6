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
  if [[ ! -f "$venv/.complete" ]]; then
    say "creating Python venv for worker/ in $venv (torch: $torch_flavour)"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    # torch first and pinned: an unpinned torch would pull a multi-GB CUDA build on CPU machines.
    # On a machine whose pip finds the local CPU wheel (find-links) this is small and fast.
    "$venv/bin/pip" install --quiet "torch==2.13.0"
    "$venv/bin/pip" install --quiet -r "$ROOT/worker/requirements.txt"
    touch "$venv/.complete"
  fi
  # The worker package itself is linked (editable), so it always matches this clone.
  if [[ "$(readlink "$ROOT/.venv" 2>/dev/null)" != "$venv" ]]; then
    ln -sfn "$venv" "$ROOT/.venv"
  fi
  if ! "$ROOT/.venv/bin/python" -c 'import distillery_worker, os, sys; sys.exit(0 if os.path.realpath(distillery_worker.__path__[0]).startswith(os.path.realpath(sys.argv[1])) else 1)' "$ROOT/worker" 2>/dev/null; then
    "$ROOT/.venv/bin/pip" install --quiet --no-deps --no-build-isolation -e "$ROOT/worker"
  fi
}

# Debian's Chromium for Playwright (a browser download is impossible here).
ensure_chromium() {
  if [[ -x /usr/bin/chromium ]]; then return; fi
  say "installing Debian's chromium for the e2e tests"
  if [[ "$(id -u)" != 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
}
