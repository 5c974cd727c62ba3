# Sourced by the scripts/native-db-*.sh scripts: which install they act on. One place for it.
#
#   TSDB_NATIVE_EDITION  apache (default): Debian trixie's PostgreSQL 17 + TimescaleDB 2.19.3, the
#                        Apache edition (no compression, continuous aggregates or policies);
#                        tsl: the same PostgreSQL with TimescaleDB 2.29.2 built from source with
#                        its TSL module (full license, job scheduler), see scripts/lib/tsl-build.sh
#   TSDB_NATIVE_DIR      the chroot directory (default ~/.cache/drizzle-timescale/native for
#                        apache, ~/.cache/drizzle-timescale/native-tsl for tsl)
#
# Sets EDITION, CACHE_ROOT and DIR (absolute).
case "${TSDB_NATIVE_EDITION:-apache}" in
  apache) EDITION=apache ;;
  tsl) EDITION=tsl ;;
  *) printf "native-db: error: TSDB_NATIVE_EDITION='%s' is not apache or tsl\n" "$TSDB_NATIVE_EDITION" >&2; exit 1 ;;
esac
CACHE_ROOT="${HOME:-/root}/.cache/drizzle-timescale"
if [ "$EDITION" = tsl ]; then DIR="${TSDB_NATIVE_DIR:-$CACHE_ROOT/native-tsl}"; else DIR="${TSDB_NATIVE_DIR:-$CACHE_ROOT/native}"; fi
DIR="$(realpath -m -- "$DIR")"
