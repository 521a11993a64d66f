#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests: `start DIR` initialises a
# cluster in DIR (as the postgres user: the server refuses to run as root),
# listening on a unix socket in DIR/sock and, with TLS (a self-signed
# certificate) and SCRAM passwords, on 127.0.0.1:$PGPORT; it prints the
# variables the tests read. `stop DIR` stops it.
set -euo pipefail
cmd=${1:?usage: postgres.sh start|stop DIR}
dir=${2:?usage: postgres.sh start|stop DIR}
port=${PGPORT:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "postgres.sh: no PostgreSQL server (apt-get install postgresql)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
start)
  mkdir -p "$dir/sock"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir"
  as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
  # A self-signed certificate for the sslmode=require test.
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
    -keyout "$dir/data/server.key" -out "$dir/data/server.crt" 2>/dev/null
  chmod 600 "$dir/data/server.key"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir/data/server.key" "$dir/data/server.crt"
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/sock'
ssl = on
password_encryption = 'scram-sha-256'
max_connections = 200
# A test server: losing it in a power cut loses nothing of value.
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  cat >"$dir/data/pg_hba.conf" <<HBA
local all all trust
hostssl all all 127.0.0.1/32 scram-sha-256
host all all 127.0.0.1/32 scram-sha-256
HBA
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
  psql() { as_pg "$bin/psql" -h "$dir/sock" -p "$port" -U postgres -qAt "$@"; }
  psql -c "CREATE ROLE dt LOGIN CREATEDB PASSWORD 'dt-test-secret'"
  psql -c "CREATE DATABASE dt OWNER dt"
  echo "export DOSSIER_TRANSFER_TEST_POSTGRES='postgresql://dt@/dt?host=$dir/sock&port=$port'"
  echo "export DOSSIER_TRANSFER_TEST_POSTGRES_TLS='postgresql://dt:dt-test-secret@127.0.0.1:$port/dt?sslmode=require'"
  ;;
stop)
  as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  ;;
*)
  echo "usage: postgres.sh start|stop DIR" >&2; exit 2 ;;
esac
