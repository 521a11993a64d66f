#!/usr/bin/env bash
# Measures generate, dump, load, export, verify and import on a generated
# account, with wall time and peak memory (GNU time). Release build.
#
#   bench/run.sh [DOSSIERS] [REPORTS] [FILES] [FILE_SIZE]
#
# Defaults: 1000 dossiers x 1000 reports, 1 file of 64 KiB per dossier.
set -euo pipefail
cd "$(dirname "$0")/.."
DOSSIERS=${1:-1000}
REPORTS=${2:-1000}
FILES=${3:-1}
FILE_SIZE=${4:-65536}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet
case $CARGO_TARGET_DIR in /*) BIN=$CARGO_TARGET_DIR/release/dossier-transfer ;; *) BIN=$PWD/$CARGO_TARGET_DIR/release/dossier-transfer ;; esac
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export DOSSIER_TRANSFER_OPERATOR="Bench <bench@example.nl>"

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o time.txt "$@" >/dev/null
  read -r secs kib < time.txt
  printf '%-28s %8.2f s %8d MiB\n' "$label" "$secs" "$((kib / 1024))"
}

measure "generate" "$BIN" account generate --account bron --store source.db --groups 1 \
  --dossiers "$DOSSIERS" --reports "$REPORTS" --files "$FILES" --file-size "$FILE_SIZE"
RECORDS=$(sqlite3 source.db 'select count(*) from records' 2>/dev/null || echo "?")
echo "records: $RECORDS, store: $(du -h source.db | cut -f1)"
measure "dump" "$BIN" account dump --account bron --store source.db --out dump
measure "load" "$BIN" account load dump --store loaded.db
"$BIN" keygen --out keys >/dev/null
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
measure "export (rehearsal)" "$BIN" export --plan plan.toml --store source.db --signing-key keys/signing.key --out x.zip.age --rehearsal
echo "archive: $(du -h x.zip.age | cut -f1)"
measure "verify" "$BIN" verify x.zip.age --plan plan.toml --identity keys/identity.txt
"$BIN" account generate --account doel-test --store target.db --groups 1 --dossiers 1 --reports 1 >/dev/null
measure "import (test stage)" "$BIN" import x.zip.age --plan plan.toml --identity keys/identity.txt --store target.db --account doel-test
