#!/usr/bin/env bash
# The two store engines side by side: generate, dump, load, export and
# import of one generated account on SQLite and on PostgreSQL, with wall
# time and peak memory (GNU time). Release build.
#
#   bench/stores.sh POSTGRES_ADMIN_URL [DOSSIERS] [REPORTS]
#
# POSTGRES_ADMIN_URL names a server and a role that may create databases
# (`.ci/postgres.sh start DIR` prints one as DOSSIER_TRANSFER_TEST_POSTGRES);
# the script makes its databases there and drops them at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ADMIN=${1:?usage: bench/stores.sh POSTGRES_ADMIN_URL [DOSSIERS] [REPORTS]}
DOSSIERS=${2:-1000}
REPORTS=${3:-1000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet
case $CARGO_TARGET_DIR in /*) BIN=$CARGO_TARGET_DIR/release/dossier-transfer ;; *) BIN=$PWD/$CARGO_TARGET_DIR/release/dossier-transfer ;; esac
WORK=$(mktemp -d)
SUFFIX=$$
# The admin URL with another database (the path part).
db_url() { python3 -c 'import sys,re; u,n=sys.argv[1:]; print(re.sub(r"^(\w+://[^/?]*)(/[^?]*)?", lambda m: m.group(1)+"/"+n, u, count=1))' "$ADMIN" "$1"; }
ADMIN_DB=$(db_url postgres)
psql_admin() { python3 - "$ADMIN" "$1" <<'PY'
import sys, subprocess
url, sql = sys.argv[1:]
subprocess.run(["psql", url, "-qAt", "-c", sql], check=True)
PY
}
for db in bench_src_$SUFFIX bench_dst_$SUFFIX; do psql_admin "CREATE DATABASE $db"; done
cleanup() {
  for db in bench_src_$SUFFIX bench_dst_$SUFFIX; do psql_admin "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
export DOSSIER_TRANSFER_OPERATOR="Bench <bench@example.nl>"
"$BIN" keygen --out keys >/dev/null

measure() { # engine, label, command...
  local engine=$1 label=$2; shift 2
  /usr/bin/time -f "%e %M" -o time.txt "$@" >/dev/null 2>>steps.log || { cat steps.log >&2; exit 1; }
  read -r secs kib < time.txt
  printf '| %-10s | %-22s | %8.2f s | %6d MiB |\n' "$engine" "$label" "$secs" "$((kib / 1024))"
}

plan() {
cat > plan.toml <<PLAN
id = "bench-1"
cut_off = "2026-11-20T17:00:00+01:00"
test_level = "dress-rehearsal"
[source]
account = "bron"
group = "groep-1"
[target]
account = "doel"
test_account = "doel-test"
[dossiers]
all = true
to_group = "groep-1"
[data]
daily_reports = true
plan_items = true
agenda = true
files = true
time_registration = true
vecozo = true
member_access = true
history = true
other = true
[consent.source_owner]
name = "A"
email = "eigenaar@bron.example"
given_on = "2026-11-01"
reference = "bench"
[consent.target_owner]
name = "B"
email = "eigenaar@doel-test.example"
given_on = "2026-11-01"
reference = "bench"
[handover]
recipients = ["$(cat keys/recipient.txt)"]
signer = "$(tail -1 keys/signing.pub)"
PLAN
}
plan

echo "$DOSSIERS dossiers x $REPORTS reports, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "| engine     | step                   | wall       | peak RSS   |"
echo "|------------|------------------------|------------|------------|"
for engine in sqlite postgresql; do
  if [ "$engine" = sqlite ]; then
    SRC=source.db; DST=target.db; LOADED=loaded.db
  else
    SRC=$(db_url bench_src_$SUFFIX); DST=$(db_url bench_dst_$SUFFIX); LOADED=$DST
  fi
  measure $engine "account generate" "$BIN" account generate --account bron --store "$SRC" --groups 1 \
    --dossiers "$DOSSIERS" --reports "$REPORTS" --files 1 --file-size 65536
  measure $engine "account dump" "$BIN" account dump --account bron --store "$SRC" --out dump-$engine
  measure $engine "account load" "$BIN" account load dump-$engine --store "$LOADED" --replace
  measure $engine "export" "$BIN" export --plan plan.toml --store "$SRC" --signing-key keys/signing.key \
    --out x-$engine.zip.age --rehearsal --force
  "$BIN" account generate --account doel-test --store "$DST" --groups 1 --dossiers 1 --reports 1 >/dev/null
  measure $engine "import (verify incl.)" "$BIN" import x-$engine.zip.age --plan plan.toml \
    --identity keys/identity.txt --store "$DST" --account doel-test
done
