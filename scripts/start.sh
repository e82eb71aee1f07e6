#!/usr/bin/env bash
# Serves an already-built workbench on 127.0.0.1:${PORT:-3000} (HOST overrides the address).
# Any address but loopback needs team mode (accounts): the server refuses it too
# (instrumentation.ts), this check only says so before Next starts.
set -euo pipefail
cd "$(dirname "$0")/.."
export PORT="${PORT:-3000}" HOST="${HOST:-127.0.0.1}"
case "$HOST" in
  localhost | ::1 | "[::1]" | 127.*) ;;
  *)
    if [[ -z "${DISTILLERY_AUTH_SECRET:-}" ]]; then
      echo "[distillery] refusing to serve on $HOST without accounts: set DISTILLERY_AUTH_SECRET for team mode (README \"Security\"), or serve on 127.0.0.1" >&2
      exit 2
    fi
    ;;
esac
if [[ ! -f .next/BUILD_ID ]]; then
  echo "[distillery] no build found: run 'npm run build' (or 'npm run demo') first" >&2
  exit 1
fi
echo "[distillery] workbench on http://${HOST}:${PORT}"
exec npx next start --hostname "$HOST" --port "$PORT"
