#!/usr/bin/env bash
# A native server that accepts only TLS and SCRAM passwords, as managed TimescaleDB does.
#
# A third PostgreSQL 17 cluster ("17 secure") inside the full-license chroot made by
# `TSDB_NATIVE_EDITION=tsl scripts/native-db-start.sh` (TimescaleDB 2.29.2 with its TSL module and
# scheduler), on its own loopback port, with:
#   - ssl = on, with a certificate made here: a throwaway CA and a server certificate for
#     localhost and 127.0.0.1 signed by it (openssl; never committed, kept in the chroot), and a
#     second CA that signed nothing, for tests of a wrong CA; it listens on 127.0.0.2 too, an
#     address its certificate does not name, for tests of a wrong host name;
#   - password_encryption = scram-sha-256;
#   - pg_hba.conf: `hostssl ... scram-sha-256` for every role over TCP, `hostnossl ... reject`;
#     the scripts' own set-up goes over the Unix socket inside the chroot (trust, postgres only).
#
# Usage:
#   scripts/native-db-secure.sh start   make the cluster if needed, start it, print its URL
#   scripts/native-db-secure.sh stop    stop it (fine when it is not running)
#   scripts/native-db-secure.sh url     print the URL of the running cluster (exit 1 if it is not)
#   scripts/native-db-secure.sh tls-dir print the host directory of ca.crt and other-ca.crt
#
# The last line on stdout of `start` is the superuser's URL (password `postgres`, no sslmode:
# add `?sslmode=require`, or `verify-full` with the CA):
#   postgres://postgres:postgres@localhost:PORT/postgres
# The certificates are in $DIR/secure-tls/ on the host: ca.crt (the server's CA), other-ca.crt
# (a CA that signed nothing). Progress goes to stderr. Stop it before the main cluster
# (native-db-stop.sh stops it too).
#
# Environment: TSDB_NATIVE_EDITION (default tsl here) and TSDB_NATIVE_DIR (see
# scripts/lib/native-db-dir.sh), TSDB_SECURE_PORT (default 55462 when free).
set -euo pipefail

exec 3>&1 1>&2

PG_MAJOR=17
CLUSTER=secure
DB_USER=postgres
DB_PASSWORD=postgres
CONF_NAME=drizzle-timescale.conf
DEFAULT_PORT=55462

log() { printf 'native-db-secure: %s\n' "$*" >&2; }
die() { printf 'native-db-secure: error: %s\n' "$*" >&2; exit 1; }

command="${1:-}"
case "$command" in
  start|stop|url|tls-dir) ;;
  -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&3; exit 0 ;;
  *) die "usage: $0 start|stop|url|tls-dir (try --help)" ;;
esac

[ "$(id -u)" = 0 ] || die "must run as root (needs chroot)"
export TSDB_NATIVE_EDITION="${TSDB_NATIVE_EDITION:-tsl}"
# shellcheck source=lib/native-db-dir.sh
. "$(dirname "$0")/lib/native-db-dir.sh"
# shellcheck source=lib/native-db-common.sh
. "$(dirname "$0")/lib/native-db-common.sh"

CONF_DIR="$DIR/etc/postgresql/$PG_MAJOR/$CLUSTER"
TLS_IN_CHROOT=/etc/postgresql/$PG_MAJOR/$CLUSTER/tls
TLS_DIR="$DIR$TLS_IN_CHROOT"
HOST_TLS="$DIR/secure-tls"
LOG_FILE="$DIR/var/log/postgresql/postgresql-$PG_MAJOR-$CLUSTER.log"

url_for() { printf 'postgres://%s:%s@localhost:%s/postgres' "$DB_USER" "$DB_PASSWORD" "$1"; }

# psql over the chroot's Unix socket, as postgres (trusted there, the only path that is).
socket_psql() {
  local port="$1"; shift
  inchroot psql -X -q -At -v ON_ERROR_STOP=1 -h /var/run/postgresql -p "$port" -U "$DB_USER" -d postgres "$@" </dev/null
}

stop_secure() {
  running_port_of "$CLUSTER" >/dev/null || { log "not running"; return 0; }
  inchroot pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" "$CLUSTER" stop -m fast </dev/null || die "could not stop the cluster"
  log "stopped"
}

