#!/usr/bin/env bash
# PostgreSQL for the sync server's tests and bench: Debian's cluster on loopback, one
# role and database, its URL appended to .ci/env as HELPDESK_TEST_PG_URL.
set -euo pipefail
cd "$(dirname "$0")/../.."
. .ci/lib/apt.bash
apt_install postgresql
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 && break
  sleep 1
done
pg_isready -h 127.0.0.1
# Tests run several server replicas side by side (each keeps a connection per worker
# thread), and the live-chat bench holds hundreds of conversations: room for them.
if [ "$(su postgres -c "psql -tAc 'SHOW max_connections'")" -lt 300 ]; then
  su postgres -c "psql -qc 'ALTER SYSTEM SET max_connections = 300'"
  pg_ctlcluster "$version" main restart
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 && break
    sleep 1
  done
fi
su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'helpdesk') THEN
    CREATE ROLE helpdesk LOGIN PASSWORD 'helpdesk' CREATEDB;
  END IF;
END $$;
SQL
su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='helpdesk_test'\"" | grep -q 1 \
  || su postgres -c "createdb -O helpdesk helpdesk_test"
touch .ci/env
grep -v '^HELPDESK_TEST_PG_URL=' .ci/env > .ci/env.tmp || true
mv .ci/env.tmp .ci/env
echo "HELPDESK_TEST_PG_URL=postgresql://helpdesk:helpdesk@127.0.0.1:5432/helpdesk_test" >> .ci/env
echo "postgres: ready"
