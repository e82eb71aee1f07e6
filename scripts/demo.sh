#!/usr/bin/env bash
# `npm run demo`: install what is missing, load the benchmarks, build, and serve the workbench.
source "$(dirname "$0")/lib.sh"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
if [[ ! -f .next/BUILD_ID ]] || [[ -n "$(find app components server db -newer .next/BUILD_ID -print -quit)" ]]; then
  say "building the workbench"
  npx next build >/tmp/distillery-build.log 2>&1 || { tail -40 /tmp/distillery-build.log; exit 1; }
fi
say "open http://${HOST:-127.0.0.1}:${PORT:-3000} in your browser"
exec bash scripts/start.sh
