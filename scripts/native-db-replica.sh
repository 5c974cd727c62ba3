#!/usr/bin/env bash
# A streaming read replica of the native server started by scripts/native-db-start.sh.
#
# The replica is a second PostgreSQL 17 + TimescaleDB cluster ("17 replica")
# inside the same chroot as the primary, on another loopback port. It is made
# once with `pg_basebackup -R` from the running primary and then reused: on a
# later start it catches up from the primary's WAL (it is cloned again when
# it belongs to another primary or cannot catch up). The primary needs no
# change and no restart: Debian's pg_hba.conf allows replication connections
# from 127.0.0.1 with a password (native-db-start.sh sets one), wal_level is
# 'replica' and max_wal_senders 10 by default. No replication slot is used, so
# a replica that is gone never makes the primary keep WAL.
#
# Usage:
#   scripts/native-db-replica.sh start  clone if needed, start, wait until it
#                                       streams, print the replica's URL
#   scripts/native-db-replica.sh stop   stop the replica (fine when it is not running)
#   scripts/native-db-replica.sh url    print the URL of the running replica
#                                       (exit 1 if it is not running)
#   scripts/native-db-replica.sh drop   stop it and delete its cluster
#   scripts/native-db-replica.sh crash-primary
#                                       stop the primary as a power cut would
#                                       (-m immediate: no checkpoint, no goodbye to
#                                       the replica), leaving the replica running:
#                                       the failover tests then promote it
#                                       (SELECT pg_promote()). The next start of the
#                                       primary recovers it; the promoted replica is
#                                       cloned again by the next `start`.
#
# On success the last (and only) line on stdout of `start` is the URL:
#   postgres://postgres:postgres@127.0.0.1:PORT/drizzle_timescale
# It is also written to $TSDB_NATIVE_DIR/replica-url. Progress goes to stderr.
# Stop the replica before the primary (native-db-stop.sh stops both).
#
# Environment:
#   TSDB_NATIVE_DIR    chroot of the primary (default ~/.cache/drizzle-timescale/native)
#   TSDB_REPLICA_PORT  TCP port of the replica (default: the port it had, else
#                      the primary's port + 1, else the next free loopback port)
#   TSDB_REPLICA_UPSTREAM_PORT  the port the replica streams from (default: the
#                      primary's): a proxy in front of the primary, e.g. the failover
#                      test's link with a delay (the clone itself still reads the primary)
#
# Needs root (chroot).
set -euo pipefail

exec 3>&1 1>&2

PG_MAJOR=17
PRIMARY_CLUSTER=main
CLUSTER=replica
DB_NAME=drizzle_timescale
DB_USER=postgres
DB_PASSWORD=postgres
CONF_NAME=drizzle-timescale.conf
APP_NAME=drizzle_timescale_replica

log() { printf 'native-db-replica: %s\n' "$*" >&2; }
die() { printf 'native-db-replica: error: %s\n' "$*" >&2; exit 1; }

command="${1:-}"
case "$command" in
  start|stop|url|drop|crash-primary) ;;
  -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&3; exit 0 ;;
  *) die "usage: $0 start|stop|url|drop|crash-primary (try --help)" ;;
esac

[ "$(id -u)" = 0 ] || die "must run as root (needs chroot)"
if [ -n "${TSDB_REPLICA_PORT:-}" ]; then
  if ! [[ "$TSDB_REPLICA_PORT" =~ ^[0-9]{1,5}$ ]] || [ "$TSDB_REPLICA_PORT" -lt 1 ] || [ "$TSDB_REPLICA_PORT" -gt 65535 ]; then
    die "TSDB_REPLICA_PORT='$TSDB_REPLICA_PORT' is not a valid TCP port"
  fi
fi

# shellcheck source=lib/native-db-dir.sh
. "$(dirname "$0")/lib/native-db-dir.sh"
# shellcheck source=lib/native-db-common.sh
. "$(dirname "$0")/lib/native-db-common.sh"
[ "$DIR" != / ] || die "refusing to use / as the chroot directory"

PG_LIB=/usr/lib/postgresql/$PG_MAJOR/bin
CONF_DIR="$DIR/etc/postgresql/$PG_MAJOR/$CLUSTER"
DATA_IN_CHROOT=/var/lib/postgresql/$PG_MAJOR/$CLUSTER
DATA_DIR="$DIR$DATA_IN_CHROOT"
LOG_FILE="$DIR/var/log/postgresql/postgresql-$PG_MAJOR-$CLUSTER.log"
URL_FILE="$DIR/replica-url"

psql_at() {
  local port="$1"; shift
  inchroot psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$DB_USER" -d postgres "$@" </dev/null
}

