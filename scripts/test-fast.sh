#!/usr/bin/env bash
# `npm run test:fast`: the inner loop, under a minute on two cores. Typecheck, lint, and the tests that
# need no model, no browser and no long worker run; `npm test` runs them all, and the Python
# typecheck (`npm run typecheck:python`, half a minute of CPU on its own).
# The tiers run side by side (one waits on the compiler, another on the sandbox's timeouts), each
# one's output shown only if it fails; then the same summary line as `npm test`. Exits non-zero if
# any tier failed.
source "$(dirname "$0")/lib.sh"
ensure_node_modules
ensure_venv
cd "$ROOT"
REPORTS="$(mktemp -d /tmp/distillery-test-fast.XXXXXX)"
trap 'rm -rf "$REPORTS"' EXIT

# Left to `npm test`: test files measured at seconds each — they load a model, start Python
# workers or a server, or wait out timeouts. A new test file runs here until it is added.
SLOW_VITEST=(
  server/auth/routes.test.ts
  server/auth/team-mode.test.ts
  server/benchmarks/answerable.test.ts
  server/benchmarks/import.test.ts
  server/cli/commands/generate.test.ts
  server/cli/commands/login.test.ts
  server/cli/commands/serve-model.test.ts
  server/datasets/paths.test.ts
  server/endpoints/secrets.test.ts
  server/experiments/experiment.test.ts
  server/http/boundary.test.ts
  server/jobs/backends/local.test.ts
  server/jobs/backends/ray.test.ts
  server/runs/embedded.test.ts
  server/runs/generate.test.ts
  server/scoring/math.test.ts
  server/tools/retrieval/corpus.test.ts
  server/tools/sandbox/episode.test.ts
  server/training/train.test.ts
  server/trajectories/trajectories.test.ts
  server/worker/process.test.ts
)
SLOW_PYTEST=(
  --ignore=worker/tests/test_weights_installed.py
  --ignore=worker/tests/test_sandbox_abuse.py
  --ignore=worker/tests/test_sandbox_failclosed.py
  --ignore=worker/tests/test_serve.py
  --ignore=worker/tests/test_serve_batching.py
  --ignore=worker/tests/test_serve_engine.py
  --ignore=worker/tests/test_train_run.py
  --deselect=worker/tests/test_contracts.py::test_a_real_training_run_emits_events_the_contract_accepts
)

names=()
pids=()
# Starts a tier in the background; its output and its time go to files under $REPORTS.
tier() {
  local name="$1" log="$REPORTS/tier-${#names[@]}"; shift
  names+=("$name")
  (
    start=$SECONDS
    status=0
    "$@" >"$log.log" 2>&1 || status=$?
    echo "$((SECONDS - start))" >"$log.seconds"
    exit "$status"
  ) &
  pids+=($!)
}

tier typecheck npx tsc --noEmit  # incremental (tsconfig.tsbuildinfo)
tier "lint (eslint)" npx eslint . --cache --cache-location node_modules/.cache/eslint/
tier "lint (ruff)" .venv/bin/ruff check worker
tier "format (ruff)" .venv/bin/ruff format --check worker
tier "format (prettier)" npx prettier --check --log-level warn "**/*.{ts,tsx,js,mjs}"
# --no-isolate: one module graph per worker instead of one per file, about 40% less CPU; these
# files put back what they change (npm test keeps the isolation).
tier vitest npx vitest run "${SLOW_VITEST[@]/#/--exclude=}" --no-isolate \
  --reporter=default --reporter=json --outputFile.json="$REPORTS/vitest.json"
tier pytest .venv/bin/python -m pytest worker/tests "${SLOW_PYTEST[@]}" -q -p no:cacheprovider \
  --junitxml="$REPORTS/pytest.xml"

failed_tiers=()
for i in "${!pids[@]}"; do
  log="$REPORTS/tier-$i"
  if wait "${pids[$i]}"; then
    say "── ${names[$i]}: ok ($(cat "$log.seconds") s)"
  else
    say "── ${names[$i]}: FAILED ($(cat "$log.seconds") s)"
    cat "$log.log"
    failed_tiers+=("${names[$i]}")
  fi
done

node scripts/test-summary.mjs "$REPORTS" vitest pytest
if ((${#failed_tiers[@]})); then
  say "failed tiers: ${failed_tiers[*]}"
  exit 1
fi
