#!/usr/bin/env bash
# Restart the native PostgreSQL 17 + TimescaleDB server started by
# scripts/native-db-start.sh, the way a fault would:
#
#   scripts/native-db-restart.sh            fast restart (pg_ctlcluster restart -m fast):
#                                           sessions are terminated, a checkpoint is written
#   scripts/native-db-restart.sh --crash    immediate restart (-m immediate): no checkpoint,
#                                           crash recovery at start, like a power cut
#
# Prints nothing on stdout; exits non-zero if the server does not accept
# connections again within 60 s.
#
# Environment: TSDB_NATIVE_EDITION (apache or tsl) and TSDB_NATIVE_DIR: see scripts/lib/native-db-dir.sh. Other engineers'
# test runs use the default server: restart your own instance (TSDB_NATIVE_DIR=...) instead.
set -euo pipefail

PG_MAJOR=17
CLUSTER=main

log() { printf 'native-db: %s\n' "$*" >&2; }
die() { printf 'native-db: error: %s\n' "$*" >&2; exit 1; }

mode=fast
case "${1:-}" in
  "") ;;
  --crash) mode=immediate ;;
  -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
  *) die "unknown argument: $1 (try --help)" ;;
esac

[ "$(id -u)" = 0 ] || die "must run as root (needs chroot)"

# shellcheck source=lib/native-db-dir.sh
. "$(dirname "$0")/lib/native-db-dir.sh"
# shellcheck source=lib/native-db-common.sh
. "$(dirname "$0")/lib/native-db-common.sh"
PID_FILE="$DIR/var/lib/postgresql/$PG_MAJOR/$CLUSTER/postmaster.pid"


[ -f "$PID_FILE" ] || die "no native server is running from $DIR"
port="$(sed -n 4p "$PID_FILE")"
[[ "$port" =~ ^[0-9]+$ ]] || die "cannot read the port from $PID_FILE"

log "restarting cluster $PG_MAJOR/$CLUSTER on port $port (-m $mode)"
inchroot pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" "$CLUSTER" restart -m "$mode" </dev/null >&2 \
  || die "pg_ctlcluster restart failed"
for _ in $(seq 1 120); do
  if inchroot pg_isready -q -h 127.0.0.1 -p "$port" </dev/null; then
    log "accepting connections again"
    exit 0
  fi
  sleep 0.5
done
die "the server did not accept connections within 60 s"
