#!/usr/bin/env bash
# Imports the old stack's SQLite database into Digest's PostgreSQL schema.
#
#   DATABASE_URL=postgresql://user:pass@host:5432/digest deploy/db/import-sqlite.sh old.sqlite [--dry-run]
#
# The target's schema must exist (start the api once: it migrates). Re-running the import
# changes nothing; rows of other applications in the target are left alone. Every row that
# cannot be converted is listed with its old id and the reason; --report FILE also writes them
# as JSON lines. --batch-size N sets rows per transaction (default 500).
#
# Exit codes: 0 every row was imported or reported; 1 the counts after the import do not add
# up; 2 wrong usage; 3 the file or the database could not be used.
#
# The importer is importer/target/digest-importer.jar (built here when missing, with ./mvnw);
# DIGEST_IMPORTER_JAR points elsewhere, e.g. at a copy shipped next to this script.
set -euo pipefail

if [[ $# -lt 1 || "$1" == -* && "$1" != "--help" && "$1" != "-h" ]]; then
  echo "usage: DATABASE_URL=postgresql://user:pass@host:port/db $0 SQLITE_FILE [--dry-run] [--report FILE] [--batch-size N]" >&2
  exit 2
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAR=${DIGEST_IMPORTER_JAR:-$ROOT/importer/target/digest-importer.jar}
if [[ ! -f "$JAR" ]]; then
  echo "Building the importer (once) ..." >&2
  (cd "$ROOT" && ./mvnw -B -q package -DskipTests -pl importer -am) >&2
fi
exec java ${DIGEST_IMPORTER_JAVA_OPTS:-} -jar "$JAR" "$@"
