#!/usr/bin/env bash
# Run the chroot's psql (PostgreSQL 17 client) against the native server
# started by scripts/native-db-start.sh, as superuser "postgres", database
# drizzle_timescale unless you pass -d. Arguments are passed through:
#
#   scripts/native-db-psql.sh -c 'select 1'
#   scripts/native-db-psql.sh -d postgres -Atc 'show timescaledb.license'
#   scripts/native-db-psql.sh -v ON_ERROR_STOP=1 < some.sql
#
# psql runs inside the chroot, so host file paths (-f FILE, \i FILE) are not
# visible to it: feed SQL files on stdin instead.
#
# TSDB_NATIVE_TOOL=pg_dump or pg_restore runs that client instead, with the same connection (its
# files, -f FILE, are paths inside the chroot, e.g. /tmp/x.dump):
#
#   TSDB_NATIVE_TOOL=pg_dump scripts/native-db-psql.sh -Fc -d mydb -f /tmp/mydb.dump
#
# Environment: TSDB_NATIVE_EDITION (apache or tsl) and TSDB_NATIVE_DIR: see scripts/lib/native-db-dir.sh
set -euo pipefail

PG_MAJOR=17
CLUSTER=main

die() { printf 'native-db: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (needs chroot)"
TOOL="${TSDB_NATIVE_TOOL:-psql}"
case "$TOOL" in psql | pg_dump | pg_restore) ;; *) die "TSDB_NATIVE_TOOL must be psql, pg_dump or pg_restore, not '$TOOL'" ;; esac

# shellcheck source=lib/native-db-dir.sh
. "$(dirname "$0")/lib/native-db-dir.sh"
PID_FILE="$DIR/var/lib/postgresql/$PG_MAJOR/$CLUSTER/postmaster.pid"

port=""
if [ -f "$PID_FILE" ]; then
  pid="$(sed -n 1p "$PID_FILE" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && [ -d "/proc/$pid" ] \
     && [ "$(readlink "/proc/$pid/root" 2>/dev/null || true)" = "$DIR" ]; then
    port="$(sed -n 4p "$PID_FILE")"
  fi
fi
[ -n "$port" ] || die "no native server is running from $DIR (start it with scripts/native-db-start.sh)"

exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  HOME=/root LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM="${TERM:-dumb}" ${COLUMNS:+COLUMNS="$COLUMNS"} \
  PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres PGDATABASE=drizzle_timescale \
  chroot "$DIR" "$TOOL" "$@"
