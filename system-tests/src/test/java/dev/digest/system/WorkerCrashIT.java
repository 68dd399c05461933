package dev.digest.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The packaged api-service and worker-service as separate processes, on the local PostgreSQL
 * and Redis and a real SMTP server: one worker is SIGKILLed while runs are in flight, another
 * is SIGTERMed, and every run must still end succeeded with each email delivered once (save
 * the one duplicate per run the design allows, carrying the same Message-ID).
 *
 * <p>It uses its own database ({@code digest_system}, recreated), Redis database 3 and stream
 * names, so it neither sees nor disturbs a development stack on the same machine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerCrashIT {

    private static final String PG_HOST = System.getProperty("digest.system.pg-host", "127.0.0.1");
    private static final String PG_PORT = System.getProperty("digest.system.pg-port", "5432");
    private static final String DATABASE = "digest_system";
    private static final String REDIS_HOST = System.getProperty("digest.system.redis-host", "127.0.0.1");
    private static final int REDIS_PORT = Integer.getInteger("digest.system.redis-port", 6379);
    private static final int REDIS_DB = 3;
    private static final String STREAM = "digest:system:jobs";
    private static final String GROUP = "digest-system-workers";
    private static final String ADMIN_KEY = "system-test-admin-key-0123456789";
    private static final List<String> RECIPIENTS = List.of("ops@example.com", "cto@example.com", "sales@example.com");
    private static final int CRASH_RUNS = 200;
    private static final int DRAIN_RUNS = 100;
    private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "skipped", "dead");

    private final Path apiJar = Path.of(System.getProperty("digest.api.jar"));
    private final Path workerJar = Path.of(System.getProperty("digest.worker.jar"));
    private final Path logs = Path.of(System.getProperty("digest.system.logs", "target/system-logs"));
    private final List<ServiceProcess> processes = new ArrayList<>();
    private final List<String> allRuns = new ArrayList<>();
    private SmtpSink smtp;
    private Connection db;
    private Api api;
    private String templateId;

    @BeforeAll
    void startServices() throws Exception {
        recreateDatabase();
        try (Redis redis = new Redis(REDIS_HOST, REDIS_PORT, REDIS_DB)) {
            redis.call("FLUSHDB");
        }
        smtp = new SmtpSink();
        ServiceProcess apiProcess = start("api", apiJar, Map.of(
                "DIGEST_ADMIN_KEY", ADMIN_KEY,
                "DIGEST_QUEUE_STREAM", STREAM,
                // The test creates 300 digests and 300 runs within seconds with one key.
                "DIGEST_RATE_LIMIT_WRITE", "10000"));
        apiProcess.awaitReady(Duration.ofSeconds(90));
        db = DriverManager.getConnection("jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/" + DATABASE, "postgres", "");
        Api admin = new Api(apiProcess::uri, ADMIN_KEY);
        String applicationId = admin.post("/api/v1/applications",
                Map.of("name", "System test", "slug", "system-" + UUID.randomUUID().toString().substring(0, 8)), 201)
                .get("id").asText();
        String key = admin.post("/api/v1/applications/" + applicationId + "/api-keys",
                Map.of("name", "system", "scopes", List.of("read", "write", "ingest")), 201).get("key").asText();
        api = admin.as(key);
        String templateId = api.post("/api/v1/email-templates", Map.of("name", "System digest",
                "subject", "{digest.name} for {recipient}",
                "html", "<p>{events.size} events for {recipient}</p>", "text", "{events.size} events"), 201)
                .get("id").asText();
        this.templateId = templateId;
    }

    /** A digest of its own for each run: runs of one digest deliver their windows one at a time. */
    private String newDigest(int n) throws Exception {
        Map<String, Object> digest = new HashMap<>();
        digest.put("name", "Crash digest " + n);
        digest.put("cron", "0 0 8 * * ?");
        digest.put("timeZone", "Europe/Paris");
        digest.put("recipients", RECIPIENTS);
        digest.put("eventTypes", List.of());
        digest.put("emailTemplateId", templateId);
        digest.put("enabled", false);
        digest.put("emptyWindow", "send");
        return api.post("/api/v1/digests", digest, 201).get("id").asText();
    }

    @AfterAll
    void stopServices() throws Exception {
        for (ServiceProcess process : processes) {
            process.close();
        }
        if (smtp != null) {
            smtp.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    @Order(1)
    void aKilledWorkersRunsAreReclaimedAndEachEmailArrivesOnce() throws Exception {
        // The runs are all queued before the workers start, so both have work for several seconds.
        List<String> runs = requestRuns(CRASH_RUNS);
        long started = System.nanoTime();
        ServiceProcess victim = startWorker("system-worker-1");
        startWorker("system-worker-2");
        victim.awaitReady(Duration.ofSeconds(90));
        await(Duration.ofSeconds(60), () -> count("status = 'running' AND worker_id = 'system-worker-1'", runs) > 0
                && count("status = 'succeeded'", runs) >= 20);
        victim.kill();
        int inFlightAtKill = count("status = 'running' AND worker_id = 'system-worker-1'", runs);
        int doneAtKill = count("status = 'succeeded'", runs);

        await(Duration.ofSeconds(120), () -> terminal(runs) == runs.size());
        double seconds = (System.nanoTime() - started) / 1e9;
        // A job whose outcome was committed but not yet acknowledged when the worker died stays
        // pending until another worker claims it after the idle time and acknowledges it.
        awaitNothingPending();

        Map<String, Integer> arrived = smtp.countsByMessageId();
        Set<String> logged = loggedMessageIds(runs);
        int received = arrived.values().stream().mapToInt(Integer::intValue).sum();
        int duplicates = received - arrived.size();
        System.out.printf("%nworker crash: %d runs, worker-1 killed with %d runs in flight after %d had succeeded;"
                + " %d succeeded in %.1f s; SMTP received %d messages, %d distinct Message-IDs, %d duplicates;"
                + " %d pending in the group%n",
                runs.size(), inFlightAtKill, doneAtKill, count("status = 'succeeded'", runs), seconds, received,
                arrived.size(), duplicates, pending());

        assertTrue(inFlightAtKill > 0, "runs in flight on the killed worker");
        assertEquals(Map.of("succeeded", CRASH_RUNS), statuses(runs));
        assertEquals(CRASH_RUNS * RECIPIENTS.size(), logged.size(), "emails logged as sent");
        assertEquals(logged, arrived.keySet(), "Message-IDs received against those logged");
        // The one duplicate the design allows: the worker died after the SMTP server took the
        // email and before its log row said sent, so the next attempt sent it again, under the
        // same Message-ID. At most one per run in flight, and only where a second attempt was made.
        assertTrue(duplicates <= inFlightAtKill, duplicates + " duplicates for " + inFlightAtKill + " runs in flight");
        Set<String> resent = new HashSet<>(query("SELECT provider_message_id FROM digest_email_logs"
                + " WHERE run_id = ANY(?) AND attempts > 1", runs, rs -> rs.getString(1)));
        arrived.forEach((id, times) -> {
            assertTrue(times <= 2, id + " arrived " + times + " times");
            assertTrue(times == 1 || resent.contains(id), id + " arrived twice without a second attempt");
        });
        assertEquals(0, pending(), "messages pending in the consumer group");
    }

    @Test
    @Order(2)
    void aTerminatedWorkerFinishesItsJobsAndTheRestWaitForAnother() throws Exception {
        ServiceProcess leaving = processes.stream().filter(p -> p.name().equals("system-worker-2")).findFirst()
                .orElseThrow();
        Map<String, Integer> before = smtp.countsByMessageId();
        List<String> runs = requestRuns(DRAIN_RUNS);
        await(Duration.ofSeconds(60), () -> count("status = 'running' AND worker_id = 'system-worker-2'", runs) > 0);
        List<String> inFlight = ids("status = 'running' AND worker_id = 'system-worker-2'", runs);
        long stopping = System.nanoTime();
        boolean exited = leaving.terminate(Duration.ofSeconds(45));
        double stopSeconds = (System.nanoTime() - stopping) / 1e9;

        assertTrue(exited, "worker exited after SIGTERM");
        assertEquals(Map.of("succeeded", inFlight.size()), statuses(inFlight), "runs in flight at SIGTERM");
        assertEquals(inFlight.size(), count("worker_id = 'system-worker-2'", inFlight), "finished by the leaving worker");
        assertEquals(0, pending(), "the leaving worker acknowledged every job it had taken");

        startWorker("system-worker-3").awaitReady(Duration.ofSeconds(90));
        await(Duration.ofSeconds(120), () -> terminal(runs) == runs.size());
        awaitNothingPending();

        Map<String, Integer> arrived = smtp.countsByMessageId();
        Set<String> logged = loggedMessageIds(runs);
        long repeated = logged.stream().filter(id -> arrived.getOrDefault(id, 0) > 1).count();
        System.out.printf("%nworker drain: SIGTERM with %d runs in flight, exited in %.1f s, all %d finished by it;"
                + " %d more runs finished by a new worker; %d emails, %d repeated; %d pending in the group%n",
                inFlight.size(), stopSeconds, inFlight.size(), runs.size() - inFlight.size(), logged.size(),
                repeated, pending());

        assertEquals(Map.of("succeeded", DRAIN_RUNS), statuses(runs));
        assertEquals(DRAIN_RUNS * RECIPIENTS.size(), logged.size(), "emails logged as sent");
        for (String id : logged) {
            assertTrue(!before.containsKey(id) && arrived.getOrDefault(id, 0) == 1, id + " arrived once");
        }
        assertEquals(0, pending(), "messages pending in the consumer group");
        assertEquals(Map.of("succeeded", CRASH_RUNS + DRAIN_RUNS), statuses(allRuns));
    }

    private ServiceProcess start(String name, Path jar, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(extra);
        env.put("DATABASE_URL", "postgresql://postgres@" + PG_HOST + ":" + PG_PORT + "/" + DATABASE);
        env.put("REDIS_URL", "redis://" + REDIS_HOST + ":" + REDIS_PORT + "/" + REDIS_DB);
        ServiceProcess process = ServiceProcess.start(name, jar, env, logs);
        processes.add(process);
        return process;
    }

    private ServiceProcess startWorker(String name) throws Exception {
        return start(name, workerJar, Map.ofEntries(
                Map.entry("DIGEST_WORKER_CONSUMER_NAME", name),
                Map.entry("DIGEST_WORKER_STREAM", STREAM),
                Map.entry("DIGEST_WORKER_GROUP", GROUP),
                Map.entry("DIGEST_WORKER_DEAD_LETTER_STREAM", "digest:system:dead"),
                Map.entry("DIGEST_WORKER_CLAIM_IDLE", "PT5S"),
                Map.entry("DIGEST_WORKER_RECLAIM_EVERY", "1s"),
                Map.entry("DIGEST_WORKER_SHUTDOWN_WAIT", "PT20S"),
                Map.entry("QUARKUS_MAILER_HOST", "127.0.0.1"),
                Map.entry("QUARKUS_MAILER_PORT", Integer.toString(smtp.port()))));
    }

    private List<String> requestRuns(int n) throws Exception {
        List<String> ids = new ArrayList<>(n);
        List<String> digests = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            digests.add(newDigest(allRuns.size() + i));
        }
        for (String digestId : digests) {
            JsonNode run = api.post("/api/v1/digests/" + digestId + "/runs", Map.of(), 202);
            ids.add(run.get("id").asText());
        }
        allRuns.addAll(ids);
        return ids;
    }

    private void recreateDatabase() throws SQLException {
        try (Connection admin = DriverManager.getConnection(
                "jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/postgres", "postgres", "");
                Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + DATABASE);
        }
    }

    private static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(10);
        }
    }

    private void awaitNothingPending() throws InterruptedException {
        await(Duration.ofSeconds(30), () -> pending() == 0);
    }

    private int count(String where, List<String> runs) {
        return ids(where, runs).size();
    }

    private List<String> ids(String where, List<String> runs) {
        return query("SELECT id::text FROM digest_runs WHERE id = ANY(?) AND " + where, runs,
                rs -> rs.getString(1));
    }

    private int terminal(List<String> runs) {
        return (int) statuses(runs).entrySet().stream().filter(e -> TERMINAL.contains(e.getKey()))
                .mapToInt(Map.Entry::getValue).sum();
    }

    private Map<String, Integer> statuses(List<String> runs) {
        Map<String, Integer> counts = new HashMap<>();
        query("SELECT status FROM digest_runs WHERE id = ANY(?)", runs, rs -> rs.getString(1))
                .forEach(status -> counts.merge(status, 1, Integer::sum));
        return counts;
    }

    private Set<String> loggedMessageIds(List<String> runs) {
        return new HashSet<>(query("SELECT provider_message_id FROM digest_email_logs WHERE run_id = ANY(?)"
                + " AND status = 'sent'", runs, rs -> rs.getString(1)));
    }

    private long pending() {
        try (Redis redis = new Redis(REDIS_HOST, REDIS_PORT, REDIS_DB)) {
            List<?> summary = (List<?>) redis.call("XPENDING", STREAM, GROUP);
            return (Long) summary.get(0);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, List<String> runs, Row<T> row) {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            Array ids = db.createArrayOf("uuid", runs.toArray());
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
}
