#!/usr/bin/env bash
# `npm test`: install what is missing, then every tier — typecheck (TypeScript; Python with
# pyright), lint and format (eslint, ruff, Prettier), Vitest (unit + integration on PGlite, and on
# Postgres when DISTILLERY_TEST_DATABASE_URL is set), pytest for worker/ (the sandbox's tests twice:
# as root and as an unprivileged user), and Playwright e2e against the production build. Runs all
# tiers, then prints one summary line; exits non-zero if any tier failed. `npm run test:fast`
# (scripts/test-fast.sh) is the inner loop.
source "$(dirname "$0")/lib.sh"
ensure_node_modules
ensure_venv
ensure_vllm
ensure_corpus
ensure_models student
ensure_chromium
cd "$ROOT"
# Tests start vLLM model servers many times, on tiny models: skip its graph compilation (still vLLM).
export DISTILLERY_SERVE_EAGER=1
REPORTS="$(mktemp -d /tmp/distillery-test.XXXXXX)"
failed_tiers=()

tier() {
  local name="$1"; shift
  say "── $name"
  if ! "$@"; then failed_tiers+=("$name"); fi
}

if [[ -n "${DISTILLERY_TEST_DATABASE_URL:-}" ]]; then
  say "Postgres tests enabled: $DISTILLERY_TEST_DATABASE_URL"
else
  say "no DISTILLERY_TEST_DATABASE_URL: DB integration tests run on PGlite only"
fi

tier typecheck npx tsc --noEmit
tier "typecheck (python)" npm run --silent typecheck:python
tier "lint (eslint)" npx eslint .
tier "lint (ruff)" .venv/bin/ruff check worker
tier "format (ruff)" .venv/bin/ruff format --check worker
tier "format (prettier)" npx prettier --check --log-level warn "**/*.{ts,tsx,js,mjs}"
tier vitest npx vitest run --reporter=default --reporter=json --outputFile.json="$REPORTS/vitest.json"
tier pytest .venv/bin/python -m pytest worker/tests -q -p no:cacheprovider --junitxml="$REPORTS/pytest.xml"
# The sandbox again as an ordinary user (uid 65534 via setpriv when run as root): laptop users
# are not root, and the sandbox must isolate (or refuse) for them too.
tier "pytest sandbox (unprivileged)" bash scripts/test-sandbox-unprivileged.sh --junitxml="$REPORTS/pytest-unprivileged.xml"
tier build npx next build
tier playwright env PLAYWRIGHT_JSON_OUTPUT_NAME="$REPORTS/playwright.json" npx playwright test --reporter=list,json

node scripts/test-summary.mjs "$REPORTS" vitest pytest "pytest (unprivileged)" playwright
if ((${#failed_tiers[@]})); then
  say "failed tiers: ${failed_tiers[*]}"
  exit 1
fi
