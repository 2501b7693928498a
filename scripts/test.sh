#!/usr/bin/env bash
# Runs the suite on SQLite and, when a PostgreSQL server is reachable, on PostgreSQL too.
# Browser, Celery and PostgreSQL-only tests run in the PostgreSQL pass (or on SQLite when there is none).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL=${RATHAUS_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/rathaus}
export RATHAUS_TESTING=1 DJANGO_ALLOW_ASYNC_UNSAFE=true
unset DATABASE_URL_FOR_TESTS

pg_up() { .venv/bin/python - "$PG_URL" <<'PYEOF'
import sys, psycopg
url = sys.argv[1].rsplit("/", 1)[0] + "/postgres"
try:
    psycopg.connect(url, connect_timeout=3).close()
except Exception:
    sys.exit(1)
PYEOF
}

status=0
if pg_up; then
  echo "== Pass 1/2: SQLite (unit and integration tests; browser/Celery/PostgreSQL tests run in pass 2)"
  DATABASE_URL= $PY -m pytest -n 2 -q -rs -m "not browser and not postgres and not celery" "$@" || status=$?
  echo "== Pass 2/2: PostgreSQL at ${PG_URL%%@*}@… (full suite incl. browser, Celery and concurrency tests)"
  DATABASE_URL="$PG_URL" $PY -m pytest -n 2 -q -rs "$@" || status=$?
  ran="SQLite and PostgreSQL"
else
  echo "== No PostgreSQL reachable at $PG_URL: running on SQLite only; PostgreSQL-only tests are skipped."
  DATABASE_URL= $PY -m pytest -n 2 -q -rs "$@" || status=$?
  ran="SQLite only"
fi
echo "== Test databases: $ran (exit $status)"
exit $status
