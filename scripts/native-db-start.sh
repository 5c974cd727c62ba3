#!/usr/bin/env bash
# Start (installing on first use) a native PostgreSQL 17 + TimescaleDB server.
#
# The server runs from Debian 13 "trixie" packages (postgresql-17,
# postgresql-17-timescaledb) inside a debootstrap chroot, because Debian 12
# ships no TimescaleDB. By default it is the Apache edition: timescaledb.license
# is 'apache' (no compression, continuous aggregates or *_policy functions).
# With TSDB_NATIVE_EDITION=tsl it is a chroot of its own (a copy of the Apache
# one) where TimescaleDB 2.29.2 is built from ../shared/timescaledb/ with its
# TSL module and the job-runner patch (license 'timescale', the job scheduler
# running): the first start builds it (a few minutes), later ones reuse it.
# See DATABASES.md, "Native PostgreSQL + TimescaleDB".
#
# Usage:
#   scripts/native-db-start.sh              install if needed, start, print URL
#   scripts/native-db-start.sh --print-url  print the URL of the running server
#                                           (exit 1 if it is not running)
#
# On success the last (and only) line on stdout is the connection URL:
#   postgres://postgres:postgres@127.0.0.1:PORT/drizzle_timescale
# It is also written to $TSDB_NATIVE_DIR/url. Progress goes to stderr.
#
# Environment:
#   TSDB_NATIVE_EDITION  apache (default) or tsl
#   TSDB_NATIVE_DIR   chroot directory (default ~/.cache/drizzle-timescale/native,
#                     or .../native-tsl for tsl)
#   TSDB_NATIVE_PORT  TCP port to listen on (default: 55432 (apache) or 55442
#                     (tsl) if free, else the next free loopback port)
#   TSDB_TSL_SOURCE   the TimescaleDB source tarball for tsl (default
#                     ../shared/timescaledb/timescaledb-2.29.2.tar.gz beside the
#                     repository; the patch is taken from the same folder)
#   TSDB_NATIVE_TEMPLATE  a complete install to copy instead of running debootstrap
#                     (default ~/.cache/drizzle-timescale/native, when DIR is another)
#
# Needs root (debootstrap, mount, chroot). Stop with scripts/native-db-stop.sh.
set -euo pipefail

# Keep the caller's stdout for the URL only; everything else goes to stderr.
exec 3>&1 1>&2

PG_MAJOR=17
CLUSTER=main
DB_NAME=drizzle_timescale
DB_USER=postgres
DB_PASSWORD=postgres
SUITE=trixie
PACKAGES="postgresql-${PG_MAJOR},postgresql-${PG_MAJOR}-timescaledb"
DEFAULT_PORT=55432
TSL_VERSION=2.29.2
TSL_MARKER_NAME=.drizzle-timescale-tsl
TSL_BUILD_PACKAGES="build-essential cmake postgresql-server-dev-${PG_MAJOR} libssl-dev libkrb5-dev libicu-dev"
MARKER_NAME=.drizzle-timescale-installed
CONF_NAME=drizzle-timescale.conf
HBA_BEGIN='# drizzle-timescale: BEGIN (managed by scripts/native-db-start.sh)'
HBA_END='# drizzle-timescale: END'

log() { printf 'native-db: %s\n' "$*" >&2; }
die() { printf 'native-db: error: %s\n' "$*" >&2; exit 1; }

print_url_only=0
case "${1:-}" in
  "") ;;
  --print-url) print_url_only=1 ;;
  -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&3; exit 0 ;;
  *) die "unknown argument: $1 (try --help)" ;;
esac

[ "$(id -u)" = 0 ] || die "must run as root (needs debootstrap, mount and chroot)"
for tool in chroot mount umount flock realpath awk; do
  command -v "$tool" >/dev/null 2>&1 || die "required tool '$tool' not found"
done

