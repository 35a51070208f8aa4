#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests (issue 20): nothing of the system's own
# PostgreSQL is used or left behind.
#   tests/pg/cluster.sh start DIR   initdb into DIR (removed first if a killed run left it) and
#                                   start a server listening only on a Unix socket in DIR
#   tests/pg/cluster.sh stop DIR    stop it and remove DIR
#   tests/pg/cluster.sh uri DIR     the libpq URI of its `postgres` database (superuser
#                                   `connecthub`, trust authentication on the socket)
# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user (created by
# Debian's postgresql-15 package). No TCP port is opened. fsync is off: the cluster is thrown away,
# and the tests check the hub's transactions, not the disk's.
set -euo pipefail
cmd="${1:-}"
dir="${2:-}"
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: tests/pg/cluster.sh start|stop|uri DIR" >&2
  exit 2
fi
bindir="$(pg_config --bindir 2>/dev/null || true)"
[ -x "$bindir/initdb" ] || bindir=/usr/lib/postgresql/15/bin
if [ ! -x "$bindir/initdb" ]; then
  echo "cluster.sh: PostgreSQL 15 server not installed (./setup.sh installs postgresql-15)" >&2
  exit 1
fi
as_server() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  uri)
    echo "postgresql:///postgres?host=$dir&user=connecthub"
    ;;
  start)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_server "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    chmod 700 "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    as_server "$bindir/initdb" -D "$dir/data" -U connecthub -A trust -E UTF8 --locale=C.UTF-8 \
      --no-sync >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
    as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off \
          -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || {
      cat "$dir/server.log" >&2
      exit 1
    }
    # Root (the tests) reaches the socket; only the server's user owns the data.
    chmod 755 "$dir"
    echo "cluster.sh: PostgreSQL running in $dir" >&2
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_server "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: tests/pg/cluster.sh start|stop|uri DIR" >&2
    exit 2
    ;;
esac
