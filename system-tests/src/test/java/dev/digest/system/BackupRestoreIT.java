package dev.digest.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup round trip an operator relies on: {@code deploy/db/backup.sh} dumps a database the
 * packaged services wrote, {@code deploy/db/restore.sh} restores it into a new database with
 * every table's count checked, and the packaged services started on the restored copy deliver
 * a digest from it, its window continuing where the original's ended. Damaged backups and
 * non-empty targets are refused with their exit codes, and old backups are removed.
 */
class BackupRestoreIT {

    private static final String PG = "127.0.0.1:" + Integer.getInteger("digest.system.pg-port", 5432);
    private static final String RESTORED = Stack.unique("digest_backup_restored");
    private static final int RESTORED_REDIS_DB = Stack.redisDb(12);

    @TempDir
    Path backups;

    private final Path logs = Path.of(System.getProperty("digest.system.logs", "target/system-logs"), "backup_restored");
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void aRestoredBackupHasEveryRowAndItsDigestsDeliver() throws Exception {
        SmtpSink smtp = track(new SmtpSink());
        Stack source = track(Stack.local("backup_src", 11, smtp.port()));
        source.startApi();
        source.startWorker("backup-src-worker").awaitReady(Duration.ofSeconds(90));
        Api admin = new Api(source.api()::uri, Stack.ADMIN_KEY);
        String applicationId = admin.post("/api/v1/applications", Map.of("name", "Backup", "slug", "backup-" + shortId()), 201)
                .get("id").asText();
        String key = admin.post("/api/v1/applications/" + applicationId + "/api-keys",
                Map.of("name", "ops", "scopes", List.of("read", "write", "ingest")), 201).get("key").asText();
        Api tenant = admin.as(key);
        tenant.post("/api/v1/event-types", Map.of("key", "order", "name", "Orders"), 201);
        String digestId = Stack.newDigest(tenant, "Backed up", List.of("ops@example.com"));
        tenant.post("/api/v1/events", Map.of("type", "order", "payload", Map.of("n", 1)), 201);
        JsonNode first = tenant.awaitFinished(tenant.post("/api/v1/digests/" + digestId + "/runs", Map.of(), 202)
                .get("id").asText(), Duration.ofSeconds(60));
        assertEquals("succeeded", first.get("status").asText(), first.toString());

        Result backup = script(Map.of("DATABASE_URL", "postgresql://postgres@" + PG + "/" + source.database()),
                "backup.sh", backups.toString());
        assertEquals(0, backup.exit(), backup.output());
        Path dump = Path.of(backup.lastLine());
        assertTrue(Files.isRegularFile(dump) && Files.isRegularFile(Path.of(dump + ".sha256"))
                && Files.isRegularFile(Path.of(dump + ".counts")), backup.output());
        // The services keep writing after the backup; the restore compares with the dump's own counts.
        tenant.post("/api/v1/events", Map.of("type", "order", "payload", Map.of("n", 2)), 201);

        dropRestored();
        Result restore = script(Map.of(), "restore.sh", dump.toString(), "postgresql://postgres@" + PG + "/" + RESTORED);
        assertEquals(0, restore.exit(), restore.output());
        assertTrue(restore.output().contains("every table's row count equals the backup's"), restore.output());
        Map<String, Long> expected = countsFile(Path.of(dump + ".counts"));
        assertEquals(expected, counts(RESTORED));
        assertEquals(1L, expected.get("digest_runs"));
        assertEquals(1L, expected.get("digest_webhook_events"), "the event after the backup is not in it");

        ServiceProcess api = startOnRestored("restored-api", System.getProperty("digest.api.jar"),
                Map.of("DIGEST_ADMIN_KEY", Stack.ADMIN_KEY));
        ServiceProcess worker = startOnRestored("restored-worker", System.getProperty("digest.worker.jar"), Map.of(
                "DIGEST_WORKER_CONSUMER_NAME", "restored-worker",
                "QUARKUS_MAILER_HOST", "127.0.0.1", "QUARKUS_MAILER_PORT", Integer.toString(smtp.port())));
        api.awaitReady(Duration.ofSeconds(90));
        worker.awaitReady(Duration.ofSeconds(90));
        Api restored = new Api(api::uri, key);
        restored.post("/api/v1/events", Map.of("type", "order", "payload", Map.of("n", 3)), 201);
        int mailsBefore = smtp.received();
        JsonNode second = restored.awaitFinished(restored.post("/api/v1/digests/" + digestId + "/runs", Map.of(), 202)
                .get("id").asText(), Duration.ofSeconds(60));

        assertEquals("succeeded", second.get("status").asText(), second.toString());
        assertEquals(1, second.get("eventCount").asInt(), "only the event ingested after the restore: " + second);
        assertEquals(first.get("windowEnd").asText(), second.get("windowStart").asText(), "the window ledger carried over");
        Stack.await(Duration.ofSeconds(10), () -> smtp.received() == mailsBefore + 1);
    }

