#!/usr/bin/env bash
# PgBouncer in transaction pooling mode in front of a native server, the way most production
# deployments reach PostgreSQL.
#
# Debian trixie's pgbouncer package, installed into the chroot of the native server on first use
# (apt-get inside the chroot), started in the chroot on its own loopback port in front of the
# running cluster of that chroot (start it first with scripts/native-db-start.sh):
#   - pool_mode = transaction, default_pool_size = 10;
#   - max_prepared_statements = 100: PgBouncer 1.21+ keeps protocol-level prepared statements
#     working across server connections (postgres.js and node-postgres prepare by default);
#   - plan_cache_mode is passed on (track_extra_parameters): drizzle-timescale's pools send it
#     as a startup parameter, which PgBouncer would otherwise refuse;
#   - auth_type = trust for the test roles (the server behind it trusts loopback too).
#
# Usage:
#   scripts/native-db-pgbouncer.sh start   install if needed, start it, print its URL (last line)
#   scripts/native-db-pgbouncer.sh stop    stop it (fine when it is not running)
#   scripts/native-db-pgbouncer.sh url     print the URL of the running PgBouncer (exit 1 if none)
#
# The URL is postgres://postgres:postgres@127.0.0.1:PORT/drizzle_timescale; any database of the
# server is reachable by name through it. Progress goes to stderr.
#
# Environment: TSDB_NATIVE_EDITION (default tsl here) and TSDB_NATIVE_DIR (see
# scripts/lib/native-db-dir.sh), TSDB_PGBOUNCER_PORT (default 55472).
set -euo pipefail

exec 3>&1 1>&2

log() { printf 'native-db-pgbouncer: %s\n' "$*" >&2; }
die() { printf 'native-db-pgbouncer: error: %s\n' "$*" >&2; exit 1; }

command="${1:-}"
case "$command" in
  start|stop|url) ;;
  -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&3; exit 0 ;;
  *) die "usage: $0 start|stop|url (try --help)" ;;
esac

[ "$(id -u)" = 0 ] || die "must run as root (needs chroot)"
export TSDB_NATIVE_EDITION="${TSDB_NATIVE_EDITION:-tsl}"
# shellcheck source=lib/native-db-dir.sh
. "$(dirname "$0")/lib/native-db-dir.sh"
# shellcheck source=lib/native-db-common.sh
. "$(dirname "$0")/lib/native-db-common.sh"

PORT="${TSDB_PGBOUNCER_PORT:-55472}"
CONF_IN_CHROOT=/etc/pgbouncer/drizzle-timescale.ini
# Not under /var/run: in the chroot that is a link to /run, which the host path would miss.
PID_IN_CHROOT=/var/lib/postgresql/drizzle-timescale-pgbouncer.pid
PID_FILE="$DIR$PID_IN_CHROOT"
url_for() { printf 'postgres://postgres:postgres@127.0.0.1:%s/drizzle_timescale' "$1"; }

running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && [ -d "/proc/$pid" ] || return 1
  [ "$(readlink "/proc/$pid/root" 2>/dev/null || true)" = "$DIR" ] || return 1
  printf '%s\n' "$pid"
}

if [ "$command" = stop ]; then
  if pid="$(running_pid)"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do [ -d "/proc/$pid" ] || break; sleep 0.25; done
    log "stopped"
  else
    log "not running"
  fi
  exit 0
fi
if [ "$command" = url ]; then
  running_pid >/dev/null || die "PgBouncer is not running"
  url_for "$PORT" >&3
  exit 0
fi

server_port="$(running_port_of main)" || die "no native server is running from $DIR (start it with scripts/native-db-start.sh)"
if pid="$(running_pid)"; then
  log "already running (pid $pid)"
  url_for "$PORT" >&3
  exit 0
fi
ensure_mounts

if [ ! -x "$DIR/usr/sbin/pgbouncer" ]; then
  log "installing Debian's pgbouncer into the chroot"
  inchroot env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 update </dev/null >/dev/null || die "apt-get update in the chroot failed"
  inchroot env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 --no-install-recommends install pgbouncer </dev/null >/dev/null \
    || die "apt-get install pgbouncer in the chroot failed"
  # The package starts nothing in a chroot (no systemd); its own instance is not used.
fi
port_in_use "$PORT" && die "port $PORT is in use (set TSDB_PGBOUNCER_PORT)"

mkdir -p "$DIR/etc/pgbouncer" "$DIR/var/log/postgresql" "$DIR/var/run/postgresql"
printf '"postgres" ""\n' > "$DIR/etc/pgbouncer/drizzle-timescale-users.txt"
cat > "$DIR$CONF_IN_CHROOT" <<CONF
; Written by scripts/native-db-pgbouncer.sh
[databases]
* = host=127.0.0.1 port=$server_port

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
unix_socket_dir =
auth_type = trust
auth_file = /etc/pgbouncer/drizzle-timescale-users.txt
pool_mode = transaction
default_pool_size = 10
max_client_conn = 400
max_prepared_statements = 100
track_extra_parameters = IntervalStyle
ignore_startup_parameters = extra_float_digits
server_reset_query =
pidfile = $PID_IN_CHROOT
logfile = /var/log/postgresql/drizzle-timescale-pgbouncer.log
admin_users = postgres
CONF
inchroot chown -R postgres:postgres /etc/pgbouncer /var/run/postgresql /var/log/postgresql </dev/null
inchroot su postgres -s /bin/sh -c "pgbouncer -d $CONF_IN_CHROOT" </dev/null || die "pgbouncer did not start (see $DIR/var/log/postgresql/drizzle-timescale-pgbouncer.log)"
for _ in $(seq 1 40); do port_in_use "$PORT" && break; sleep 0.25; done
port_in_use "$PORT" || die "pgbouncer does not listen on $PORT (see $DIR/var/log/postgresql/drizzle-timescale-pgbouncer.log)"
log "PgBouncer $(inchroot pgbouncer --version </dev/null | head -1 | awk '{print $2}') on 127.0.0.1:$PORT in front of 127.0.0.1:$server_port (transaction pooling)"
url_for "$PORT" >&3