url_for() { printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$DB_USER" "$DB_PASSWORD" "$1" "$DB_NAME"; }

choose_port() {
  local primary_port="$1" previous p
  if [ -n "${TSDB_REPLICA_PORT:-}" ]; then
    port_in_use "$TSDB_REPLICA_PORT" && die "TSDB_REPLICA_PORT=$TSDB_REPLICA_PORT is already in use"
    echo "$TSDB_REPLICA_PORT"; return
  fi
  previous="$(sed -n "s/^port = \([0-9]*\)$/\1/p" "$CONF_DIR/conf.d/$CONF_NAME" 2>/dev/null || true)"
  for p in $previous $(seq $((primary_port + 1)) $((primary_port + 100))); do
    [ "$p" -le 65535 ] && ! port_in_use "$p" && { echo "$p"; return; }
  done
  die "could not find a free TCP port on 127.0.0.1"
}

stop_replica() {
  local pid_file="$DATA_DIR/postmaster.pid" pid
  if ! running_port_of "$CLUSTER" >/dev/null; then log "replica is not running"; return 0; fi
  pid="$(sed -n 1p "$pid_file")"
  log "stopping cluster $PG_MAJOR/$CLUSTER (pid $pid)"
  inchroot pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" "$CLUSTER" stop -m fast </dev/null \
    || kill -INT "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    [ -d "/proc/$pid" ] || { log "stopped"; return 0; }
    sleep 0.5
  done
  die "postmaster $pid of the replica is still running"
}

# The primary's system identifier: a replica of another primary cannot stream from it.
system_id_of_primary() { psql_at "$1" -c 'select system_identifier from pg_control_system()'; }
system_id_of_replica() {
  inchroot "$PG_LIB/pg_controldata" "$DATA_IN_CHROOT" 2>/dev/null | sed -n 's/^Database system identifier: *//p'
}

# pg_basebackup first, then pg_createcluster adopts the cloned data directory
# (no initdb) and registers it with Debian's cluster tools.
clone() {
  local primary_port="$1" port="$2"
  rm -rf --one-file-system -- "$CONF_DIR" "$DATA_DIR"
  log "cloning the primary (127.0.0.1:$primary_port) with pg_basebackup -R"
  # --no-sync: PostgreSQL syncs the data directory itself when it starts from a backup.
  inchroot runuser -u postgres -- "$PG_LIB/pg_basebackup" -D "$DATA_IN_CHROOT" -R -X stream -c fast --no-sync \
    -d "host=127.0.0.1 port=$primary_port user=$DB_USER password=$DB_PASSWORD" </dev/null \
    || die "pg_basebackup failed"
  [ -f "$DATA_DIR/standby.signal" ] || die "pg_basebackup -R wrote no standby.signal"
  # Debian keeps the configuration under /etc, so the clone has none: start from the
  # primary's files (pg_createcluster moves them to /etc and points them at the replica).
  local f
  for f in postgresql.conf pg_hba.conf pg_ident.conf; do
    cp "$DIR/etc/postgresql/$PG_MAJOR/$PRIMARY_CLUSTER/$f" "$DATA_DIR/$f"
    chown --reference="$DATA_DIR/PG_VERSION" "$DATA_DIR/$f"; chmod 0600 "$DATA_DIR/$f"
  done
  inchroot pg_createcluster -p "$port" "$PG_MAJOR" "$CLUSTER" >/dev/null </dev/null \
    || die "pg_createcluster could not adopt the cloned data directory"
}

# Rewritten on every start, like the primary's: the port and the primary's
# address may have changed. Hot standby needs max_* at least the primary's.
configure() {
  local primary_port="$1" port="$2" settings auto="$DATA_DIR/postgresql.auto.conf"
  settings="$(psql_at "$primary_port" -F ' = ' -c "select name, setting from pg_settings where name in
    ('max_connections','max_worker_processes','max_wal_senders','max_prepared_transactions','max_locks_per_transaction')
    order by name")" || die "could not read the primary's settings"
  mkdir -p "$CONF_DIR/conf.d"
  cat >"$CONF_DIR/conf.d/$CONF_NAME.tmp" <<EOF
# Managed by drizzle-timescale scripts/native-db-replica.sh; rewritten on every start.
listen_addresses = '127.0.0.1'
port = $port
shared_preload_libraries = 'timescaledb'
timescaledb.telemetry_level = off
hot_standby = on
hot_standby_feedback = on
$settings
EOF
  mv -f "$CONF_DIR/conf.d/$CONF_NAME.tmp" "$CONF_DIR/conf.d/$CONF_NAME"
  # The same client authentication as the primary (its roles and passwords are cloned too).
  cp -p "$DIR/etc/postgresql/$PG_MAJOR/$PRIMARY_CLUSTER/pg_hba.conf" "$CONF_DIR/pg_hba.conf"
  # pg_basebackup -R put primary_conninfo here; point it at the primary's current port.
  { grep -v '^primary_conninfo' "$auto" || true
    printf "primary_conninfo = 'host=127.0.0.1 port=%s user=%s password=%s application_name=%s'\n" \
      "${TSDB_REPLICA_UPSTREAM_PORT:-$primary_port}" "$DB_USER" "$DB_PASSWORD" "$APP_NAME"
  } >"$auto.tmp"
  chown --reference="$auto" "$auto.tmp"; chmod --reference="$auto" "$auto.tmp"
  mv -f "$auto.tmp" "$auto"
}

# Waits until the replica is in recovery and the primary lists it as streaming.
wait_streaming() {
  local primary_port="$1" port="$2"
  for _ in $(seq 1 60); do
    if [ "$(psql_at "$port" -c 'select pg_is_in_recovery()' 2>/dev/null || true)" = t ] \
      && [ "$(psql_at "$primary_port" -c "select count(*) from pg_stat_replication
           where application_name = '$APP_NAME' and state = 'streaming'" 2>/dev/null || true)" -ge 1 ]; then
      return 0
    fi
    sleep 0.5
  done
  return 1
}

start_replica() {
  local primary_port="$1" port="$2"
  configure "$primary_port" "$port"
  log "starting cluster $PG_MAJOR/$CLUSTER on 127.0.0.1:$port"
  if ! inchroot pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" "$CLUSTER" start </dev/null; then
    [ -f "$LOG_FILE" ] && tail -n 20 "$LOG_FILE" >&2
    return 1
  fi
  wait_streaming "$primary_port" "$port"
}

publish_url() {
  url_for "$1" >"$URL_FILE.tmp" && echo >>"$URL_FILE.tmp" && mv -f "$URL_FILE.tmp" "$URL_FILE"
  url_for "$1" >&3; echo >&3
}

# --- main ----------------------------------------------------------------------

if [ "$command" = url ]; then
  port="$(running_port_of "$CLUSTER")" || { log "no replica is running from $DIR"; exit 1; }
  url_for "$port" >&3; echo >&3; exit 0
fi

[ -d "$DIR" ] || { [ "$command" = start ] && die "$DIR does not exist: start the primary with scripts/native-db-start.sh"; log "nothing to do: $DIR does not exist"; exit 0; }
exec 9>"$DIR.lock"
flock -w 300 9 || die "timed out waiting for the lock $DIR.lock"

case "$command" in
  stop) stop_replica; rm -f "$URL_FILE"; exit 0 ;;
  crash-primary)
    pid_file="$DIR/var/lib/postgresql/$PG_MAJOR/$PRIMARY_CLUSTER/postmaster.pid"
    running_port_of "$PRIMARY_CLUSTER" >/dev/null || die "no primary is running from $DIR"
    pid="$(sed -n 1p "$pid_file")"
    log "stopping the primary $PG_MAJOR/$PRIMARY_CLUSTER (pid $pid) with -m immediate"
    inchroot pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" "$PRIMARY_CLUSTER" stop -m immediate </dev/null \
      || kill -QUIT "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
      if [ ! -d "/proc/$pid" ]; then
        # Failed over from, it is no primary of this standby any more: when it starts again it must
        # not make every commit wait for a synchronous standby that is gone (ALTER SYSTEM's file).
        auto="$DIR/var/lib/postgresql/$PG_MAJOR/$PRIMARY_CLUSTER/postgresql.auto.conf"
        if grep -q '^synchronous_standby_names' "$auto" 2>/dev/null; then
          sed -i '/^synchronous_standby_names/d' "$auto"
          log "removed synchronous_standby_names from the stopped primary's postgresql.auto.conf"
        fi
        log "primary stopped"; exit 0
      fi
      sleep 0.25
    done
    die "postmaster $pid of the primary is still running" ;;
  drop)
    stop_replica
    rm -rf --one-file-system -- "$CONF_DIR" "$DATA_DIR"
    rm -f "$URL_FILE"; log "dropped"; exit 0 ;;
