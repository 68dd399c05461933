package dev.digest.importer;

import static dev.digest.importer.LegacyValues.bool;
import static dev.digest.importer.LegacyValues.instant;
import static dev.digest.importer.LegacyValues.integer;
import static dev.digest.importer.LegacyValues.jsonObject;
import static dev.digest.importer.LegacyValues.requiredInstant;
import static dev.digest.importer.LegacyValues.requiredText;
import static dev.digest.importer.LegacyValues.stringArray;
import static dev.digest.importer.LegacyValues.text;

import dev.digest.common.run.RunLedger;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.quartz.CronExpression;

/**
 * The tables of the old database in the order they are imported (parents first), and how one
 * row of each becomes a row of the current schema.
 */
final class LegacyTables {

    /** One old table: its name without prefix, its target, the conversion and what a carried-over row tells later tables. */
    record Table(String legacyName, String target, String insertSql, Converter converter, BiConsumer<TargetRow, Map<String, Object>> imported) {
    }

    @FunctionalInterface
    interface Converter {
        TargetRow convert(Map<String, Object> row, ImportReport report);
    }

    private static final List<String> SCOPES = List.of("read", "write", "ingest");

    private final ImportState state;
    private final OffsetDateTime importedAt;

    LegacyTables(ImportState state, OffsetDateTime importedAt) {
        this.state = state;
        this.importedAt = importedAt;
    }

    List<Table> inOrder() {
        return List.of(
                new Table("applications", "digest_applications", null, this::application, this::remember),
                new Table("api_keys", "digest_api_keys", null, this::apiKey, this::remember),
                new Table("event_types", "digest_event_types", null, this::eventType, (row, old) -> {
                    remember(row, old);
                    state.eventTypes.add(ImportState.eventTypeKey((UUID) row.columns().get("application_id"),
                            (String) row.columns().get("key")));
                }),
                new Table("email_templates", "digest_email_templates", null, this::emailTemplate, this::remember),
                new Table("templates", "digest_templates", null, this::digestTemplate, this::remember),
                new Table("digests", "digest_digests", null, this::digest, (row, old) -> {
                    remember(row, old);
                    state.applicationOfDigest.put(text(old.get("id")), text(old.get("application_id")));
                }),
                new Table("webhook_events", "digest_webhook_events", null, this::event, (row, old) -> { }),
                new Table("runs", "digest_runs", RunLedger.IMPORT_FINISHED, this::run, (row, old) -> {
                    remember(row, old);
                    state.applicationOfRun.put(text(old.get("id")), state.applicationOfDigest.get(text(old.get("digest_id"))));
                }),
                new Table("email_logs", "digest_email_logs", null, this::emailLog, (row, old) -> { }));
    }

    private void remember(TargetRow row, Map<String, Object> old) {
        state.present.add(row.id());
    }

    private TargetRow application(Map<String, Object> row, ImportReport report) {
        Object oldId = requiredText("id", row.get("id"));
        String slug = requiredText("slug", row.get("slug")).trim().toLowerCase(Locale.ROOT);
        if (!slug.matches("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")) {
            throw new RowRejected("slug '" + slug + "' is not lower-case letters, digits and inner hyphens (at most 63)");
        }
        OffsetDateTime created = requiredInstant("created_at", row.get("created_at"), false);
        return TargetRow.of("digest_applications", LegacyIds.of("applications", oldId), oldId)
                .with("name", name(row))
                .with("slug", slug)
                .with("created_at", created)
                .with("updated_at", orElse(instant("updated_at", row.get("updated_at"), false), created));
    }

    private TargetRow apiKey(Map<String, Object> row, ImportReport report) {
        Object oldId = requiredText("id", row.get("id"));
        Object application = row.get("application_id");
        if (application == null) {
            throw new RowRejected("an admin key (no application); the admin key now comes from DIGEST_ADMIN_KEY");
        }
        UUID applicationId = parent("applications", application, "application");
        List<String> scopes = stringArray("scopes", row.get("scopes"), List.of("read"));
        for (String scope : scopes) {
            if (!SCOPES.contains(scope)) {
                throw new RowRejected("scope '" + scope + "' does not exist any more (there are read, write, ingest)");
            }
        }
        if (scopes.isEmpty()) {
            throw new RowRejected("the key has no scopes");
        }
        OffsetDateTime created = requiredInstant("created_at", row.get("created_at"), false);
        // The old stack recorded that a key was revoked, not when: the import is the first instant known.
        boolean revoked = bool("revoked", row.get("revoked"), false);
        String hash = requiredText("key_hash", row.get("key_hash")).trim().toLowerCase(Locale.ROOT);
        if (!hash.matches("[0-9a-f]{64}")) {
            throw new RowRejected("key_hash is not a hex SHA-256");
        }
        return TargetRow.of("digest_api_keys", LegacyIds.of("api_keys", oldId), oldId)
                .with("application_id", applicationId)
                .with("name", name(row))
                .with("scopes", scopes.stream().distinct().toArray(String[]::new))
                .with("prefix", requiredText("key_prefix", row.get("key_prefix")))
                .with("key_hash", hash)
                .with("last_used_at", instant("last_used_at", row.get("last_used_at"), false))
                .with("revoked_at", revoked ? importedAt : null)
                .with("created_at", created)
                .with("updated_at", created);
    }

