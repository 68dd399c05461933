package dev.digest.system;

import dev.digest.common.testing.TestCheckout;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;

/**
 * The packaged services as a user runs them: one api and any number of workers as their own
 * JVMs, on a database and a Redis database of this stack's own (recreated and flushed), a
 * stream and group of its own, and a given SMTP server. Closing it stops every process.
 *
 * <p>Names on the shared servers carry this checkout's id ({@link TestCheckout}): the database
 * is {@code digest_<name>_<id>} and the live-event channel (pub/sub channels are server-wide)
 * {@code digest:<name>:<id>:events}. Redis database numbers are fixed per test; another checkout
 * on the same Redis shifts them with {@code -Ddigest.system.redis-db-offset=<n>} or points at
 * another server with {@code -Ddigest.system.redis-port}.
 */
final class Stack implements AutoCloseable {

    static final String ADMIN_KEY = "system-test-admin-key-0123456789";

    private final String pgHost;
    private final int pgPort;
    private final String database;
    private final String redisHost;
    private final int redisPort;
    private final int redisDb;
    private final String stream;
    private final String group;
    private final int smtpPort;
    private final Path logs;
    private final List<ServiceProcess> processes = new ArrayList<>();
    private final Map<String, String> workerSettings = new HashMap<>();
    private final Map<String, String> apiSettings = new HashMap<>();
    private Map<String, String> redisSettings;
    private Integer apiPort;
    private Connection db;
    private ServiceProcess api;
    private Map<String, String> apiEnvironment;

    Stack(String name, String pgHost, int pgPort, String redisHost, int redisPort, int redisDb, int smtpPort) {
        this.pgHost = pgHost;
        this.pgPort = pgPort;
        this.database = unique("digest_" + name);
        this.redisHost = redisHost;
        this.redisPort = redisPort;
        this.redisDb = redisDb;
        this.stream = "digest:" + name + ":jobs";
        this.group = "digest-" + name + "-workers";
        this.smtpPort = smtpPort;
        this.logs = Path.of(System.getProperty("digest.system.logs", "target/system-logs"), name);
    }

    /** On the machine's PostgreSQL and Redis (or those named by digest.system.* properties). */
    static Stack local(String name, int redisDb, int smtpPort) {
        return new Stack(name, System.getProperty("digest.system.pg-host", "127.0.0.1"),
                Integer.getInteger("digest.system.pg-port", 5432),
                System.getProperty("digest.system.redis-host", "127.0.0.1"),
                Integer.getInteger("digest.system.redis-port", 6379), redisDb(redisDb), smtpPort);
    }

    /** {@code name} with this checkout's id, for a database or channel on a shared server. */
    static String unique(String name) {
        return name + "_" + TestCheckout.id();
    }

    /** Database {@code n} of the shared Redis, shifted by {@code digest.system.redis-db-offset} (default 0). */
    static int redisDb(int n) {
        return Math.floorMod(n + Integer.getInteger("digest.system.redis-db-offset", 0), 16);
    }

    /** The name of this stack's database. */
    String database() {
        return database;
    }

    /** The api's HTTP port, for settings that must name its address (set before {@link #startApi()}); default a free one. */
    Stack apiPort(int port) {
        this.apiPort = port;
        return this;
    }

    /** Extra environment for the api (set before {@link #startApi()}). */
    Stack apiSetting(String name, String value) {
        apiSettings.put(name, value);
        return this;
    }

    /**
     * How the services reach Redis, instead of {@code REDIS_URL} (e.g. a cluster's hosts and
     * client type). The host and port given to the constructor are still what the test itself
     * reads the stream from.
     */
    Stack redisSettings(Map<String, String> settings) {
        this.redisSettings = Map.copyOf(settings);
        return this;
    }

    /** Extra environment for every worker started after this call. */
    Stack workerSetting(String name, String value) {
        workerSettings.put(name, value);
        return this;
    }

    /** Recreates the database, flushes the Redis database and starts the api; returns it ready. */
    ServiceProcess startApi() throws Exception {
        try (Connection admin = DriverManager.getConnection(
                "jdbc:postgresql://" + pgHost + ":" + pgPort + "/postgres", "postgres", "");
                Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + database);
        }
        try (Redis redis = redis()) {
            redis.call("FLUSHDB");
        }
        Map<String, String> env = new HashMap<>(Map.of(
                "DIGEST_ADMIN_KEY", ADMIN_KEY,
                "DIGEST_RATE_LIMIT_WRITE", "100000",
                "DIGEST_RATE_LIMIT_READ", "100000"));
        env.putAll(shared());
        env.putAll(apiSettings);
        apiEnvironment = Map.copyOf(env);
        api = start("api", Path.of(System.getProperty("digest.api.jar")), env,
                apiPort == null ? ServiceProcess.freePort() : apiPort);
        api.awaitReady(Duration.ofSeconds(90));
        db = DriverManager.getConnection("jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + database, "postgres", "");
        return api;
    }

    ServiceProcess api() {
        return api;
    }

    /**
     * Stops the api (SIGTERM) and starts it again on the same port, database and Redis, as a
     * deployment restarts it: clients see their connections drop and come back.
     */
    ServiceProcess restartApi() throws Exception {
        int port = api.port();
        api.close();
        api = start("api-restarted", Path.of(System.getProperty("digest.api.jar")), apiEnvironment, port);
        return api.awaitReady(Duration.ofSeconds(90));
    }

    /** Another api replica on the same database, Redis and stream (after {@link #startApi()}); returns it ready. */
    ServiceProcess startApiReplica(String name) throws Exception {
        ServiceProcess replica = start(name, Path.of(System.getProperty("digest.api.jar")), apiEnvironment,
                ServiceProcess.freePort());
        replica.awaitReady(Duration.ofSeconds(90));
        return replica;
    }