esac

T_START=$SECONDS
primary_port="$(running_port_of "$PRIMARY_CLUSTER")" \
  || die "no primary is running from $DIR: start it with scripts/native-db-start.sh (same TSDB_NATIVE_DIR)"
primary_id="$(system_id_of_primary "$primary_port")" || die "could not query the primary on port $primary_port"

if port="$(running_port_of "$CLUSTER")"; then
  if [ "$(system_id_of_replica)" = "$primary_id" ] && wait_streaming "$primary_port" "$port"; then
    log "already running on 127.0.0.1:$port and streaming; reusing it"
    publish_url "$port"; exit 0
  fi
  log "the running replica does not stream from this primary; re-cloning it"
  stop_replica
fi

port="$(choose_port "$primary_port")"
if [ -f "$DATA_DIR/standby.signal" ] && [ -f "$CONF_DIR/postgresql.conf" ] && [ "$(system_id_of_replica)" = "$primary_id" ]; then
  log "reusing the replica cluster in $DATA_DIR"
  if start_replica "$primary_port" "$port"; then
    log "ready in $((SECONDS - T_START)) s"; publish_url "$port"; exit 0
  fi
  log "the replica did not catch up (WAL it needs may be recycled on the primary); cloning it again"
  tail -n 5 "$LOG_FILE" >&2 || true
  stop_replica
fi

clone "$primary_port" "$port"
start_replica "$primary_port" "$port" || {
  tail -n 20 "$LOG_FILE" >&2 || true
  die "the replica did not start streaming within 30 s (log: $LOG_FILE)"
}
log "ready in $((SECONDS - T_START)) s"
publish_url "$port"