if [ -n "${TSDB_NATIVE_PORT:-}" ]; then
  if ! [[ "$TSDB_NATIVE_PORT" =~ ^[0-9]{1,5}$ ]] || [ "$TSDB_NATIVE_PORT" -lt 1 ] || [ "$TSDB_NATIVE_PORT" -gt 65535 ]; then
    die "TSDB_NATIVE_PORT='$TSDB_NATIVE_PORT' is not a valid TCP port"
  fi
fi

# shellcheck source=lib/native-db-dir.sh
. "$(dirname "$0")/lib/native-db-dir.sh"
# shellcheck source=lib/native-db-common.sh
. "$(dirname "$0")/lib/native-db-common.sh"
[ "$EDITION" = tsl ] && DEFAULT_PORT=55442
case "$DIR" in
  /|/bin|/boot|/dev|/etc|/home|/lib|/lib64|/opt|/proc|/root|/run|/sbin|/srv|/sys|/tmp|/usr|/var)
    die "refusing to use '$DIR' as the chroot directory (set TSDB_NATIVE_DIR)" ;;
esac

MARKER="$DIR/$MARKER_NAME"
PG_BIN="$DIR/usr/lib/postgresql/$PG_MAJOR/bin/postgres"
TSDB_SO="$DIR/usr/lib/postgresql/$PG_MAJOR/lib/timescaledb.so"
CONF_DIR="$DIR/etc/postgresql/$PG_MAJOR/$CLUSTER"
DATA_DIR="$DIR/var/lib/postgresql/$PG_MAJOR/$CLUSTER"
PID_FILE="$DATA_DIR/postmaster.pid"
LOG_FILE="$DIR/var/log/postgresql/postgresql-$PG_MAJOR-$CLUSTER.log"

# psql inside the chroot, over TCP (trusted for loopback), as the superuser.
chroot_psql() {
  local port="$1"; shift
  inchroot psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$DB_USER" "$@" </dev/null
}

url_for() { printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$DB_USER" "$DB_PASSWORD" "$1" "$DB_NAME"; }

# --- mounts ---------------------------------------------------------------


unmount_all_under_dir() {
  local mp
  while IFS= read -r mp; do
    [ -n "$mp" ] || continue
    log "unmounting $mp"
    umount "$mp" 2>/dev/null || umount -l "$mp" || die "could not unmount $mp"
  done < <(mounts_under_dir)
}

# --- server state ------------------------------------------------------------

# Succeeds (and prints the port) if the main cluster's postmaster started from this chroot is alive.
running_port() { running_port_of "$CLUSTER"; }


choose_port() {
  if [ -n "${TSDB_NATIVE_PORT:-}" ]; then
    port_in_use "$TSDB_NATIVE_PORT" && die "TSDB_NATIVE_PORT=$TSDB_NATIVE_PORT is already in use by another process"
    echo "$TSDB_NATIVE_PORT"; return
  fi
  local p
  for p in $DEFAULT_PORT $(seq $((DEFAULT_PORT + 1)) $((DEFAULT_PORT + 100))); do
    port_in_use "$p" || { echo "$p"; return; }
  done
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 30000))
    port_in_use "$p" || { echo "$p"; return; }
  done
  die "could not find a free TCP port on 127.0.0.1"
}

stop_cluster() {
  log "stopping cluster $PG_MAJOR/$CLUSTER"
  inchroot pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" "$CLUSTER" stop -m fast </dev/null \
    || die "could not stop the running cluster"
}

# --- install -----------------------------------------------------------------

install_ok() {
  [ -f "$MARKER" ] && [ -x "$PG_BIN" ] && [ -f "$TSDB_SO" ] && [ -f "$CONF_DIR/postgresql.conf" ] \
    && [ -f "$DATA_DIR/PG_VERSION" ]
}