    private TargetRow eventType(Map<String, Object> row, ImportReport report) {
        Object oldId = requiredText("id", row.get("id"));
        UUID applicationId = parent("applications", row.get("application_id"), "application");
        String key = requiredText("key", row.get("key")).trim();
        if (!key.matches("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")) {
            throw new RowRejected("key '" + LegacyValues.abbreviate(key) + "' is not letters, digits and . _ : - (at most 128)");
        }
        OffsetDateTime created = requiredInstant("created_at", row.get("created_at"), false);
        return TargetRow.of("digest_event_types", LegacyIds.of("event_types", oldId), oldId)
                .with("application_id", applicationId)
                .with("key", key)
                .with("name", name(row))
                .with("description", text(row.get("description")))
                .with("created_at", created)
                .with("updated_at", created);
    }

    private TargetRow emailTemplate(Map<String, Object> row, ImportReport report) {
        Object oldId = requiredText("id", row.get("id"));
        UUID id = LegacyIds.of("email_templates", oldId);
        UUID applicationId = parent("applications", row.get("application_id"), "application");
        String subject = requiredText("subject", row.get("subject"));
        String html = requiredText("html_body", row.get("html_body"));
        // The old text part was optional; the product always sends one, and an empty one is honest.
        String textBody = row.get("text_body") == null ? "" : row.get("text_body").toString();
        String[] converted;
        try {
            converted = new String[] {TemplateConversion.toQute("subject", subject), TemplateConversion.toQute("html_body", html),
                TemplateConversion.toQute("text_body", textBody)};
        } catch (RowRejected e) {
            // Kept exactly as it was, for a person to fix; its digests are disabled until then.
            state.brokenTemplates.put(id, e.getMessage());
            report.note("email_templates", oldId, "imported unchanged and its digests disabled: " + e.getMessage());
            converted = new String[] {subject, html, textBody};
        }
        OffsetDateTime created = requiredInstant("created_at", row.get("created_at"), false);
        return TargetRow.of("digest_email_templates", id, oldId)
                .with("application_id", applicationId)
                .with("name", name(row))
                .with("subject", converted[0])
                .with("html_body", converted[1])
                .with("text_body", converted[2])
                .with("version", (long) integer("version", row.get("version"), 1))
                .with("created_at", created)
                .with("updated_at", orElse(instant("updated_at", row.get("updated_at"), false), created));
    }

    private TargetRow digestTemplate(Map<String, Object> row, ImportReport report) {
        Object oldId = requiredText("id", row.get("id"));
        UUID applicationId = parent("applications", row.get("application_id"), "application");
        Object template = row.get("email_template_id");
        UUID templateId = template == null ? null : parent("email_templates", template, "email template");
        OffsetDateTime created = requiredInstant("created_at", row.get("created_at"), false);
        return TargetRow.of("digest_templates", LegacyIds.of("templates", oldId), oldId)
                .with("application_id", applicationId)
                .with("name", name(row))
                .with("event_types", stringArray("event_types", row.get("event_types"), List.of()).toArray(String[]::new))
                .with("cron", CronConversion.toQuartz(text(row.get("cron_expression"))))
                .with("time_zone", zone(row.get("timezone")).getId())
                .with("email_template_id", templateId)
                .with("created_at", created)
                .with("updated_at", created);
    }

