#!/usr/bin/env bash
# Creates Digest's two database roles in one database, idempotently:
#
#   digest_owner  owns the schema and runs the migrations (the services' Flyway connection:
#                 QUARKUS_FLYWAY_USERNAME / QUARKUS_FLYWAY_PASSWORD);
#   digest_app    what the services run as (DATABASE_URL): SELECT, INSERT, UPDATE and DELETE on
#                 the digest_ tables and use of their sequences, and nothing else. It cannot
#                 create, alter, drop or truncate anything.
#
# Run it as a superuser (or a role with CREATEROLE that owns the database), before the first
# start or on an existing database: tables a previous deployment created as another role are
# handed to digest_owner, and tables later migrations create are granted to digest_app by
# default privileges.
#
# Connection: the usual libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE).
# Passwords: DIGEST_OWNER_PASSWORD and DIGEST_APP_PASSWORD (required).
#
#   PGHOST=db PGUSER=postgres PGDATABASE=digest \
#   DIGEST_OWNER_PASSWORD=... DIGEST_APP_PASSWORD=... deploy/db/create-roles.sh
set -euo pipefail

: "${DIGEST_OWNER_PASSWORD:?set DIGEST_OWNER_PASSWORD}"
: "${DIGEST_APP_PASSWORD:?set DIGEST_APP_PASSWORD}"
OWNER=${DIGEST_OWNER_ROLE:-digest_owner}
APP=${DIGEST_APP_ROLE:-digest_app}
DATABASE=${PGDATABASE:-digest}

psql -v ON_ERROR_STOP=1 -q -d "$DATABASE" \
  -v owner="$OWNER" -v app="$APP" -v owner_password="$DIGEST_OWNER_PASSWORD" \
  -v app_password="$DIGEST_APP_PASSWORD" -v database="$DATABASE" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'owner')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'app')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app') \gexec
ALTER ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
ALTER ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'app_password';

GRANT CONNECT ON DATABASE :"database" TO :"owner", :"app";
GRANT USAGE, CREATE ON SCHEMA public TO :"owner";
-- PostgreSQL 15 no longer lets everyone create in public; older versions did.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM :"app";
GRANT USAGE ON SCHEMA public TO :"app";

-- Tables migrated earlier by another role (the default superuser, say) become the owner's.
SELECT format('ALTER TABLE public.%I OWNER TO %I', tablename, :'owner')
FROM pg_tables
WHERE schemaname = 'public' AND (tablename LIKE 'digest\_%' OR tablename = 'flyway_schema_history')
  AND tableowner <> :'owner' \gexec

-- Data rights on today's digest_ tables and sequences...
SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO %I', tablename, :'app')
FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'digest\_%' \gexec
SELECT format('GRANT USAGE, SELECT ON SEQUENCE public.%I TO %I', sequencename, :'app')
FROM pg_sequences WHERE schemaname = 'public' AND sequencename LIKE 'digest\_%' \gexec
-- ...and on those later migrations create.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app";
SQL
echo "Roles $OWNER (migrations) and $APP (services) are ready in database $DATABASE."
