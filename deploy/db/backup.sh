#!/usr/bin/env bash
# Takes a backup of Digest's database: deploy/db/backup.sh [DIR]   (default ./backups)
#
# Database: DATABASE_URL (postgresql://user:pass@host:port/db), as the services use it.
# Writes, in DIR:
#   digest-<db>-<UTC time>.dump          pg_dump custom format (compressed; restores in parallel)
#   digest-<db>-<UTC time>.dump.sha256   its checksum (sha256sum -c format)
#   digest-<db>-<UTC time>.dump.counts   rows per table, counted in the same snapshot as the dump
# then removes old backups: beyond the newest BACKUP_KEEP (default 14), and any older than
# BACKUP_MAX_AGE_DAYS (default 35). The backup just taken is never removed.
#
# The last line on stdout is the path of the new backup. Exit codes: 0 done; 2 usage or
# configuration; 3 the dump failed (nothing is left behind); 4 the dump does not read back.
set -euo pipefail

usage() { echo "usage: DATABASE_URL=postgresql://user:pass@host:port/db $0 [DIR]" >&2; exit 2; }
[[ $# -le 1 ]] || usage
[[ "${1:-}" != -* ]] || usage
: "${DATABASE_URL:?DATABASE_URL is not set (postgresql://user:pass@host:port/db)}"
DIR=${1:-./backups}
KEEP=${BACKUP_KEEP:-14}
MAX_AGE_DAYS=${BACKUP_MAX_AGE_DAYS:-35}
[[ "$KEEP" =~ ^[1-9][0-9]*$ ]] || { echo "BACKUP_KEEP must be a positive number" >&2; exit 2; }
[[ "$MAX_AGE_DAYS" =~ ^[1-9][0-9]*$ ]] || { echo "BACKUP_MAX_AGE_DAYS must be a positive number" >&2; exit 2; }
for tool in pg_dump pg_restore psql sha256sum; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (PostgreSQL client tools)" >&2; exit 2; }
done

DB_NAME=$(sed -E 's#^[a-z]+://[^/]*/?([^?]*).*#\1#' <<<"$DATABASE_URL")
DB_NAME=${DB_NAME:-postgres}
mkdir -p "$DIR"
STAMP=$(date -u +%Y%m%dT%H%M%S)Z-$$
FILE="$DIR/digest-$DB_NAME-$STAMP.dump"
PARTIAL="$FILE.partial"
cleanup() { rm -f "$PARTIAL" "$FILE.counts.partial"; }
trap cleanup EXIT

# One transaction holds a snapshot that the counts and pg_dump both read, so the counts are
# those of the dump even while the services keep writing.
coproc SNAPSHOT { psql "$DATABASE_URL" -qAtX -v ON_ERROR_STOP=1 2>&1; }
echo "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT pg_export_snapshot();" >&"${SNAPSHOT[1]}"
if ! read -r -t 30 SNAPSHOT_ID <&"${SNAPSHOT[0]}" || [[ ! "$SNAPSHOT_ID" =~ ^[0-9A-F-]+$ ]]; then
  echo "cannot open a snapshot on the database: ${SNAPSHOT_ID:-no answer}" >&2
  exit 3
fi
TABLES=$(psql "$DATABASE_URL" -qAtX -c "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
  AND (tablename LIKE 'digest\_%' OR tablename = 'flyway_schema_history') ORDER BY tablename")
QUERY=""
for table in $TABLES; do
  QUERY+="${QUERY:+ UNION ALL }SELECT '$table' || '|' || count(*) FROM \"$table\""
done
echo "${QUERY:-SELECT 'none|0' WHERE false}; SELECT '--end--';" >&"${SNAPSHOT[1]}"
: >"$FILE.counts.partial"
while read -r -t 600 line <&"${SNAPSHOT[0]}"; do
  [[ "$line" == "--end--" ]] && break
  echo "$line" >>"$FILE.counts.partial"
done

started=$(date +%s)
if ! pg_dump --format=custom --snapshot="$SNAPSHOT_ID" --file="$PARTIAL" "$DATABASE_URL"; then
  echo "pg_dump failed; no backup was written" >&2
  exit 3
fi
echo "COMMIT;" >&"${SNAPSHOT[1]}"
exec {SNAPSHOT[1]}>&-
wait "$SNAPSHOT_PID" 2>/dev/null || true

if ! pg_restore --list "$PARTIAL" >/dev/null; then
  echo "the dump does not read back; no backup was written" >&2
  exit 4
fi
mv "$PARTIAL" "$FILE"
mv "$FILE.counts.partial" "$FILE.counts"
(cd "$DIR" && sha256sum "$(basename "$FILE")" >"$(basename "$FILE").sha256")
echo "backup of $DB_NAME written in $(( $(date +%s) - started )) s: $(du -h "$FILE" | cut -f1), $(wc -l <"$FILE.counts") tables" >&2

# Retention: newest first; the one just written is always kept.
mapfile -t BACKUPS < <(ls -1t "$DIR"/digest-"$DB_NAME"-*.dump 2>/dev/null)
index=0
for backup in "${BACKUPS[@]}"; do
  index=$((index + 1))
  [[ "$backup" -ef "$FILE" ]] && continue
  if (( index > KEEP )) || [[ -n $(find "$backup" -maxdepth 0 -mtime +"$MAX_AGE_DAYS" 2>/dev/null) ]]; then
    rm -f "$backup" "$backup.sha256" "$backup.counts"
    echo "removed old backup $backup" >&2
  fi
done
echo "$FILE"