# A directory with working packages but no marker (e.g. made by hand with the
# DATABASES.md recipe) is adopted rather than thrown away.
adoptable() {
  [ -x "$PG_BIN" ] && [ -f "$TSDB_SO" ] && [ ! -d "$DIR/debootstrap" ] || return 1
  local st
  # shellcheck disable=SC2016  # ${Status} is a dpkg-query format field
  st="$(inchroot dpkg-query -W -f='${Status}\n' "postgresql-$PG_MAJOR" "postgresql-$PG_MAJOR-timescaledb" 2>/dev/null </dev/null || true)"
  [ "$(printf '%s\n' "$st" | grep -c '^install ok installed$')" = 2 ]
}

apt_updated=0
apt_update_once() {
  [ "$apt_updated" = 1 ] && return 0
  log "apt-get update"
  apt-get -q -o DPkg::Lock::Timeout=300 update </dev/null || die "apt-get update failed"
  apt_updated=1
}

ensure_debootstrap() {
  command -v debootstrap >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || die "debootstrap is not installed and apt-get is not available"
  export DEBIAN_FRONTEND=noninteractive
  # Package lists on a fresh machine may be missing or stale: refresh when the
  # package is unknown, and retry once after a refresh if the install fails.
  if [ -z "$(apt-cache policy debootstrap 2>/dev/null | sed -n 's/^ *Candidate: *//p' | grep -v '(none)' || true)" ]; then
    apt_update_once
  fi
  log "installing debootstrap"
  if ! apt-get -q -y -o DPkg::Lock::Timeout=300 install debootstrap </dev/null; then
    [ "$apt_updated" = 1 ] && die "apt-get install debootstrap failed"
    apt_update_once
    apt-get -q -y -o DPkg::Lock::Timeout=300 install debootstrap </dev/null || die "apt-get install debootstrap failed"
  fi
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap still not found after installing it"
}

remove_dir() {
  unmount_all_under_dir
  [ -z "$(mounts_under_dir)" ] || die "something is still mounted under $DIR; not removing it"
  log "removing incomplete install in $DIR"
  rm -rf --one-file-system -- "$DIR"
}

write_marker() {
  local pgv tsv
  # shellcheck disable=SC2016  # ${Version} is a dpkg-query format field
  pgv="$(inchroot dpkg-query -W -f='${Version}' "postgresql-$PG_MAJOR" </dev/null 2>/dev/null || echo '?')"
  # shellcheck disable=SC2016
  tsv="$(inchroot dpkg-query -W -f='${Version}' "postgresql-$PG_MAJOR-timescaledb" </dev/null 2>/dev/null || echo '?')"
  printf 'postgresql-%s %s\npostgresql-%s-timescaledb %s\ninstalled %s\n' \
    "$PG_MAJOR" "$pgv" "$PG_MAJOR" "$tsv" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$MARKER"
}

# A second install on the same machine (the fault suite's server, a replica pair) is copied from
# a complete one instead of running debootstrap again: the packages without any cluster, then a
# fresh cluster. TSDB_NATIVE_TEMPLATE names the install to copy (default: the default install).
copy_from_template() {
  local src t0=$SECONDS
  src="$(realpath -m -- "${TSDB_NATIVE_TEMPLATE:-$CACHE_ROOT/native}")"
  [ "$src" != "$DIR" ] && [ -f "$src/$MARKER_NAME" ] && [ -x "$src/usr/lib/postgresql/$PG_MAJOR/bin/postgres" ] \
    && [ -f "$src/usr/lib/postgresql/$PG_MAJOR/lib/timescaledb.so" ] || return 1
  log "copying the install of $src into $DIR (instead of debootstrap)"
  mkdir -p "$DIR"
  # --one-file-system: not the source's mounted /proc and /dev; no clusters, configs, logs or URL.
  if ! tar -C "$src" --one-file-system --numeric-owner \
      --exclude="./var/lib/postgresql/$PG_MAJOR" --exclude="./etc/postgresql/$PG_MAJOR" \
      --exclude='./run/postgresql/*' --exclude='./var/run/postgresql/*' --exclude='./var/log/postgresql/*' \
      --exclude=./url --exclude=./url.tmp --exclude="./$MARKER_NAME" -cf - . 3>&- 9>&- \
      | tar -C "$DIR" --numeric-owner -xpf - 3>&- 9>&-; then
    log "copying failed; installing with debootstrap instead"
    remove_dir
    return 1
  fi
  ensure_mounts
  log "creating cluster $PG_MAJOR/$CLUSTER (UTF-8)"
  inchroot pg_createcluster --locale C.UTF-8 "$PG_MAJOR" "$CLUSTER" </dev/null || die "pg_createcluster failed"
  write_marker
  install_ok || die "copied install is incomplete (see messages above)"
  log "install copied in $((SECONDS - t0)) s"
}

