#!/bin/sh
# The public tracker at 100,000 commitments: fill both databases, then load them (bench/README.md).
# Needs wrk (apt-get install -y wrk), a local PostgreSQL, and Redis for the two-worker run.
set -e
cd "$(dirname "$0")/.."
SQLITE=${SQLITE:-sqlite:////tmp/bench-public.db}
PG=${PG:-postgresql://postgres@127.0.0.1:5432/bench_public}
REDIS=${REDIS:-redis://127.0.0.1:6379/15}
SECONDS_PER_URL=${SECONDS_PER_URL:-8}
[ "$1" = "--no-fill" ] || { .venv/bin/python bench/public.py fill "$SQLITE"; .venv/bin/python bench/public.py fill "$PG"; }
.venv/bin/python bench/public.py run "$SQLITE" --label sqlite-1w --seconds "$SECONDS_PER_URL"
.venv/bin/python bench/public.py run "$PG" --label pg-1w --seconds "$SECONDS_PER_URL"
.venv/bin/python bench/public.py run "$PG" --label pg-2w-redis --workers 2 --message-queue "$REDIS" --seconds "$SECONDS_PER_URL"
.venv/bin/python bench/public.py table bench/results/public-sqlite-1w.json bench/results/public-pg-1w.json \
    bench/results/public-pg-2w-redis.json
