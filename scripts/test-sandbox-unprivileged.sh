#!/usr/bin/env bash
# The sandbox's tests (abuse corpus, benign, forks, fail-closed) as an unprivileged user, the way a
# laptop user runs the sandbox. As root: uid 65534 (nobody) via setpriv; as anyone else: as-is.
#
# The shared venv lives under root's home, which nobody cannot (and should not) read. So the tests
# run from a throwaway copy instead: a venv of the system's Python of the same version holding
# copies of just what the tests import (pytest and numpy), this checkout's worker package and the
# sandbox test files — all under a fresh temp dir, removed at exit. No permission is loosened.
# Arguments go to pytest; a --junitxml=FILE report is written by the test user and copied to FILE
# (which that user may not be able to write), so `npm test` can count it.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
if [[ "$(id -u)" != 0 ]]; then
  exec .venv/bin/python -m pytest worker/tests/test_sandbox_*.py -q -p no:cacheprovider "$@"
fi
junit=""
args=()
for arg in "$@"; do
  if [[ "$arg" == --junitxml=* ]]; then junit="${arg#--junitxml=}"; else args+=("$arg"); fi
done
user="${DISTILLERY_TEST_UNPRIVILEGED_UID:-65534}"
version="$(.venv/bin/python -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
python="$(command -v "python$version" || true)"
for candidate in "/usr/bin/python$version" "/usr/local/bin/python$version"; do
  [[ -x "$candidate" ]] && python="$candidate"
done
if [[ -z "$python" ]] || ! setpriv --reuid="$user" --regid="$user" --clear-groups "$python" -c '' 2>/dev/null; then
  echo "no Python $version that uid $user can run (Debian/Ubuntu: apt install python$version-venv)" >&2
  exit 1
fi
work="$(mktemp -d /tmp/distillery-sandbox-unprivileged.XXXXXX)"
trap 'rm -rf "$work"' EXIT
"$python" -m venv --without-pip "$work/venv"
site="$("$work/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
shared_site="$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
for pkg in pytest _pytest pluggy iniconfig packaging pygments py.py pytest_timeout.py pytest_timeout-*.dist-info \
  numpy numpy.libs sympy mpmath; do
  for path in "$shared_site"/$pkg; do [[ -e "$path" ]] && cp -a "$path" "$site/"; done
done
mkdir -p "$work/worker/tests"
cp -a worker/distillery_worker "$work/worker/"
cp worker/tests/sandbox_fixtures.py worker/tests/test_sandbox_*.py "$work/worker/tests/"
cp worker/pyproject.toml "$work/worker/"  # the pytest settings (timeout)
chmod -R a+rX "$work"
mkdir "$work/home" && chown "$user:$user" "$work/home"
if [[ -n "$junit" ]]; then args+=("--junitxml=$work/home/pytest.xml"); fi
cd "$work/worker"
status=0
setpriv --reuid="$user" --regid="$user" --clear-groups \
  env -i PATH=/usr/bin:/bin HOME="$work/home" PYTHONPATH="$work/worker" \
  "$work/venv/bin/python" -m pytest tests -q -p no:cacheprovider ${args[@]+"${args[@]}"} || status=$?
if [[ -n "$junit" && -f "$work/home/pytest.xml" ]]; then cp "$work/home/pytest.xml" "$junit"; fi
exit "$status"
