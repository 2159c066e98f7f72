#!/usr/bin/env bash
# The whole suite against the real PostgreSQL and Redis. pytest's exit code is ours.
set -u
mkdir -p tests/artifacts
exec .venv/bin/python -m pytest -q "$@"