ensure_install() {
  install_ok && return 0

  if [ -e "$DIR" ] && [ ! -f "$MARKER" ] && adoptable; then
    log "adopting existing install in $DIR"
    ensure_mounts
    if [ ! -f "$DATA_DIR/PG_VERSION" ] || [ ! -f "$CONF_DIR/postgresql.conf" ]; then
      inchroot pg_createcluster --locale C.UTF-8 "$PG_MAJOR" "$CLUSTER" </dev/null || die "pg_createcluster failed"
    fi
    write_marker
    install_ok && return 0
  fi

  if [ -e "$DIR" ]; then
    if running_port >/dev/null; then stop_cluster; fi
    remove_dir
  fi

  if copy_from_template; then return 0; fi

  ensure_debootstrap
  local t0=$SECONDS
  log "installing PostgreSQL $PG_MAJOR + TimescaleDB from Debian $SUITE into $DIR (about a minute, ~700 MB)"
  mkdir -p "$DIR"
  if ! debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$DIR" </dev/null 3>&- 9>&-; then
    [ -f "$DIR/debootstrap/debootstrap.log" ] && tail -n 30 "$DIR/debootstrap/debootstrap.log" >&2
    unmount_all_under_dir
    die "debootstrap failed (see above); the next run will start over"
  fi
  unmount_all_under_dir   # anything debootstrap may have left behind
  [ -x "$PG_BIN" ] || die "debootstrap finished but $PG_BIN is missing"
  [ -f "$TSDB_SO" ] || die "debootstrap finished but $TSDB_SO is missing"

  ensure_mounts
  # A package maintainer script may have started the server; stop it.
  if running_port >/dev/null; then stop_cluster; fi
  # Recreate the (empty) default cluster with a UTF-8 locale, whatever the
  # package scripts produced under debootstrap's environment.
  if [ -d "$CONF_DIR" ]; then
    inchroot pg_dropcluster "$PG_MAJOR" "$CLUSTER" </dev/null || die "pg_dropcluster failed"
  fi
  log "creating cluster $PG_MAJOR/$CLUSTER (UTF-8)"
  inchroot pg_createcluster --locale C.UTF-8 "$PG_MAJOR" "$CLUSTER" </dev/null || die "pg_createcluster failed"
  write_marker
  install_ok || die "install finished but is incomplete (see messages above)"
  log "install done in $((SECONDS - t0)) s"
}

# --- the full-license build (TSDB_NATIVE_EDITION=tsl) --------------------------

TSL_MARKER="$DIR/$TSL_MARKER_NAME"
TSL_SO="$DIR/usr/lib/postgresql/$PG_MAJOR/lib/timescaledb-tsl-$TSL_VERSION.so"

tsl_build_ok() { [ -f "$TSL_MARKER" ] && [ -f "$TSL_SO" ] && grep -qx "timescaledb $TSL_VERSION" "$TSL_MARKER"; }

