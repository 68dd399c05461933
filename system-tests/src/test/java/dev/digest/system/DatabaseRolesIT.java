package dev.digest.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Least privilege, as deployed: {@code deploy/db/create-roles.sh} makes the two roles, both
 * packaged services migrate as the owner and run as the application role, a digest goes out
 * end to end, and the application role cannot create, alter, drop or truncate anything.
 *
 * <p>Roles are server-wide, so the test makes its own, {@code digest_owner_<random>} and
 * {@code digest_app_<random>} (the script's {@code DIGEST_OWNER_ROLE} and {@code DIGEST_APP_ROLE}),
 * in a database of this checkout's own, and drops the database and both roles at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseRolesIT {

    private static final String PG_HOST = "127.0.0.1";
    private static final String PG_PORT = System.getProperty("digest.system.pg-port", "5432");
    private static final String DATABASE = Stack.unique("digest_roles");
    private static final String SUFFIX = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String OWNER = "digest_owner_" + SUFFIX;
    private static final String APP = "digest_app_" + SUFFIX;
    private static final String OWNER_PASSWORD = "owner-" + UUID.randomUUID();
    private static final String APP_PASSWORD = "app-" + UUID.randomUUID();
    private static final String ADMIN_KEY = "roles-test-admin-key-0123456789";
    private static final int REDIS_DB = Stack.redisDb(6);

    private final Path logs = Path.of(System.getProperty("digest.system.logs", "target/system-logs"));
    private final List<ServiceProcess> processes = new ArrayList<>();
    private SmtpSink smtp;
    private Api api;

    @BeforeAll
    void deploy() throws Exception {
        try (Connection admin = connect("postgres", "postgres", "");
                Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + DATABASE);
        }
        try (Redis redis = new Redis(PG_HOST, Integer.getInteger("digest.system.redis-port", 6379), REDIS_DB)) {
            redis.call("FLUSHDB");
        }
        ProcessBuilder script = new ProcessBuilder("bash", Path.of("..", "deploy", "db", "create-roles.sh").toString())
                .redirectErrorStream(true);
        script.environment().putAll(Map.of("PGHOST", PG_HOST, "PGPORT", PG_PORT, "PGUSER", "postgres",
                "PGDATABASE", DATABASE, "DIGEST_OWNER_PASSWORD", OWNER_PASSWORD, "DIGEST_APP_PASSWORD", APP_PASSWORD,
                "DIGEST_OWNER_ROLE", OWNER, "DIGEST_APP_ROLE", APP));
        Process created = script.start();
        String output = new String(created.getInputStream().readAllBytes());
        assertEquals(0, created.waitFor(), output);

        smtp = new SmtpSink();
        ServiceProcess apiProcess = start("roles-api", System.getProperty("digest.api.jar"),
                Map.of("DIGEST_ADMIN_KEY", ADMIN_KEY));
        start("roles-worker", System.getProperty("digest.worker.jar"), Map.of(
                "DIGEST_WORKER_CONSUMER_NAME", "roles-worker",
                "QUARKUS_MAILER_HOST", "127.0.0.1",
                "QUARKUS_MAILER_PORT", Integer.toString(smtp.port())));
        for (ServiceProcess process : processes) {
            process.awaitReady(Duration.ofSeconds(90));
        }
        api = new Api(apiProcess::uri, ADMIN_KEY);
    }

    /** Runs as the application role; migrates as the owner. */
    private ServiceProcess start(String name, String jar, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(extra);
        env.put("DIGEST_QUEUE_STREAM", "digest:roles:jobs");
        env.put("DIGEST_QUEUE_GROUP", "digest-roles-workers");
        env.put("DIGEST_QUEUE_DEAD_LETTER_STREAM", "digest:roles:dead");
        env.put("DATABASE_URL", "postgresql://" + APP + ":" + APP_PASSWORD + "@" + PG_HOST + ":" + PG_PORT + "/" + DATABASE);
        env.put("QUARKUS_FLYWAY_USERNAME", OWNER);
        env.put("QUARKUS_FLYWAY_PASSWORD", OWNER_PASSWORD);
        env.put("REDIS_URL", "redis://" + PG_HOST + ":" + Integer.getInteger("digest.system.redis-port", 6379) + "/" + REDIS_DB);
        ServiceProcess process = ServiceProcess.start(name, Path.of(jar), env, logs);
        processes.add(process);
        return process;
    }

    @AfterAll
    void stop() throws Exception {
        for (ServiceProcess process : processes) {
            process.close();
        }
        if (smtp != null) {
            smtp.close();
        }
        // The database first: it holds the grants and default privileges that name the roles.
        try (Connection admin = connect("postgres", "postgres", ""); Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            statement.execute("DROP ROLE IF EXISTS " + APP);
            statement.execute("DROP ROLE IF EXISTS " + OWNER);
        }
    }

    @Test
    void theServicesWorkAsTheApplicationRoleWhichCannotChangeTheSchema() throws Exception {
        String applicationId = api.post("/api/v1/applications", Map.of("name", "Roles", "slug", "roles"), 201).get("id").asText();
        Api app = api.as(api.post("/api/v1/applications/" + applicationId + "/api-keys",
                Map.of("name", "roles", "scopes", List.of("read", "write", "ingest")), 201).get("key").asText());
        app.post("/api/v1/event-types", Map.of("key", "order", "name", "Orders"), 201);
        String template = app.post("/api/v1/email-templates", Map.of("name", "t", "subject", "{eventCount} orders",
                "html", "<p>{eventCount}</p>", "text", "{eventCount}"), 201).get("id").asText();
        Map<String, Object> digest = new HashMap<>(Map.of("name", "Roles", "cron", "0 0 8 * * ?", "timeZone", "UTC",
                "recipients", List.of("ops@example.com"), "emailTemplateId", template, "enabled", true));
        String digestId = app.post("/api/v1/digests", digest, 201).get("id").asText();
        app.post("/api/v1/events", Map.of("type", "order", "payload", Map.of("n", 1)), 201);
        String runId = app.post("/api/v1/digests/" + digestId + "/runs", Map.of(), 202).get("id").asText();
        JsonNode run = app.awaitFinished(runId, Duration.ofSeconds(60));
        assertEquals("succeeded", run.get("status").asText(), run.toString());
        assertEquals("sent", run.get("emailLogs").get(0).get("status").asText());

        try (Connection db = connect(DATABASE, APP, APP_PASSWORD); Statement statement = db.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM digest_runs")) {
                assertTrue(rs.next() && rs.getLong(1) == 1, "the application role reads its tables");
            }
            for (String ddl : List.of(
                    "CREATE TABLE digest_extra (id int)",
                    "CREATE TABLE public.anything (id int)",
                    "ALTER TABLE digest_digests ADD COLUMN extra text",
                    "ALTER TABLE digest_runs DROP CONSTRAINT digest_runs_digest_fkey",
                    "CREATE INDEX digest_extra_idx ON digest_runs (status)",
                    "DROP TABLE digest_email_logs",
                    "TRUNCATE digest_webhook_events",
                    "DELETE FROM flyway_schema_history",
                    "CREATE SCHEMA elsewhere",
                    "ALTER TABLE digest_api_keys OWNER TO " + APP,
                    "ALTER ROLE " + APP + " CREATEROLE",
                    "CREATE FUNCTION digest_f() RETURNS int LANGUAGE sql AS 'SELECT 1'")) {
                SQLException refused = assertThrows(SQLException.class, () -> statement.execute(ddl), ddl);
                assertTrue(refused.getSQLState().equals("42501"), ddl + ": " + refused.getSQLState() + " " + refused.getMessage());
            }
        }
        try (Connection db = connect(DATABASE, "postgres", ""); Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*), count(*) FILTER (WHERE tableowner = '" + OWNER + "')"
                        + " FROM pg_tables WHERE schemaname = 'public'")) {
            rs.next();
            assertEquals(rs.getLong(1), rs.getLong(2), "the migrations created every table as the owner role");
        }
    }

    private static Connection connect(String database, String user, String password) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/" + database, user, password);
    }
}