    ServiceProcess startWorker(String name) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "DIGEST_WORKER_CONSUMER_NAME", name,
                "DIGEST_WORKER_CLAIM_IDLE", "PT5S",
                "DIGEST_WORKER_RECLAIM_EVERY", "1s",
                "DIGEST_WORKER_SHUTDOWN_WAIT", "PT20S",
                "QUARKUS_MAILER_HOST", "127.0.0.1",
                "QUARKUS_MAILER_PORT", Integer.toString(smtpPort)));
        env.putAll(shared());
        env.putAll(workerSettings);
        return start(name, Path.of(System.getProperty("digest.worker.jar")), env, ServiceProcess.freePort());
    }

    private ServiceProcess start(String name, Path jar, Map<String, String> extra, int port) throws Exception {
        Map<String, String> env = new HashMap<>(extra);
        env.put("DATABASE_URL", "postgresql://postgres@" + pgHost + ":" + pgPort + "/" + database);
        if (redisSettings == null) {
            env.put("REDIS_URL", "redis://" + redisHost + ":" + redisPort + "/" + redisDb);
        } else {
            env.putAll(redisSettings);
        }
        ServiceProcess process = ServiceProcess.start(name, jar, env, logs, port);
        processes.add(process);
        return process;
    }

    /** A client of a new application of its own, with read, write and ingest scopes. */
    Api newTenant() throws Exception {
        Api admin = new Api(api::uri, ADMIN_KEY);
        String applicationId = admin.post("/api/v1/applications",
                Map.of("name", "System test", "slug", "system-" + UUID.randomUUID().toString().substring(0, 8)), 201)
                .get("id").asText();
        String key = admin.post("/api/v1/applications/" + applicationId + "/api-keys",
                Map.of("name", "system", "scopes", List.of("read", "write", "ingest")), 201).get("key").asText();
        return admin.as(key);
    }

    /** A disabled digest (runs only on request) of a new template, to these recipients. */
    static String newDigest(Api api, String name, List<String> recipients) throws Exception {
        String templateId = api.post("/api/v1/email-templates", Map.of("name", name + " template",
                "subject", "{digest.name} for {recipient}",
                "html", "<p>{eventCount} events for {recipient}</p>", "text", "{eventCount} events"), 201)
                .get("id").asText();
        Map<String, Object> digest = new HashMap<>();
        digest.put("name", name);
        digest.put("cron", "0 0 8 * * ?");
        digest.put("timeZone", "Europe/Paris");
        digest.put("recipients", recipients);
        digest.put("eventTypes", List.of());
        digest.put("emailTemplateId", templateId);
        digest.put("enabled", false);
        digest.put("emptyWindow", "send");
        return api.post("/api/v1/digests", digest, 201).get("id").asText();
    }

    String stream() {
        return stream;
    }

    /** What the api and the workers must be given alike: the queue's names and the run events channel. */
    private Map<String, String> shared() {
        return Map.of(
                "DIGEST_QUEUE_STREAM", stream,
                "DIGEST_QUEUE_GROUP", group,
                "DIGEST_QUEUE_DEAD_LETTER_STREAM", stream + ":dead",
                "DIGEST_EVENTS_CHANNEL", channel());
    }

    private String channel() {
        return stream.substring(0, stream.length() - ":jobs".length()) + ":" + TestCheckout.id() + ":events";
    }

    Redis redis() throws IOException {
        return new Redis(redisHost, redisPort, redisDb);
    }

    /** Messages delivered to a consumer of the group and not acknowledged. */
    long pending() {
        try (Redis redis = redis()) {
            List<?> summary = (List<?>) redis.call("XPENDING", stream, group);
            return (Long) summary.get(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Run status to how many of {@code runs} have it. */
    Map<String, Integer> statuses(List<String> runs) {
        Map<String, Integer> counts = new HashMap<>();
        query("SELECT status FROM digest_runs WHERE id = ANY(?)", runs, rs -> rs.getString(1))
                .forEach(status -> counts.merge(status, 1, Integer::sum));
        return counts;
    }

    int count(String where, List<String> runs) {
        return query("SELECT id FROM digest_runs WHERE id = ANY(?) AND " + where, runs, rs -> rs.getString(1)).size();
    }

    /** A single number computed over {@code runs}, e.g. {@code sum(claims)}. */
    long aggregate(String expression, List<String> runs) {
        return query("SELECT COALESCE(" + expression + ", 0) FROM digest_runs WHERE id = ANY(?)", runs,
                rs -> rs.getLong(1)).get(0);
    }

    <T> List<T> query(String sql, List<String> runs, Row<T> row) {
        try (PreparedStatement statement = connection().prepareStatement(sql)) {
            Array ids = statement.getConnection().createArrayOf("uuid", runs.toArray());
            statement.setArray(1, ids);
            List<T> result = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    result.add(row.read(rs));
                }
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The test's own connection, opened again after the server was restarted under it. */
    private Connection connection() throws SQLException {
        if (db == null || !db.isValid(2)) {
            if (db != null) {
                db.close();
            }
            db = DriverManager.getConnection("jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + database, "postgres", "");
        }
        return db;
    }

    /** Reads one row of a result. */
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Polls {@code condition} until it holds; fails after {@code timeout}. */
    static void await(Duration timeout, BooleanSupplier condition) {
        Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .until(condition::getAsBoolean);
    }

    @Override
    public void close() throws Exception {
        for (ServiceProcess process : processes) {
            process.close();
        }
        if (db != null) {
            db.close();
        }
    }
}
