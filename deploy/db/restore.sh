#!/usr/bin/env bash
# Restores a backup of deploy/db/backup.sh into a new database:
#
#   deploy/db/restore.sh BACKUP_FILE TARGET_DATABASE_URL
#
# The target database (postgresql://user:pass@host:port/db) is created when missing and must
# be empty: a restore never mixes with live data. The checksum is verified first; the restore
# runs RESTORE_JOBS (default 4) jobs in parallel; afterwards every table's rows are counted
# and compared with the counts taken when the backup was made.
#
# Objects are restored owned by the restoring user, without the source's grants
# (RESTORE_KEEP_OWNERS=1 keeps both, when the same roles exist on the target server); run
# deploy/db/create-roles.sh on the new database to hand it to digest_owner/digest_app.
#
# Exit codes: 0 restored and every count equal; 2 usage; 3 the backup file or its checksum
# file is missing; 4 the checksum does not match; 5 the target database is not empty or cannot
# be created; 6 pg_restore failed; 7 the counts differ.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 BACKUP_FILE TARGET_DATABASE_URL" >&2
  exit 2
fi
BACKUP=$1
TARGET=$2
JOBS=${RESTORE_JOBS:-4}
[[ -f "$BACKUP" ]] || { echo "no backup at $BACKUP" >&2; exit 3; }
[[ -f "$BACKUP.sha256" ]] || { echo "no checksum file $BACKUP.sha256" >&2; exit 3; }
[[ "$TARGET" =~ ^postgres(ql)?:// ]] || { echo "TARGET_DATABASE_URL must be postgresql://user:pass@host:port/db" >&2; exit 2; }

if ! (cd "$(dirname "$BACKUP")" && sha256sum --quiet -c "$(basename "$BACKUP").sha256"); then
  echo "checksum mismatch: $BACKUP is damaged; nothing was restored" >&2
  exit 4
fi

DB_NAME=$(sed -E 's#^[a-z]+://[^/]*/([^?]*).*#\1#' <<<"$TARGET")
[[ -n "$DB_NAME" && "$DB_NAME" != "$TARGET" ]] || { echo "TARGET_DATABASE_URL names no database" >&2; exit 2; }
MAINTENANCE=$(sed -E "s#^([a-z]+://[^/]*/)[^?]*#\1postgres#" <<<"$TARGET")
exists=$(psql "$MAINTENANCE" -qAtX -v ON_ERROR_STOP=1 -v name="$DB_NAME" <<<"SELECT 1 FROM pg_database WHERE datname = :'name'") || {
  echo "cannot reach the target server" >&2; exit 5; }
if [[ -z "$exists" ]]; then
  psql "$MAINTENANCE" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"${DB_NAME//\"/\"\"}\"" || {
    echo "cannot create database $DB_NAME" >&2; exit 5; }
else
  tables=$(psql "$TARGET" -qAtX -c "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
  if [[ "$tables" != "0" ]]; then
    echo "database $DB_NAME is not empty ($tables tables); restore into a new database" >&2
    exit 5
  fi
fi

OWNERSHIP=(--no-owner --no-acl)
[[ "${RESTORE_KEEP_OWNERS:-0}" == "1" ]] && OWNERSHIP=()
started=$(date +%s)
if ! pg_restore --exit-on-error --jobs="$JOBS" "${OWNERSHIP[@]}" --dbname="$TARGET" "$BACKUP"; then
  echo "pg_restore failed; database $DB_NAME is incomplete, drop it before trying again" >&2
  exit 6
fi
echo "restored $BACKUP into $DB_NAME in $(( $(date +%s) - started )) s" >&2

if [[ ! -f "$BACKUP.counts" ]]; then
  echo "no $BACKUP.counts: the rows could not be compared" >&2
  exit 7
fi
mismatches=0
printf '%-28s %12s %12s\n' table backup restored
while IFS='|' read -r table expected; do
  actual=$(psql "$TARGET" -qAtX -c "SELECT count(*) FROM \"$table\"" 2>/dev/null || echo missing)
  mark=""
  if [[ "$actual" != "$expected" ]]; then
    mark="  MISMATCH"
    mismatches=$((mismatches + 1))
  fi
  printf '%-28s %12s %12s%s\n' "$table" "$expected" "$actual" "$mark"
done <"$BACKUP.counts"
if (( mismatches > 0 )); then
  echo "$mismatches table(s) differ from the backup's counts" >&2
  exit 7
fi
echo "every table's row count equals the backup's" >&2
