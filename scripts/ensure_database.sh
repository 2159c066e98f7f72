#!/usr/bin/env bash
# Create the development database if it does not exist yet (trust auth on the local server).
set -eu
DB=${POSTGRES_DB:-studiobook}
HOST=${POSTGRES_HOST:-127.0.0.1}; PORT=${POSTGRES_PORT:-5432}; USER=${POSTGRES_USER:-postgres}
if ! psql -h "$HOST" -p "$PORT" -U "$USER" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1; then
  echo "Creating database $DB..."
  createdb -h "$HOST" -p "$PORT" -U "$USER" "$DB"
fi
