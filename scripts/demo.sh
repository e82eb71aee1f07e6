#!/usr/bin/env bash
# `npm run demo`: install what is missing, load the benchmarks, build, serve the workbench, and
# run the main job (experiments/demo.yaml) on the embedded models while the workbench shows it.
source "$(dirname "$0")/lib.sh"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
if [[ ! -f .next/BUILD_ID ]] || [[ -n "$(find app components server db -newer .next/BUILD_ID -print -quit)" ]]; then
  say "building the workbench"
  npx next build >/tmp/distillery-build.log 2>&1 || { tail -40 /tmp/distillery-build.log; exit 1; }
fi
export PORT="${PORT:-3000}" HOST="${HOST:-127.0.0.1}"
bash scripts/start.sh &
server=$!
trap 'kill $server 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 120); do
  curl -sf "http://$HOST:$PORT/api/health" >/dev/null && break
  kill -0 $server 2>/dev/null || { say "the workbench did not start"; exit 1; }
  sleep 1
done
say "workbench: http://$HOST:$PORT — the demo pipeline now runs in it (Jobs and Runs pages show progress)"
# Through the running workbench's API: the jobs run inside it and appear live in the browser.
started=$SECONDS
if node bin/distillery.mjs experiment run experiments/demo.yaml; then
  say "demo pipeline finished in $(( (SECONDS - started) / 60 )) min; the untrained and the distilled student side by side:"
  say "  http://$HOST:$PORT/compare?runs=demo:student-base,demo:distilled-eval"
else
  say "the demo pipeline stopped early; see the Jobs page"
fi
say "the workbench keeps serving on http://$HOST:$PORT (Ctrl-C to stop)"
wait $server
