#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 in a temp dir for the DB integration tests
# (installing Debian's postgresql if missing) and prints its URL. Stop it with:
#   scripts/postgres-for-tests.sh stop DIR
set -euo pipefail
if [[ "${1:-}" == "stop" ]]; then
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  runuser -u postgres -- "$bin/pg_ctl" -D "$2/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$2"
  exit 0
fi
if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  echo "[distillery] installing Debian's postgresql for the Postgres tests" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
# A free port unless one is given, so a cluster left behind by an interrupted run never blocks this one.
port="${PGTEST_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
dir="$(mktemp -d /tmp/distillery-pg.XXXXXX)"
chown postgres "$dir"
runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off" start >/dev/null
echo "PGTEST_DIR=$dir"
echo "DISTILLERY_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
