# Sourced by the scripts/native-db-*.sh scripts after lib/native-db-dir.sh (which sets DIR):
# running commands in the chroot, finding a cluster's postmaster and a free port, the mounts.

PG_MAJOR="${PG_MAJOR:-17}"

# Run a command inside the chroot with a clean environment; fds 3 and 9 are closed so that a
# daemon started inside never inherits the caller's stdout or lock.
inchroot() {
  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=dumb \
    chroot "$DIR" "$@" 3>&- 9>&-
}

# Prints the port of a live postmaster of cluster $1 started from this chroot.
running_port_of() {
  local pid_file="$DIR/var/lib/postgresql/$PG_MAJOR/$1/postmaster.pid" pid port
  [ -f "$pid_file" ] || return 1
  pid="$(sed -n 1p "$pid_file" 2>/dev/null || true)"
  port="$(sed -n 4p "$pid_file" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ && "$port" =~ ^[0-9]+$ ]] && [ -d "/proc/$pid" ] || return 1
  [ "$(readlink "/proc/$pid/root" 2>/dev/null || true)" = "$DIR" ] || return 1
  printf '%s\n' "$port"
}

# Succeeds when something listens on (or accepts at) 127.0.0.1:$1.
port_in_use() {
  if command -v ss >/dev/null 2>&1 && [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; then return 0; fi
  (exec 5<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
  return 1
}

# Whether a mount point (as /proc/mounts spells it, octal escapes decoded) is mounted.
is_mounted() {
  local want="$1" mp
  while IFS= read -r mp; do
    [ "$(printf '%b' "$mp")" = "$want" ] && return 0
  done < <(awk '{print $2}' /proc/mounts)
  return 1
}

# /proc, /dev and /dev/shm inside the chroot (PostgreSQL needs them). Needs die().
ensure_mounts() {
  if ! is_mounted "$DIR/proc"; then
    mkdir -p "$DIR/proc"
    mount -t proc proc "$DIR/proc" || die "could not mount proc on $DIR/proc"
  fi
  if ! is_mounted "$DIR/dev"; then
    mkdir -p "$DIR/dev"
    mount --bind /dev "$DIR/dev" || die "could not bind-mount /dev on $DIR/dev"
  fi
  # A plain bind of /dev does not carry the tmpfs on /dev/shm, which PostgreSQL
  # uses for dynamic shared memory (parallel query); bind it too.
  if is_mounted /dev/shm && ! is_mounted "$DIR/dev/shm" && [ -d "$DIR/dev/shm" ]; then
    mount --bind /dev/shm "$DIR/dev/shm" || die "could not bind-mount /dev/shm on $DIR/dev/shm"
  fi
}

# Mount points at or below $DIR (decoded), deepest first.
mounts_under_dir() {
  local mp
  awk '{print $2}' /proc/mounts | while IFS= read -r mp; do
    mp="$(printf '%b' "$mp")"
    case "$mp" in "$DIR"|"$DIR"/*) printf '%s\n' "$mp" ;; esac
  done | awk '{print length($0) "\t" $0}' | sort -rn -k1,1 | cut -f2- | uniq
}
