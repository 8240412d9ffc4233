#!/usr/bin/env bash
# A throw-away PostgreSQL cluster in a temp dir, reachable only through a unix socket in
# that dir. One implementation for everything that needs one: scripts/serve-cluster.sh
# (the replicas' database), the store tests (tests/store/conftest.py) and the cluster
# benchmark (bench/cluster_bench.py).
#
#   DIR=$(scripts/pg-throwaway.sh start)          # new dir: initdb + start; prints DIR
#   scripts/pg-throwaway.sh start DIR             # start an existing (stopped) cluster again
#   scripts/pg-throwaway.sh createdb DIR ROLE DB  # a login role and its own database; prints its URL
#   scripts/pg-throwaway.sh url DIR [DB [USER]]   # URL (default: database postgres, the superuser)
#   scripts/pg-throwaway.sh stop DIR [fast|immediate|smart]
#   scripts/pg-throwaway.sh remove DIR            # stop (immediate) and delete the dir
#   scripts/pg-throwaway.sh pid DIR               # the postmaster's pid (exit 1 when not running)
#
# Why this shape:
# - The socket lives in DIR (`-k DIR`) and TCP is off (`listen_addresses=''`): nothing
#   outside this machine can connect, and on it only who can enter DIR (mode 0700: its
#   owner, and root). That directory permission is the access control, so the cluster
#   trusts its socket (`initdb -A trust`) and no password exists anywhere.
# - DIR is a fresh `mktemp -d` under /tmp: a unix socket path must stay under ~100 bytes,
#   and the postgres user must be able to reach it (a run dir under pytest's or a
#   user's 0700 parent would not be).
# - initdb refuses to run as root, so as root the cluster runs as the `postgres` user
#   (runuser) in a DIR it owns; otherwise as the calling user. The superuser role is the
#   owner of DIR/data.
# - `fsync=off`: the data is thrown away with DIR; only the database server crashing
#   would lose it, never an app process being killed (its commits are in the server).
#
# Binaries come from $NARAVARD_PG_BINDIR if set, else `pg_config --bindir`, else the
# newest /usr/lib/postgresql/*/bin (Debian's postgresql package; scripts/test.sh
# installs it). Messages go to stderr;
# stdout carries only the DIR or URL asked for.
set -euo pipefail

die() { echo "pg-throwaway: $*" >&2; exit 1; }

bindir() {
  local b
  if [ -n "${NARAVARD_PG_BINDIR:-}" ]; then
    [ -x "$NARAVARD_PG_BINDIR/initdb" ] && { echo "$NARAVARD_PG_BINDIR"; return; }
    die "no initdb in \$NARAVARD_PG_BINDIR ($NARAVARD_PG_BINDIR)"
  fi
  if command -v pg_config >/dev/null 2>&1; then
    b=$(pg_config --bindir 2>/dev/null || true)
    [ -n "$b" ] && [ -x "$b/initdb" ] && { echo "$b"; return; }
  fi
  b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n | tail -n 1)
  [ -n "$b" ] && [ -x "$b/initdb" ] && { echo "$b"; return; }
  die "PostgreSQL is not installed (no initdb found); install Debian's package: apt-get install postgresql"
}

# Run a PostgreSQL tool as the cluster's owner (postgres when we are root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

superuser() { stat -c %U "$1/data"; }

check_dir() {
  [ -n "${1:-}" ] || die "no DIR given"
  [ -d "$1/data" ] || die "$1 holds no cluster (no data dir)"
}

cmd_start() {
  local dir=${1:-} bin
  bin=$(bindir)
  if [ -z "$dir" ]; then
    dir=$(mktemp -d -t naravard-pg.XXXXXX)
    if [ "$(id -u)" -eq 0 ]; then
      id postgres >/dev/null 2>&1 || die "running as root needs the postgres user (Debian's postgresql package)"
      chown postgres: "$dir"
    fi
    chmod 700 "$dir"
  fi
  [ -d "$dir" ] || die "$dir does not exist"
  if [ ! -d "$dir/data" ]; then
    local su
    su=$( [ "$(id -u)" -eq 0 ] && echo postgres || id -un )
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U "$su" -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; die "initdb failed in $dir"; }
  fi
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
    -o "-k $dir -c listen_addresses='' -c fsync=off" start >/dev/null \
    || { tail -n 20 "$dir/log" >&2 2>/dev/null || true; die "pg_ctl start failed in $dir"; }
  echo "$dir"
}

cmd_stop() {
  check_dir "${1:-}"
  as_owner "$(bindir)/pg_ctl" -D "$1/data" -m "${2:-fast}" -w -t 60 stop >/dev/null
}

cmd_remove() {
  [ -n "${1:-}" ] || die "no DIR given"
  if [ -f "$1/data/postmaster.pid" ]; then
    as_owner "$(bindir)/pg_ctl" -D "$1/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
  fi
  rm -rf -- "$1"
}

cmd_url() {
  check_dir "${1:-}"
  echo "postgresql:///${2:-postgres}?host=$1&user=${3:-$(superuser "$1")}"
}

cmd_createdb() {
  check_dir "${1:-}"
  local dir=$1 role=${2:-} db=${3:-}
  [[ "$role" =~ ^[a-z_][a-z0-9_]*$ ]] && [[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] \
    || die "ROLE and DB must be plain lower-case SQL names"
  "$(bindir)/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -U "$(superuser "$dir")" -d postgres \
    -c "CREATE ROLE $role LOGIN" -c "CREATE DATABASE $db OWNER $role" >/dev/null
  cmd_url "$dir" "$db" "$role"
}

cmd_pid() {
  check_dir "${1:-}"
  local pid
  pid=$(head -n 1 "$1/data/postmaster.pid" 2>/dev/null) || exit 1
  kill -0 "$pid" 2>/dev/null || exit 1
  echo "$pid"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  remove) shift; cmd_remove "$@" ;;
  url) shift; cmd_url "$@" ;;
  createdb) shift; cmd_createdb "$@" ;;
  pid) shift; cmd_pid "$@" ;;
  *) echo "usage: $0 start [DIR] | createdb DIR ROLE DB | url DIR [DB [USER]] | stop DIR [MODE] | remove DIR | pid DIR" >&2
     exit 2 ;;
esac