make_certificates() {
  [ -f "$TLS_DIR/server.crt" ] && [ -f "$HOST_TLS/ca.crt" ] && [ -f "$HOST_TLS/other-ca.crt" ] && return 0
  log "making a throwaway CA and a server certificate for localhost and 127.0.0.1"
  mkdir -p "$TLS_DIR" "$HOST_TLS"
  local work
  work="$(mktemp -d)"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj '/CN=drizzle-timescale test CA' \
    -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null || die "openssl: CA"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj '/CN=drizzle-timescale other CA' \
    -keyout "$work/other-ca.key" -out "$work/other-ca.crt" 2>/dev/null || die "openssl: other CA"
  openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null \
    || die "openssl: server key"
  printf 'subjectAltName = DNS:localhost, IP:127.0.0.1\nextendedKeyUsage = serverAuth\n' >"$work/ext.cnf"
  openssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 3650 \
    -extfile "$work/ext.cnf" -out "$work/server.crt" 2>/dev/null || die "openssl: server certificate"
  cp "$work/server.crt" "$work/server.key" "$TLS_DIR/"
  cp "$work/ca.crt" "$work/other-ca.crt" "$HOST_TLS/"
  rm -rf "$work"
  inchroot chown postgres:postgres "$TLS_IN_CHROOT/server.crt" "$TLS_IN_CHROOT/server.key" </dev/null
  chmod 600 "$TLS_DIR/server.key"
}

configure() {
  local port="$1"
  mkdir -p "$CONF_DIR/conf.d"
  cat >"$CONF_DIR/conf.d/$CONF_NAME" <<CONF
# Managed by drizzle-timescale scripts/native-db-secure.sh; rewritten on every start.
listen_addresses = '127.0.0.1, 127.0.0.2'
port = $port
max_connections = 100
shared_preload_libraries = 'timescaledb'
timescaledb.telemetry_level = off
timescaledb.license = 'timescale'
max_worker_processes = 24
timescaledb.max_background_workers = 16
ssl = on
ssl_cert_file = '$TLS_IN_CHROOT/server.crt'
ssl_key_file = '$TLS_IN_CHROOT/server.key'
password_encryption = 'scram-sha-256'
CONF
  cat >"$CONF_DIR/pg_hba.conf.tmp" <<HBA
# Managed by drizzle-timescale scripts/native-db-secure.sh: TLS and SCRAM only over TCP.
local     all  postgres                 trust
local     all  all                      reject
hostssl   all  all       127.0.0.1/32   scram-sha-256
hostssl   all  all       127.0.0.2/32   scram-sha-256
hostnossl all  all       127.0.0.0/8    reject
host      all  all       ::1/128        reject
HBA
  chown --reference="$CONF_DIR/pg_hba.conf" "$CONF_DIR/pg_hba.conf.tmp"
  chmod --reference="$CONF_DIR/pg_hba.conf" "$CONF_DIR/pg_hba.conf.tmp"
  mv -f "$CONF_DIR/pg_hba.conf.tmp" "$CONF_DIR/pg_hba.conf"
}

case "$command" in
  stop) [ -d "$DIR" ] || { log "nothing to stop: $DIR does not exist"; exit 0; }; stop_secure; exit 0 ;;
  tls-dir) printf '%s\n' "$HOST_TLS" >&3; exit 0 ;;
  url)
    port="$(running_port_of "$CLUSTER")" || die "the secure cluster is not running (start it with $0 start)"
    url_for "$port" >&3; echo >&3; exit 0 ;;
esac

main_port="$(running_port_of main)" || die "the full-license server is not running from $DIR: start it first (TSDB_NATIVE_EDITION=$EDITION scripts/native-db-start.sh)"
[ -n "$main_port" ]
ensure_mounts
if [ ! -f "$DIR/var/lib/postgresql/$PG_MAJOR/$CLUSTER/PG_VERSION" ]; then
  log "creating cluster $PG_MAJOR/$CLUSTER"
  inchroot pg_createcluster --locale C.UTF-8 "$PG_MAJOR" "$CLUSTER" </dev/null >&2 || die "pg_createcluster failed"
fi
make_certificates
if port="$(running_port_of "$CLUSTER")"; then
  log "already running on 127.0.0.1:$port; reusing it"
else
  port="${TSDB_SECURE_PORT:-}"
  if [ -z "$port" ]; then
    for p in $DEFAULT_PORT $(seq $((DEFAULT_PORT + 1)) $((DEFAULT_PORT + 100))); do port_in_use "$p" || { port=$p; break; }; done
  fi
  [ -n "$port" ] || die "no free port"
  configure "$port"
  log "starting cluster $PG_MAJOR/$CLUSTER (TLS + SCRAM) on 127.0.0.1:$port"
  if ! inchroot pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" "$CLUSTER" start </dev/null; then
    [ -f "$LOG_FILE" ] && tail -n 30 "$LOG_FILE" >&2
    die "pg_ctlcluster start failed (log: $LOG_FILE)"
  fi
fi
for _ in $(seq 1 60); do
  socket_psql "$port" -c 'select 1' >/dev/null 2>&1 && break
  sleep 0.5
done
socket_psql "$port" -c "ALTER ROLE $DB_USER PASSWORD '$DB_PASSWORD'" >/dev/null || die "could not set the superuser's password"
url_for "$port" >&3
echo >&3