# Builds TimescaleDB $TSL_VERSION with its TSL module inside the chroot and installs it beside
# Debian's 2.19.3 (a new CREATE EXTENSION then gives $TSL_VERSION). The recipe and the patch
# (every scheduled job is otherwise recorded as failed on PostgreSQL 17.12) are DATABASES.md's.
ensure_tsl_build() {
  tsl_build_ok && return 0
  local source="${TSDB_TSL_SOURCE:-$(dirname "$0")/../../shared/timescaledb/timescaledb-$TSL_VERSION.tar.gz}"
  source="$(realpath -m -- "$source")"
  local patch_file
  patch_file="$(dirname "$source")/bgw-portal-drop.patch"
  [ -f "$source" ] || die "the TimescaleDB $TSL_VERSION source is not at $source (set TSDB_TSL_SOURCE)"
  [ -f "$patch_file" ] || die "the job-runner patch is not at $patch_file"
  local t0=$SECONDS src_dir=/usr/src/timescaledb-$TSL_VERSION
  if running_port >/dev/null; then stop_cluster; fi
  log "installing the build packages in the chroot: $TSL_BUILD_PACKAGES"
  inchroot env DEBIAN_FRONTEND=noninteractive apt-get -q update </dev/null || die "apt-get update in the chroot failed"
  # shellcheck disable=SC2086  # a list of package names
  inchroot env DEBIAN_FRONTEND=noninteractive apt-get -q -y --no-install-recommends install $TSL_BUILD_PACKAGES </dev/null \
    || die "apt-get install of the build packages failed"
  log "building TimescaleDB $TSL_VERSION (TSL) from $source (1-2 minutes on 2 cores)"
  rm -rf -- "${DIR:?}$src_dir" && mkdir -p "$DIR$src_dir"
  tar -C "$DIR$src_dir" -xzf "$source" || die "could not unpack $source"
  patch -d "$DIR$src_dir" -p1 <"$patch_file" || die "could not apply $patch_file"
  inchroot sh -ec "cd $src_dir && ./bootstrap -DCMAKE_BUILD_TYPE=Release -DREGRESS_CHECKS=OFF -DTAP_CHECKS=OFF \
      -DWARNINGS_AS_ERRORS=OFF -DUSE_TELEMETRY=OFF >/dev/null && cd build && make -j$(nproc) >/dev/null && make install >/dev/null" </dev/null \
    || die "building TimescaleDB $TSL_VERSION failed (sources left in $DIR$src_dir)"
  [ -f "$TSL_SO" ] || die "the build finished but $TSL_SO is missing"
  rm -rf -- "${DIR:?}$src_dir"
  printf 'timescaledb %s\npatch %s\nbuilt %s\n' "$TSL_VERSION" "$(sha256sum "$patch_file" | cut -c1-16)" \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$TSL_MARKER"
  log "TimescaleDB $TSL_VERSION built and installed in $((SECONDS - t0)) s"
}

