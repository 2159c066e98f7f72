#!/usr/bin/env bash
# Serve the product: uvicorn (pages, API, websockets) on :8000, a Celery worker and beat.
# Ctrl-C stops every process started here.
set -u
BIN=.venv/bin
mkdir -p var
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  wait 2>/dev/null
  echo "Stopped."
}
trap cleanup INT TERM EXIT

$BIN/celery -A config worker -l warning -Q default,notifications,webhooks --concurrency 2 -n "worker@%h" &
pids+=($!)
$BIN/celery -A config beat -l warning --schedule var/celerybeat-schedule &
pids+=($!)
$BIN/uvicorn config.asgi:application --host 127.0.0.1 --port 8000 --log-level warning &
pids+=($!)

sleep 2
cat <<TXT

  StudioBook is running.
    Main site:      http://localhost:8000
    Console:        http://localhost:8000/console/   (operator@studiobook.test / demo-operator-pass)
    Demo studio:    http://demo.localhost:8000/app/  (owner@demo.studiobook.test / demo-owner-pass)
                                                     (staff@demo.studiobook.test / demo-staff-pass)
  Press Ctrl-C to stop.

TXT
wait -n "${pids[@]}"
