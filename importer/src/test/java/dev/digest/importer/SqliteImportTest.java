package dev.digest.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteImportTest {

    @TempDir
    Path directory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @Test
    void developmentDataSetIsImportedWhole() throws Exception {
        try (LegacyFixture legacy = LegacyFixture.create(directory, true).developmentDataSet()) {
            assertEquals(0, importFile(legacy.file), output());

            UUID application = LegacyIds.of("applications", legacy.id("app"));
            assertEquals(2, count("SELECT count(*) FROM digest_digests WHERE application_id = ?", application));
            assertEquals(1, count("SELECT count(*) FROM digest_email_templates WHERE application_id = ?", application));
            assertEquals(101, count("SELECT count(*) FROM digest_runs WHERE application_id = ?", application));
            assertEquals(101, count("SELECT count(*) FROM digest_email_logs WHERE application_id = ?", application));
            assertEquals(5, count("SELECT count(*) FROM digest_webhook_events WHERE application_id = ?", application));
            // History only: nothing is left for a worker, and the pending run is explained.
            assertEquals(0, count("SELECT count(*) FROM digest_runs WHERE application_id = ? AND status IN ('queued', 'running')", application));
            assertEquals(1, count("SELECT count(*) FROM digest_runs WHERE application_id = ? AND status = 'failed' AND error LIKE 'never ran%'", application));
            // The window ledger continues where the old stack stopped: the daily digest's last sent window.
            assertEquals(1_700_000_000L + 100 * 86_400L, count("SELECT extract(epoch FROM max(window_end))::bigint FROM digest_runs"
                    + " WHERE digest_id = ? AND status = 'succeeded' AND trigger <> 'test'", LegacyIds.of("digests", legacy.id("daily"))));
            try (Connection connection = TargetDatabase.connect(); Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT cron, time_zone, enabled, subject, html_body FROM digest_digests d"
                            + " JOIN digest_email_templates t ON t.id = d.email_template_id WHERE d.id = '"
                            + LegacyIds.of("digests", legacy.id("weekly")) + "'")) {
                assertTrue(rows.next());
                assertEquals("0 30 9 ? * MON,TUE,WED,THU,FRI", rows.getString("cron"));
                assertEquals("UTC", rows.getString("time_zone"));
                assertTrue(rows.getBoolean("enabled"));
                assertEquals("{digest.name}: {eventCount} events", rows.getString("subject"));
                assertEquals("<h1>{digest.name}</h1><ul>{#for event in events}<li>{event.type} {event.payload.id}</li>{/for}</ul>",
                        rows.getString("html_body"));
            }
            assertTrue(output().contains("runs") && output().contains("ok"), output());
        }
    }

    @Test
    void importingAgainChangesNothing() throws Exception {
        try (LegacyFixture legacy = LegacyFixture.create(directory, true).developmentDataSet()) {
            assertEquals(0, importFile(legacy.file), output());
            String before = snapshot();
            out.reset();

            assertEquals(0, importFile(legacy.file), output());

            assertEquals(before, snapshot());
            assertTrue(output().matches("(?s).*runs\\s+101\\s+0\\s+101\\s+0\\s+101\\s+ok.*"), output());
        }
    }

    @Test
    void tablesWithoutPrefixAndIsoInstantsAreRead() throws Exception {
        try (LegacyFixture legacy = LegacyFixture.create(directory, false)) {
            legacy.insert("applications", "id, name, slug, created_at, updated_at", legacy.id("app"), "Old", "old-" + legacy.tag,
                    "2023-11-14T22:13:20Z", "2023-11-14 22:13:20");
            legacy.insert("event_types", "id, application_id, key, name, created_at", legacy.id("t"), legacy.id("app"),
                    "signup", "Signup", "1700000000000");
            legacy.insert("webhook_events", "id, application_id, event_type, payload, occurred_at, received_at_ms",
                    legacy.id("e"), legacy.id("app"), "signup", "{\"user\": \"ann\"}", "2023-11-14T23:00:00+01:00", 1_700_000_000_123L);

            assertEquals(0, importFile(legacy.file), output());

            UUID application = LegacyIds.of("applications", legacy.id("app"));
            assertEquals(1_700_000_000L, count("SELECT extract(epoch FROM created_at)::bigint FROM digest_applications WHERE id = ?", application));
            assertEquals(1_700_000_000L, count("SELECT extract(epoch FROM created_at)::bigint FROM digest_event_types WHERE application_id = ?", application));
            assertEquals(1_700_000_000_123L, count("SELECT (extract(epoch FROM received_at) * 1000)::bigint FROM digest_webhook_events"
                    + " WHERE application_id = ?", application));
            assertEquals(OffsetDateTime.parse("2023-11-14T22:00:00Z").toEpochSecond(),
                    count("SELECT extract(epoch FROM occurred_at)::bigint FROM digest_webhook_events WHERE application_id = ?", application));
        }
    }

    @Test
    void badRowsAreReportedWithTheirIdsAndTheOthersImported() throws Exception {
        try (LegacyFixture legacy = LegacyFixture.create(directory, true).developmentDataSet()) {
            long t = 1_700_000_000L;
            legacy.insert("webhook_events", "id, application_id, event_type, payload, received_at_ms", legacy.id("not-json"),
                    legacy.id("app"), "order.created", "{oops", t * 1000);
            legacy.insert("webhook_events", "id, application_id, event_type, payload, received_at_ms", legacy.id("unknown-type"),
                    legacy.id("app"), "order.shipped", "{}", t * 1000);
            legacy.insert("webhook_events", "id, application_id, event_type, payload, received_at_ms", legacy.id("bad-time"),
                    legacy.id("app"), "order.created", "{}", "yesterday");
            legacy.insert("email_templates", "id, application_id, name, subject, html_body, created_at, updated_at",
                    legacy.id("partial"), legacy.id("app"), "With partial", "{{digestName}}", "{{> header}}<p>{{eventCount}}</p>", t, t);
            legacy.insert("digests", "id, application_id, name, cron_expression, recipients, email_template_id, created_at, updated_at",
                    legacy.id("uses-partial"), legacy.id("app"), "Uses partial", "0 8 * * *", "[\"a@example.com\"]", legacy.id("partial"), t, t);
            legacy.insert("digests", "id, application_id, name, cron_expression, recipients, email_template_id, created_at, updated_at",
                    legacy.id("either-day"), legacy.id("app"), "Either day", "0 8 1 * 1", "[\"a@example.com\"]", legacy.id("tpl"), t, t);
            legacy.insert("runs", "id, digest_id, status, scheduled_for, created_at", 500, legacy.id("either-day"), "completed", t, t);
            legacy.insert("runs", "id, digest_id, status, scheduled_for, created_at", 501, legacy.id("daily"), "exploded", t, t);
            legacy.insert("email_logs", "id, run_id, recipient, status, created_at", 900, 500, "a@example.com", "sent", t);
            Path reportFile = directory.resolve("report.jsonl");

            assertEquals(0, importFile(legacy.file, "--report", reportFile.toString()), output());

            String report = output();
            assertTrue(report.contains("webhook_events " + legacy.id("not-json") + ": payload is not valid JSON"), report);
            assertTrue(report.contains(legacy.id("unknown-type") + ": event type 'order.shipped' is not an imported event type"), report);
            assertTrue(report.contains(legacy.id("bad-time") + ": received_at_ms is not an instant"), report);
            assertTrue(report.contains("digests " + legacy.id("either-day") + ": cron '0 8 1 * 1' restricts both"), report);
            assertTrue(report.contains("runs 500: digest " + legacy.id("either-day") + " was not imported"), report);
            assertTrue(report.contains("runs 501: status 'exploded'"), report);
            assertTrue(report.contains("email_logs 900: run 500 was not imported"), report);
            // The template that does not convert is kept as written, and its digest waits disabled.
            assertTrue(report.contains("email_templates " + legacy.id("partial") + ": imported unchanged and its digests disabled"), report);
            assertEquals(1, count("SELECT count(*) FROM digest_email_templates WHERE id = ? AND html_body = '{{> header}}<p>{{eventCount}}</p>'",
                    LegacyIds.of("email_templates", legacy.id("partial"))));
            assertEquals(1, count("SELECT count(*) FROM digest_digests WHERE id = ? AND NOT enabled",
                    LegacyIds.of("digests", legacy.id("uses-partial"))));
            assertEquals(5, count("SELECT count(*) FROM digest_webhook_events WHERE application_id = ?",
                    LegacyIds.of("applications", legacy.id("app"))));
            assertEquals(7, Files.readAllLines(reportFile).stream().filter(line -> line.contains("\"refused\"")).count());
        }
    }

    @Test
    void dryRunWritesNothingAndSaysWhatItWouldWrite() throws Exception {
        try (LegacyFixture legacy = LegacyFixture.create(directory, true).developmentDataSet()) {
            assertEquals(0, importFile(legacy.file, "--dry-run"), output());

            assertEquals(0, count("SELECT count(*) FROM digest_applications WHERE slug = ?", "dev-" + legacy.tag));
            assertTrue(output().contains("Dry run: nothing was written"), output());
            assertTrue(output().matches("(?s).*runs\\s+101\\s+101\\s+0\\s+0\\s+-\\s+ok.*"), output());
        }
    }

    @Test
    void anApplicationWhoseSlugIsTakenStaysOutAndTheOtherIsUntouched() throws Exception {
        try (LegacyFixture legacy = LegacyFixture.create(directory, true).developmentDataSet()) {
            UUID existing = UUID.randomUUID();
            try (Connection connection = TargetDatabase.connect(); var insert = connection.prepareStatement(
                    "INSERT INTO digest_applications (id, name, slug) VALUES (?, 'Already here', ?)")) {
                insert.setObject(1, existing);
                insert.setString(2, "dev-" + legacy.tag);
                insert.executeUpdate();
            }

            assertEquals(0, importFile(legacy.file), output());

            assertTrue(output().contains("applications " + legacy.id("app") + ": refused by PostgreSQL"), output());
            assertTrue(output().contains("already exists"), output());
            assertEquals(1, count("SELECT count(*) FROM digest_applications WHERE slug = ? AND name = 'Already here'", "dev-" + legacy.tag));
            assertEquals(0, count("SELECT count(*) FROM digest_digests WHERE application_id = ?", existing));
            assertFalse(output().contains("MISMATCH"), output());
        }
    }

    @Test
    void aMissingFileIsAnErrorAnOperatorCanScript() throws Exception {
        assertEquals(3, importFile(directory.resolve("nope.sqlite")));
        assertTrue(output().contains("no SQLite database"), output());
    }

    private int importFile(Path file, String... options) throws Exception {
        String[] args = new String[options.length + 3];
        args[0] = file.toString();
        args[1] = "--database-url";
        args[2] = TargetDatabase.url();
        System.arraycopy(options, 0, args, 3, options.length);
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        return ImportCommand.execute(args, print, print);
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static long count(String sql, Object... args) throws Exception {
        return TargetDatabase.count(sql, args);
    }

    private static String snapshot() throws Exception {
        StringBuilder state = new StringBuilder();
        try (Connection connection = TargetDatabase.connect(); Statement statement = connection.createStatement()) {
            for (String table : new String[] {"digest_applications", "digest_digests", "digest_runs", "digest_email_logs",
                "digest_webhook_events", "digest_email_templates"}) {
                try (ResultSet rows = statement.executeQuery("SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM " + table + " t")) {
                    rows.next();
                    state.append(table).append('=').append(rows.getString(1)).append('\n');
                }
            }
        }
        return state.toString();
    }
}
