#!/usr/bin/env bash
# Serves an already-built workbench on 127.0.0.1:${PORT:-3000} (HOST overrides the address).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f .next/BUILD_ID ]]; then
  echo "[distillery] no build found: run 'npm run build' (or 'npm run demo') first" >&2
  exit 1
fi
export PORT="${PORT:-3000}" HOST="${HOST:-127.0.0.1}"
echo "[distillery] workbench on http://${HOST}:${PORT}"
exec npx next start --hostname "$HOST" --port "$PORT"
