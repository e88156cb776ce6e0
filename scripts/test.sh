#!/usr/bin/env bash
# The whole test suite: ruff, then pytest on SQLite, then pytest again on a throwaway PostgreSQL cluster,
# then the browser tests (Playwright + Debian chromium). With CI=true a missing PostgreSQL or chromium fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== ruff"
ruff check lindung tests bench
ruff format --check lindung tests bench

tmp_checks=$(mktemp -d /tmp/lindung-checks.XXXXXX)
echo "== Django checks and migrations"
LINDUNG_DATA_DIR="$tmp_checks" python manage.py check
LINDUNG_DATA_DIR="$tmp_checks" python manage.py makemigrations --check --dry-run
rm -rf "$tmp_checks"

echo "== translations"
if command -v msgattrib >/dev/null 2>&1; then
  bash scripts/check_translations.sh
  msgfmt -o lindung/locale/id/LC_MESSAGES/django.mo lindung/locale/id/LC_MESSAGES/django.po
elif [ "${CI:-}" = "true" ]; then
  echo "gettext (msgattrib) not found: failing because CI=true" >&2; exit 1
else
  echo "!! gettext missing (apt-get install gettext): translation check SKIPPED" >&2
fi

tmp=$(mktemp -d /tmp/lindung-test.XXXXXX)
chmod 755 "$tmp"
pg_pid=""
cleanup() {
  if [ -n "${PGBIN:-}" ] && [ -d "$tmp/pg" ]; then
    runas "$PGBIN/pg_ctl" -D "$tmp/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

runas() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

find_pgbin() {
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

export LINDUNG_DATA_DIR="$tmp/data"
export LINDUNG_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend"

echo "== pytest on SQLite"
python -m pytest -q -m "not browser" "$@"

PGBIN=$(find_pgbin || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/pg_ctl" ]; then
  if [ "${CI:-}" = "true" ]; then echo "PostgreSQL (pg_ctl) not found: failing because CI=true" >&2; exit 1; fi
  echo "!! PostgreSQL not installed (apt-get install postgresql): PostgreSQL pass SKIPPED" >&2
else
  mkdir -p "$tmp/pg" "$tmp/sock"
  if [ "$(id -u)" = 0 ]; then chown postgres "$tmp/pg" "$tmp/sock"; fi
  port=$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  runas "$PGBIN/initdb" -D "$tmp/pg" -U lindung --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  runas "$PGBIN/pg_ctl" -D "$tmp/pg" -l "$tmp/pg/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  export DATABASE_URL="postgresql://lindung@127.0.0.1:$port/postgres"
  echo "== pytest on PostgreSQL ($("$PGBIN/postgres" --version))"
  python -m pytest -q -m "not browser" "$@"
  unset DATABASE_URL
fi

echo "== browser tests (Playwright + /usr/bin/chromium)"
if [ -x /usr/bin/chromium ]; then
  python -m pytest -q -m browser "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "chromium not found: failing because CI=true" >&2; exit 1
else
  echo "!! /usr/bin/chromium missing (apt-get install chromium): browser tests SKIPPED" >&2
fi