# TimescaleDB $OLD_TSL_VERSION beside $TSL_VERSION, for the in-place upgrade tests (issue 22;
# DATABASES.md, "An older full-license release beside it"): the same recipe and patch. Its
# `make install` would replace the loader (timescaledb.so) and the control file (the default
# version) with its own: both are kept from $TSL_VERSION, so that the newest release stays the
# loader and the default, as installing the newest last would. `CREATE EXTENSION timescaledb
# VERSION '$OLD_TSL_VERSION'` then gives the older release; `ALTER EXTENSION timescaledb UPDATE`
# takes it to $TSL_VERSION.
OLD_TSL_VERSION=2.24.0
OLD_TSL_SO="$DIR/usr/lib/postgresql/$PG_MAJOR/lib/timescaledb-tsl-$OLD_TSL_VERSION.so"
ensure_old_tsl_build() {
  [ -f "$OLD_TSL_SO" ] && grep -qx "timescaledb $OLD_TSL_VERSION" "$TSL_MARKER" && return 0
  local source
  source="$(realpath -m -- "$(dirname "$0")/../../shared/timescaledb/timescaledb-$OLD_TSL_VERSION.tar.gz")"
  local patch_file="$(dirname "$source")/bgw-portal-drop.patch"
  [ -f "$source" ] || die "the TimescaleDB $OLD_TSL_VERSION source is not at $source"
  local t0=$SECONDS src_dir=/usr/src/timescaledb-$OLD_TSL_VERSION lib="$DIR/usr/lib/postgresql/$PG_MAJOR/lib"
  local ext="$DIR/usr/share/postgresql/$PG_MAJOR/extension"
  if running_port >/dev/null; then stop_cluster; fi
  log "building TimescaleDB $OLD_TSL_VERSION (TSL) beside $TSL_VERSION, for the upgrade tests (about 2 minutes)"
  cp "$lib/timescaledb.so" "$DIR/tmp/timescaledb.so.keep" && cp "$ext/timescaledb.control" "$DIR/tmp/timescaledb.control.keep"
  rm -rf -- "${DIR:?}$src_dir" && mkdir -p "$DIR$src_dir"
  tar -C "$DIR$src_dir" -xzf "$source" || die "could not unpack $source"
  patch -d "$DIR$src_dir" -p1 <"$patch_file" >/dev/null || die "could not apply $patch_file to $OLD_TSL_VERSION"
  inchroot sh -ec "cd $src_dir && ./bootstrap -DCMAKE_BUILD_TYPE=Release -DREGRESS_CHECKS=OFF -DTAP_CHECKS=OFF \
      -DWARNINGS_AS_ERRORS=OFF -DUSE_TELEMETRY=OFF >/dev/null && cd build && make -j$(nproc) >/dev/null && make install >/dev/null" </dev/null \
    || die "building TimescaleDB $OLD_TSL_VERSION failed (sources left in $DIR$src_dir)"
  cp "$DIR/tmp/timescaledb.so.keep" "$lib/timescaledb.so" && cp "$DIR/tmp/timescaledb.control.keep" "$ext/timescaledb.control"
  rm -f "$DIR/tmp/timescaledb.so.keep" "$DIR/tmp/timescaledb.control.keep"
  [ -f "$OLD_TSL_SO" ] || die "the build finished but $OLD_TSL_SO is missing"
  rm -rf -- "${DIR:?}$src_dir"
  printf 'timescaledb %s\n' "$OLD_TSL_VERSION" >>"$TSL_MARKER"
  log "TimescaleDB $OLD_TSL_VERSION built and installed in $((SECONDS - t0)) s"
}

# --- configuration -----------------------------------------------------------

configure() {
  local port="$1" main_conf="$CONF_DIR/postgresql.conf" hba="$CONF_DIR/pg_hba.conf"
  # Debian's postgresql.conf ends with include_dir = 'conf.d'; make sure.
  if ! grep -Eq "^[[:space:]]*include_dir[[:space:]]*=[[:space:]]*'conf\.d'" "$main_conf"; then
    printf "\ninclude_dir = 'conf.d'\t# added by drizzle-timescale\n" >>"$main_conf"
  fi
  mkdir -p "$CONF_DIR/conf.d"
  cat >"$CONF_DIR/conf.d/$CONF_NAME.tmp" <<EOF
# Managed by drizzle-timescale scripts/native-db-start.sh; rewritten on every start.
listen_addresses = '127.0.0.1'
port = $port
max_connections = 200
shared_preload_libraries = 'timescaledb'
timescaledb.telemetry_level = off
# A development server: trust on loopback, no TLS (Debian turns it on with a snakeoil certificate).
# scripts/native-db-secure.sh makes the TLS + SCRAM one; tests check that TLS required is refused here.
ssl = off
EOF
  if [ "$EDITION" = tsl ]; then
    # Each database with the extension holds a scheduler worker while the server runs: a suite of
    # many scratch databases exhausts the defaults (8 and 16) and jobs fail to start.
    cat >>"$CONF_DIR/conf.d/$CONF_NAME.tmp" <<EOF
timescaledb.license = 'timescale'
max_worker_processes = 48
timescaledb.max_background_workers = 40
EOF
  fi
  mv -f "$CONF_DIR/conf.d/$CONF_NAME.tmp" "$CONF_DIR/conf.d/$CONF_NAME"

  if ! grep -qxF "$HBA_BEGIN" "$hba"; then
    {
      printf '%s\n' "$HBA_BEGIN"
      printf 'host    all    all    127.0.0.1/32    trust\n'
      printf 'host    all    all    ::1/128         trust\n'
      printf '%s\n\n' "$HBA_END"
      cat "$hba"
    } >"$hba.tmp"
    chown --reference="$hba" "$hba.tmp"
    chmod --reference="$hba" "$hba.tmp"
    mv -f "$hba.tmp" "$hba"
  fi
}

