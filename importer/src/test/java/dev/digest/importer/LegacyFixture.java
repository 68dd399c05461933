package dev.digest.importer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * An old stack's SQLite database made from the old schema, in either naming style, that a test
 * fills with rows. Every fixture uses ids and slugs of its own, so tests share one PostgreSQL
 * database without meeting.
 */
final class LegacyFixture implements AutoCloseable {

    final Path file;
    final String tag = UUID.randomUUID().toString().substring(0, 8);
    private final String prefix;
    private final Connection connection;

    private LegacyFixture(Path file, boolean prefixed) throws SQLException, IOException {
        this.file = file;
        this.prefix = prefixed ? "digest_" : "";
        this.connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        String schema;
        try (InputStream in = LegacyFixture.class.getResourceAsStream("/legacy/sqlite-schema.sql")) {
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!prefixed) {
            schema = schema.replaceAll("digest_(?=(applications|api_keys|event_types|webhook_events|email_templates|templates|digests|runs|email_logs)\\b)", "");
        }
        try (Statement statement = connection.createStatement()) {
            for (String create : schema.replaceAll("(?m)--.*$", "").split(";")) {
                if (!create.isBlank()) {
                    statement.execute(create);
                }
            }
        }
    }

    static LegacyFixture create(Path directory, boolean prefixed) throws SQLException, IOException {
        return new LegacyFixture(Files.createTempFile(directory, "legacy", ".sqlite"), prefixed);
    }

    /** An id of this fixture: the old ids are random text, unique per database. */
    String id(String name) {
        return name + "-" + tag;
    }

    LegacyFixture insert(String table, String columns, Object... values) throws SQLException {
        String marks = String.join(", ", java.util.Collections.nCopies(values.length, "?"));
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO " + prefix + table + " (" + columns + ") VALUES (" + marks + ")")) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
        }
        return this;
    }

    /**
     * The documented development data set: one application, one email template, two digests,
     * 101 runs (with an email log each) and a few events.
     */
    LegacyFixture developmentDataSet() throws SQLException {
        long t = 1_700_000_000L;
        insert("applications", "id, name, slug, created_at, updated_at", id("app"), "Dev shop", "dev-" + tag, t, t);
        insert("event_types", "id, application_id, key, name, created_at", id("type"), id("app"), "order.created", "Order created", t);
        insert("email_templates", "id, application_id, name, subject, html_body, text_body, created_at, updated_at",
                id("tpl"), id("app"), "Daily", "{{digestName}}: {{eventCount}} events",
                "<h1>{{digestName}}</h1><ul>{{#each events}}<li>{{type}} {{payload.id}}</li>{{/each}}</ul>",
                "{{#each events}}{{type}}\n{{/each}}", t, t);
        insert("digests", "id, application_id, name, event_types, cron_expression, timezone, recipients, email_template_id,"
                + " is_active, send_if_empty, created_at, updated_at", id("daily"), id("app"), "Daily orders",
                "[\"order.created\"]", "0 8 * * *", "Europe/Paris", "[\"ops@example.com\"]", id("tpl"), 1, 0, t, t);
        insert("digests", "id, application_id, name, event_types, cron_expression, timezone, recipients, email_template_id,"
                + " is_active, send_if_empty, created_at, updated_at", id("weekly"), id("app"), "Weekly orders",
                "[]", "30 9 * * 1-5", null, "[\"boss@example.com\", \"ops@example.com\"]", id("tpl"), 1, 1, t, t);
        for (int i = 1; i <= 101; i++) {
            String digest = i % 2 == 0 ? id("daily") : id("weekly");
            long end = t + i * 86_400L;
            insert("runs", "id, digest_id, trigger, status, scheduled_for, window_start, window_end, event_count, started_at,"
                    + " completed_at, created_at", i, digest, "scheduled", i == 101 ? "pending" : "completed", end,
                    end - 86_400L, end, 3, end, end + 5, end);
            insert("email_logs", "id, run_id, recipient, subject, status, provider_message_id, sent_at, created_at", i, i,
                    "ops@example.com", "Daily orders", "sent", "<m" + i + "@old>", end + 5, end + 5);
        }
        for (int i = 1; i <= 5; i++) {
            insert("webhook_events", "id, application_id, event_type, payload, occurred_at, received_at_ms",
                    id("event" + i), id("app"), "order.created", "{\"id\": " + i + "}", t + i, (t + i) * 1000);
        }
        return this;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
