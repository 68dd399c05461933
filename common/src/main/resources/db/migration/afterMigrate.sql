-- Flyway runs this after every migrate. The migration history is the migration owner's alone:
-- default privileges a deployment sets up (see deploy/db/create-roles.sh) would otherwise give
-- the application role write access to it along with the digest_ tables.
DO $$
DECLARE
    grantee_name text;
BEGIN
    FOR grantee_name IN
        SELECT DISTINCT grantee FROM information_schema.role_table_grants
        WHERE table_schema = current_schema() AND table_name = 'flyway_schema_history' AND grantee <> current_user
    LOOP
        EXECUTE format('REVOKE ALL ON TABLE flyway_schema_history FROM %I', grantee_name);
    END LOOP;
END
$$;