    @Test
    void damagedBackupsAndNonEmptyTargetsAreRefusedAndOldBackupsRemoved() throws Exception {
        Map<String, String> env = Map.of("DATABASE_URL", "postgresql://postgres@" + PG + "/postgres", "BACKUP_KEEP", "2");
        Path stale = backups.resolve("digest-postgres-20200101T000000Z-1.dump");
        Files.writeString(stale, "old");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofDays(40))));
        Result first = script(Map.of("DATABASE_URL", env.get("DATABASE_URL")), "backup.sh", backups.toString());
        assertEquals(0, first.exit(), first.output());
        assertTrue(Files.notExists(stale), "a backup older than BACKUP_MAX_AGE_DAYS is removed: " + first.output());
        for (int i = 0; i < 2; i++) {
            Result next = script(env, "backup.sh", backups.toString());
            assertEquals(0, next.exit(), next.output());
        }
        try (Stream<Path> files = Files.list(backups)) {
            assertEquals(2, files.filter(file -> file.toString().endsWith(".dump")).count(), "BACKUP_KEEP=2 keeps two");
        }
        Path dump = Path.of(first.lastLine());
        assertTrue(Files.notExists(dump), "the oldest of three went");

        Path damaged = Path.of(script(env, "backup.sh", backups.toString()).lastLine());
        byte[] bytes = Files.readAllBytes(damaged);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(damaged, bytes);
        dropRestored();
        Result refused = script(Map.of(), "restore.sh", damaged.toString(), "postgresql://postgres@" + PG + "/" + RESTORED);
        assertEquals(4, refused.exit(), refused.output());
        assertTrue(refused.output().contains("checksum mismatch"), refused.output());

        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://" + PG + "/postgres", "postgres", "");
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + RESTORED);
        }
        try (Connection target = DriverManager.getConnection("jdbc:postgresql://" + PG + "/" + RESTORED, "postgres", "");
                Statement statement = target.createStatement()) {
            statement.execute("CREATE TABLE live_data (id int)");
        }
        Result intoNonEmpty = script(Map.of(), "restore.sh", Path.of(script(env, "backup.sh", backups.toString()).lastLine()).toString(),
                "postgresql://postgres@" + PG + "/" + RESTORED);
        assertEquals(5, intoNonEmpty.exit(), intoNonEmpty.output());
        assertEquals(2, script(Map.of(), "restore.sh", "only-one-argument").exit());
    }

    private ServiceProcess startOnRestored(String name, String jar, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(extra);
        env.put("DIGEST_QUEUE_STREAM", "digest:restored:jobs");
        env.put("DIGEST_QUEUE_GROUP", "digest-restored-workers");
        env.put("DIGEST_QUEUE_DEAD_LETTER_STREAM", "digest:restored:dead");
        env.put("DATABASE_URL", "postgresql://postgres@" + PG + "/" + RESTORED);
        env.put("REDIS_URL", "redis://127.0.0.1:" + Integer.getInteger("digest.system.redis-port", 6379) + "/" + RESTORED_REDIS_DB);
        try (Redis redis = new Redis("127.0.0.1", Integer.getInteger("digest.system.redis-port", 6379), RESTORED_REDIS_DB)) {
            if (name.endsWith("api")) {
                redis.call("FLUSHDB");
            }
        }
        return track(ServiceProcess.start(name, Path.of(jar), env, logs));
    }

    private record Result(int exit, String output) {
        String lastLine() {
            String[] lines = output.strip().split("\n");
            return lines[lines.length - 1].strip();
        }
    }

    // stdout and stderr apart, so the last line of stdout is the script's answer.
    private static Result script(Map<String, String> env, String name, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", Path.of("..", "deploy", "db", name).toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Path err = Files.createTempFile("script", ".err");
        builder.redirectError(err.toFile());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes());
        int exit = process.waitFor();
        String errors = Files.readString(err);
        Files.delete(err);
        return new Result(exit, errors + out);
    }

    private static void dropRestored() throws SQLException {
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://" + PG + "/postgres", "postgres", "");
                Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + RESTORED + " WITH (FORCE)");
        }
    }

    private static Map<String, Long> countsFile(Path file) throws IOException {
        Map<String, Long> counts = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] parts = line.split("\\|");
            counts.put(parts[0], Long.parseLong(parts[1]));
        }
        return counts;
    }

    private static Map<String, Long> counts(String database) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://" + PG + "/" + database, "postgres", "");
                Statement statement = db.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                    + " AND (tablename LIKE 'digest\\_%' OR tablename = 'flyway_schema_history')")) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
                    rows.next();
                    counts.put(table, rows.getLong(1));
                }
            }
        }
        return counts;
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