    private TargetRow digest(Map<String, Object> row, ImportReport report) {
        Object oldId = requiredText("id", row.get("id"));
        UUID applicationId = parent("applications", row.get("application_id"), "application");
        Object template = row.get("email_template_id");
        if (template == null) {
            throw new RowRejected("the digest has no email template, which every digest now needs");
        }
        UUID templateId = parent("email_templates", template, "email template");
        List<String> recipients = stringArray("recipients", row.get("recipients"), null);
        if (recipients == null || recipients.isEmpty()) {
            throw new RowRejected("the digest has no recipients");
        }
        String cron = CronConversion.toQuartz(text(row.get("cron_expression")));
        ZoneId zone = zone(row.get("timezone"));
        boolean enabled = bool("is_active", row.get("is_active"), true);
        String broken = state.brokenTemplates.get(templateId);
        if (enabled && broken != null) {
            enabled = false;
            report.note("digests", oldId, "imported disabled: its email template " + template + " did not convert");
        }
        OffsetDateTime nextRun = instant("next_run_at", row.get("next_run_at"), false);
        if (enabled && nextRun == null) {
            nextRun = nextFire(cron, zone);
        }
        OffsetDateTime created = requiredInstant("created_at", row.get("created_at"), false);
        return TargetRow.of("digest_digests", LegacyIds.of("digests", oldId), oldId)
                .with("application_id", applicationId)
                .with("name", name(row))
                .with("event_types", stringArray("event_types", row.get("event_types"), List.of()).toArray(String[]::new))
                .with("cron", cron)
                .with("time_zone", zone.getId())
                .with("recipients", recipients.stream().distinct().toArray(String[]::new))
                .with("email_template_id", templateId)
                .with("enabled", enabled)
                .with("empty_window", bool("send_if_empty", row.get("send_if_empty"), false) ? "send" : "skip")
                .with("next_run_at", enabled ? nextRun : null)
                .with("last_run_at", instant("last_run_at", row.get("last_run_at"), false))
                .with("created_at", created)
                .with("updated_at", orElse(instant("updated_at", row.get("updated_at"), false), created));
    }

