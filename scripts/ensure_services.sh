#!/usr/bin/env bash
# PostgreSQL and Redis must answer on 127.0.0.1. Start the local ones when they are installed,
# otherwise say exactly what to do.
set -u
PGHOST=${POSTGRES_HOST:-127.0.0.1}; PGPORT=${POSTGRES_PORT:-5432}

pg_up() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql >/dev/null 2>&1; then
    echo "Starting the local PostgreSQL..."
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
    for _ in $(seq 1 30); do pg_up && break; sleep 0.5; done
  fi
  pg_up || { echo "PostgreSQL is not reachable on $PGHOST:$PGPORT. Install it (apt-get install postgresql) and start it (pg_ctlcluster <version> main start), or set POSTGRES_HOST/POSTGRES_PORT." >&2; exit 1; }
fi

if ! redis_up; then
  if command -v redis-server >/dev/null; then
    echo "Starting the local Redis..."
    mkdir -p /tmp/studiobook-redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp/studiobook-redis >/dev/null
    for _ in $(seq 1 30); do redis_up && break; sleep 0.3; done
  fi
  redis_up || { echo "Redis is not reachable on 127.0.0.1:6379. Install it (apt-get install redis-server) and start it (redis-server --daemonize yes)." >&2; exit 1; }
fi