wait_ready() {
  local port="$1"
  for _ in $(seq 1 60); do
    if inchroot pg_isready -q -h 127.0.0.1 -p "$port" </dev/null; then return 0; fi
    sleep 0.5
  done
  return 1
}

# Idempotent: superuser password, the project database (without extensions).
ensure_database() {
  local port="$1" exists
  chroot_psql "$port" -d postgres -c "ALTER ROLE $DB_USER PASSWORD '$DB_PASSWORD'" \
    || die "could not set the password of role $DB_USER"
  exists="$(chroot_psql "$port" -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" \
    || die "could not query pg_database"
  if [ "$exists" != 1 ]; then
    log "creating database $DB_NAME"
    chroot_psql "$port" -d postgres -c "CREATE DATABASE $DB_NAME" || die "could not create database $DB_NAME"
  fi
}

publish_url() {
  local url
  url="$(url_for "$1")"
  printf '%s\n' "$url" >"$DIR/url.tmp" && mv -f "$DIR/url.tmp" "$DIR/url"
  printf '%s\n' "$url" >&3
}

# --- main ----------------------------------------------------------------------

if [ "$print_url_only" = 1 ]; then
  if port="$(running_port)"; then
    url_for "$port" >&3; echo >&3; exit 0
  fi
  log "no native server is running from $DIR (start it with scripts/native-db-start.sh)"
  exit 1
fi

mkdir -p "$(dirname "$DIR")"
exec 9>"$DIR.lock"
flock -w 900 9 || die "timed out waiting for another native-db-start.sh/stop.sh (lock $DIR.lock)"

T_START=$SECONDS
ensure_install
ensure_mounts
[ "$EDITION" = tsl ] && ensure_tsl_build && ensure_old_tsl_build

if port="$(running_port)"; then
  if [ -n "${TSDB_NATIVE_PORT:-}" ] && [ "$TSDB_NATIVE_PORT" != "$port" ]; then
    port_in_use "$TSDB_NATIVE_PORT" && die "TSDB_NATIVE_PORT=$TSDB_NATIVE_PORT is already in use by another process (server left running on port $port)"
    log "running on port $port but TSDB_NATIVE_PORT=$TSDB_NATIVE_PORT; restarting"
    stop_cluster
  else
    log "already running on 127.0.0.1:$port; reusing it"
    wait_ready "$port" || die "the running server on port $port does not accept connections (log: $LOG_FILE)"
    ensure_database "$port"
    publish_url "$port"
    exit 0
  fi
fi

port="$(choose_port)"
configure "$port"
log "starting PostgreSQL $PG_MAJOR/$CLUSTER + TimescaleDB on 127.0.0.1:$port"
if ! inchroot pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" "$CLUSTER" start </dev/null; then
  [ -f "$LOG_FILE" ] && tail -n 30 "$LOG_FILE" >&2
  die "pg_ctlcluster start failed (log: $LOG_FILE)"
fi
if ! wait_ready "$port"; then
  [ -f "$LOG_FILE" ] && tail -n 30 "$LOG_FILE" >&2
  die "server did not accept connections on 127.0.0.1:$port within 30 s (log: $LOG_FILE)"
fi
ensure_database "$port"
log "ready in $((SECONDS - T_START)) s"
publish_url "$port"
