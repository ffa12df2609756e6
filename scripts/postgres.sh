#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 server for tests and benchmarks (as the postgres user:
# it refuses to run as root) and prints its URL. `scripts/postgres.sh stop DIR` stops it.
set -euo pipefail
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
if [ "${1:-}" = stop ]; then
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$2" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$2"
  exit 0
fi
data_dir="$1"
port="${2:-55432}"
rm -rf "$data_dir"
mkdir -p "$data_dir"
chown postgres:postgres "$data_dir"
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
as_postgres "$pg_bin/initdb" -D "$data_dir" -A trust -U postgres >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" \
  -o "-k /tmp -p $port -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on" -w start >/dev/null
echo "postgresql://postgres@127.0.0.1:$port/postgres"