    private TargetRow event(Map<String, Object> row, ImportReport report) {
        Object oldId = requiredText("id", row.get("id"));
        UUID applicationId = parent("applications", row.get("application_id"), "application");
        String type = requiredText("event_type", row.get("event_type")).trim();
        if (!state.eventTypes.contains(ImportState.eventTypeKey(applicationId, type))) {
            throw new RowRejected("event type '" + LegacyValues.abbreviate(type) + "' is not an imported event type of its application");
        }
        OffsetDateTime received = requiredInstant("received_at_ms", row.containsKey("received_at_ms")
                ? row.get("received_at_ms") : row.get("received_at"), row.containsKey("received_at_ms"));
        String idempotencyKey = text(row.get("idempotency_key"));
        if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > 200)) {
            throw new RowRejected("idempotency_key is longer than 200 characters");
        }
        return TargetRow.of("digest_webhook_events", LegacyIds.of("webhook_events", oldId), oldId)
                .with("application_id", applicationId)
                .with("event_type_key", type)
                .with("payload", new TargetRow.Json(jsonObject("payload", row.get("payload"))))
                .with("occurred_at", orElse(instant("occurred_at", row.get("occurred_at"), false), received))
                .with("received_at", received)
                .with("idempotency_key", idempotencyKey);
    }

    // Column order is RunLedger.IMPORT_FINISHED's.
    private TargetRow run(Map<String, Object> row, ImportReport report) {
        Object oldId = requiredText("id", row.get("id"));
        String digest = requiredText("digest_id", row.get("digest_id"));
        String application = state.applicationOfDigest.get(digest);
        if (application == null) {
            throw new RowRejected("digest " + digest + " was not imported");
        }
        String trigger = row.get("trigger") == null ? "scheduled" : row.get("trigger").toString().trim().toLowerCase(Locale.ROOT);
        if (!List.of("scheduled", "manual", "test").contains(trigger)) {
            throw new RowRejected("trigger '" + LegacyValues.abbreviate(trigger) + "' is not scheduled, manual or test");
        }
        String oldStatus = requiredText("status", row.get("status")).trim().toLowerCase(Locale.ROOT);
        String error = text(row.get("error"));
        String status;
        switch (oldStatus) {
            case "completed", "succeeded", "success", "sent" -> status = "succeeded";
            case "failed", "error" -> status = "failed";
            case "skipped" -> status = "skipped";
            case "dead" -> status = "dead";
            // Imported runs are history: work the old stack never did is not done now either.
            case "pending", "queued" -> {
                status = "failed";
                error = "never ran: still " + oldStatus + " in the old stack when it was imported";
            }
            case "running", "processing" -> {
                status = "failed";
                error = "interrupted: still running in the old stack when it was imported; some emails may have gone out";
            }
            default -> throw new RowRejected("status '" + LegacyValues.abbreviate(oldStatus) + "' is not one the old stack used");
        }
        OffsetDateTime created = requiredInstant("created_at", row.get("created_at"), false);
        OffsetDateTime scheduledFor = instant("scheduled_for", row.get("scheduled_for"), false);
        if ("scheduled".equals(trigger) && scheduledFor == null) {
            scheduledFor = created;
        }
        OffsetDateTime started = instant("started_at", row.get("started_at"), false);
        OffsetDateTime finished = orElse(instant("completed_at", row.get("completed_at"), false), started);
        return TargetRow.of("digest_runs", LegacyIds.within("runs", application, oldId), oldId)
                .with("application_id", LegacyIds.of("applications", application))
                .with("digest_id", LegacyIds.of("digests", digest))
                .with("trigger", trigger)
                .with("status", status)
                .with("scheduled_for", scheduledFor)
                .with("window_start", instant("window_start", row.get("window_start"), false))
                .with("window_end", instant("window_end", row.get("window_end"), false))
                .with("event_count", integer("event_count", row.get("event_count"), 0))
                .with("attempts", started == null ? 0 : 1)
                // The old stack did not keep a test run's address; the run must name one.
                .with("test_recipient", "test".equals(trigger) ? "unknown (imported)" : null)
                .with("enqueued_at", created)
                .with("started_at", started)
                .with("finished_at", finished == null ? created : finished)
                .with("error", error)
                .with("created_at", created)
                .with("updated_at", finished == null ? created : finished);
    }

    private TargetRow emailLog(Map<String, Object> row, ImportReport report) {
        Object oldId = requiredText("id", row.get("id"));
        String run = requiredText("run_id", row.get("run_id"));
        String application = state.applicationOfRun.get(run);
        if (application == null) {
            throw new RowRejected("run " + run + " was not imported");
        }
        String status = requiredText("status", row.get("status")).trim().toLowerCase(Locale.ROOT);
        if (!List.of("sent", "failed", "skipped").contains(status)) {
            throw new RowRejected("status '" + LegacyValues.abbreviate(status) + "' is not sent, failed or skipped");
        }
        OffsetDateTime created = requiredInstant("created_at", row.get("created_at"), false);
        OffsetDateTime sent = instant("sent_at", row.get("sent_at"), false);
        return TargetRow.of("digest_email_logs", LegacyIds.within("email_logs", application, oldId), oldId)
                .with("application_id", LegacyIds.of("applications", application))
                .with("run_id", LegacyIds.within("runs", application, run))
                .with("recipient", requiredText("recipient", row.get("recipient")).trim())
                .with("status", status)
                .with("subject", text(row.get("subject")))
                .with("provider_message_id", text(row.get("provider_message_id")))
                .with("error", text(row.get("error")))
                .with("attempts", 1)
                .with("sent_at", "sent".equals(status) ? orElse(sent, created) : sent)
                .with("created_at", created)
                .with("updated_at", orElse(sent, created));
    }

    private UUID parent(String table, Object oldId, String what) {
        if (oldId == null) {
            throw new RowRejected(what + " is missing");
        }
        UUID id = LegacyIds.of(table, oldId);
        state.requirePresent(id, what, oldId);
        return id;
    }

    private static String name(Map<String, Object> row) {
        String name = requiredText("name", row.get("name")).trim();
        if (name.length() > 200) {
            throw new RowRejected("name is longer than 200 characters");
        }
        return name;
    }

    private static ZoneId zone(Object value) {
        if (value == null || value.toString().isBlank()) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(value.toString().trim());
        } catch (DateTimeException e) {
            throw new RowRejected("time zone '" + LegacyValues.abbreviate(value.toString()) + "' is not an IANA zone");
        }
    }

    // An enabled digest without a next run would sit unscheduled; Quartz's next fire is a good first one.
    private OffsetDateTime nextFire(String cron, ZoneId zone) {
        try {
            CronExpression expression = new CronExpression(cron);
            expression.setTimeZone(TimeZone.getTimeZone(zone));
            Date next = expression.getTimeAfter(Date.from(importedAt.toInstant()));
            return next == null ? null : next.toInstant().atOffset(importedAt.getOffset());
        } catch (java.text.ParseException e) {
            throw new RowRejected("cron '" + cron + "' is not valid: " + e.getMessage());
        }
    }

    private static <T> T orElse(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
