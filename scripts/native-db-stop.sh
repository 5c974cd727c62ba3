#!/usr/bin/env bash
# Stop the native PostgreSQL 17 + TimescaleDB server started by
# scripts/native-db-start.sh and unmount the chroot's /proc and /dev.
# Never fails when nothing is running. The install is kept for the next start.
#
# Environment: TSDB_NATIVE_EDITION (apache or tsl) and TSDB_NATIVE_DIR: see scripts/lib/native-db-dir.sh
set -euo pipefail

PG_MAJOR=17
CLUSTER=main

log() { printf 'native-db: %s\n' "$*" >&2; }

if [ "$(id -u)" != 0 ]; then
  log "error: must run as root (needs chroot and umount)"
  exit 1
fi

# shellcheck source=lib/native-db-dir.sh
. "$(dirname "$0")/lib/native-db-dir.sh"
# shellcheck source=lib/native-db-common.sh
. "$(dirname "$0")/lib/native-db-common.sh"
[ "$DIR" != / ] || { log "error: refusing to use / as the chroot directory"; exit 1; }

if [ ! -d "$DIR" ]; then
  log "nothing to stop: $DIR does not exist"
  exit 0
fi

PID_FILE="$DIR/var/lib/postgresql/$PG_MAJOR/$CLUSTER/postmaster.pid"


# Prints the postmaster pid if a server started from this chroot is alive.
running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(sed -n 1p "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && [ -d "/proc/$pid" ] || return 1
  [ "$(readlink "/proc/$pid/root" 2>/dev/null || true)" = "$DIR" ] || return 1
  printf '%s\n' "$pid"
}


# Serialize with native-db-start.sh (same lock file), but do not wait forever.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$DIR.lock"
  flock -w 120 9 || log "warning: could not take the lock $DIR.lock; continuing"
fi

status=0
# A replica made by scripts/native-db-replica.sh runs from the same chroot: stop it first.
if [ -f "$DIR/var/lib/postgresql/$PG_MAJOR/replica/postmaster.pid" ]; then
  log "stopping cluster $PG_MAJOR/replica"
  inchroot pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" replica stop -m fast </dev/null || true
  rm -f "$DIR/replica-url"
fi
# And PgBouncer of scripts/native-db-pgbouncer.sh.
if [ -f "$DIR/var/lib/postgresql/drizzle-timescale-pgbouncer.pid" ]; then
  bash "$(dirname "$0")/native-db-pgbouncer.sh" stop || true
fi
# So does the TLS + SCRAM cluster of scripts/native-db-secure.sh.
if [ -f "$DIR/var/lib/postgresql/$PG_MAJOR/secure/postmaster.pid" ]; then
  log "stopping cluster $PG_MAJOR/secure"
  inchroot pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" secure stop -m fast </dev/null || true
fi
if pid="$(running_pid)"; then
  log "stopping cluster $PG_MAJOR/$CLUSTER (pid $pid)"
  if ! inchroot pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" "$CLUSTER" stop -m fast </dev/null; then
    log "pg_ctlcluster stop failed; sending SIGINT (fast shutdown) to $pid"
    kill -INT "$pid" 2>/dev/null || true
  fi
  for _ in $(seq 1 60); do
    [ -d "/proc/$pid" ] || break
    sleep 0.5
  done
  if [ -d "/proc/$pid" ]; then
    log "error: postmaster $pid is still running; leaving mounts in place"
    exit 1
  fi
  log "stopped"
else
  log "server is not running"
fi

unmounted=0
while IFS= read -r mp; do
  [ -n "$mp" ] || continue
  if umount "$mp" 2>/dev/null; then
    log "unmounted $mp"
  elif umount -l "$mp" 2>/dev/null; then
    log "lazily unmounted $mp"
  else
    log "warning: could not unmount $mp"
    status=1
  fi
  unmounted=1
done < <(mounts_under_dir)
[ "$unmounted" = 1 ] || log "nothing mounted under $DIR"

rm -f "$DIR/url"
exit "$status"
