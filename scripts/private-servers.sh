#!/usr/bin/env bash
# Starts or stops a private PostgreSQL 15 and Redis 7 for the conformance tests and replays:
# both listen only on unix sockets inside DIR, keep no data worth keeping (fsync off, no Redis
# persistence), and are stopped by `stop DIR` (or by `run DIR -- CMD...`, whatever CMD does).
#
#   scripts/private-servers.sh start DIR   # prints the two addresses, writes DIR/env
#   scripts/private-servers.sh stop DIR
#   scripts/private-servers.sh run DIR -- CMD ARGS...   # start, run CMD with LOCKCHECK_PG and
#                                                       # LOCKCHECK_REDIS set, stop (trap)
#
# DIR/env holds LOCKCHECK_PG (a libpq conninfo) and LOCKCHECK_REDIS (a unix:// URL). PostgreSQL
# refuses to run as root, so as root the cluster belongs to the unprivileged user `postgres`
# (created by Debian's postgresql-15 package). deadlock_timeout is 20ms so that a replay's
# deadlocks are found quickly; docs/conformance.md says why and what else is set.
set -euo pipefail

pg_bin=${LOCKCHECK_PG_BIN:-/usr/lib/postgresql/15/bin}

usage() {
  echo "usage: $0 start DIR | stop DIR | run DIR -- CMD [ARGS...]" >&2
  exit 2
}

as_pg() {
  if [[ $(id -u) == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local dir=$1
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [[ -f $dir/env ]]; then stop "$dir" >/dev/null 2>&1 || true; fi
  [[ -x $pg_bin/initdb ]] || {
    echo "private-servers: $pg_bin/initdb not found (apt-get install postgresql-15)" >&2
    exit 1
  }
  command -v redis-server >/dev/null || {
    echo "private-servers: redis-server not found (apt-get install redis-server)" >&2
    exit 1
  }
  # A unix socket path must fit in 107 bytes.
  if ((${#dir} > 80)); then
    echo "private-servers: $dir is too long a path for unix sockets (80 characters at most)" >&2
    exit 1
  fi
  rm -rf "$dir/pg" "$dir/redis"
  mkdir -p "$dir/pg" "$dir/redis"
  if [[ $(id -u) == 0 ]]; then
    id postgres >/dev/null 2>&1 || {
      echo "private-servers: running as root needs the user 'postgres' (apt-get install postgresql-15)" >&2
      exit 1
    }
    chown postgres "$dir/pg"
    # The user postgres must reach the folder: every parent needs the search bit for others.
    local p=$dir
    while [[ $p != / ]]; do
      chmod o+x "$p" 2>/dev/null || true
      p=$(dirname "$p")
    done
  fi
  as_pg "$pg_bin/initdb" -D "$dir/pg/data" -A trust -U postgres --locale=C -E UTF8 --no-sync \
    >"$dir/pg/initdb.log" 2>&1 || {
    cat "$dir/pg/initdb.log" >&2
    exit 1
  }
  as_pg "$pg_bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 60 start -o \
    "-c listen_addresses='' -k $dir/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c deadlock_timeout=20ms -c max_connections=200 -c log_lock_waits=on -c jit=off" \
    >/dev/null || {
    cat "$dir/pg/server.log" >&2
    exit 1
  }
  redis-server --port 0 --unixsocket "$dir/redis/redis.sock" --unixsocketperm 700 --save '' \
    --appendonly no --daemonize yes --pidfile "$dir/redis/redis.pid" \
    --logfile "$dir/redis/redis.log" --dir "$dir/redis" >/dev/null
  for _ in $(seq 100); do
    [[ -S $dir/redis/redis.sock ]] && break
    sleep 0.05
  done
  [[ -S $dir/redis/redis.sock ]] || {
    echo "private-servers: Redis did not start:" >&2
    cat "$dir/redis/redis.log" >&2
    exit 1
  }
  cat >"$dir/env" <<EOF
LOCKCHECK_PG='host=$dir/pg port=5432 user=postgres dbname=postgres'
LOCKCHECK_REDIS='unix://$dir/redis/redis.sock'
EOF
  echo "postgres: host=$dir/pg port=5432 user=postgres dbname=postgres"
  echo "redis:    unix://$dir/redis/redis.sock"
}

stop() {
  local dir=$1
  [[ -d $dir ]] || return 0
  dir=$(cd "$dir" && pwd)
  if [[ -f $dir/pg/data/postmaster.pid ]]; then
    as_pg "$pg_bin/pg_ctl" -D "$dir/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [[ -f $dir/redis/redis.pid ]]; then
    local pid
    pid=$(cat "$dir/redis/redis.pid")
    # Only the Redis this script started: its pid file, and its command line names the socket.
    if [[ -n $pid ]] && grep -q "redis" "/proc/$pid/cmdline" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
      done
    fi
    rm -f "$dir/redis/redis.pid"
  fi
  rm -f "$dir/env"
}

[[ $# -ge 2 ]] || usage
command=$1
dir=$2
shift 2
case $command in
  start) start "$dir" ;;
  stop) stop "$dir" ;;
  run)
    [[ ${1:-} == -- ]] || usage
    shift
    [[ $# -ge 1 ]] || usage
    trap 'stop "$dir"' EXIT INT TERM
    start "$dir" >&2
    # shellcheck disable=SC1091
    source "$dir/env"
    export LOCKCHECK_PG LOCKCHECK_REDIS
    "$@"
    ;;
  *) usage ;;
esac
