package dev.digest.common.content;

import dev.digest.common.digest.EmptyWindowPolicy;
import dev.digest.common.run.RunLedger;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Reads what a digest's content is made of: the digest, its window's events, its unsubscribes. */
@Singleton
public class ContentStore {

    private static final String DIGEST = """
            SELECT d.id, d.application_id, d.name, d.description, d.event_types, d.recipients, d.empty_window,
                   d.time_zone, t.subject, t.html_body, t.text_body, a.sender_name, a.sender_address, a.reply_to
            FROM digest_digests d
            JOIN digest_email_templates t ON t.application_id = d.application_id AND t.id = d.email_template_id
            JOIN digest_applications a ON a.id = d.application_id
            WHERE d.application_id = $1 AND d.id = $2
            """;

    // A window is (start, end] over receipt time, so an event received late lands in the next
    // window rather than in one already sent. Per event type: the exact count, from the
    // (application, type, received_at, id) index alone, and the first rows in receipt order
    // (a window of a million events reads as many rows as the digest lists).
    private static final String GROUPS = """
            SELECT t.key AS event_type_key, t.name AS type_name, t.line_template, c.total,
                   e.id, e.payload, e.occurred_at, e.received_at
            FROM digest_event_types t
            CROSS JOIN LATERAL (
                SELECT count(*) AS total FROM digest_webhook_events x
                WHERE x.application_id = $1 AND x.event_type_key = t.key
                  AND x.received_at > $2 AND x.received_at <= $3) c
            CROSS JOIN LATERAL (
                SELECT x.id, x.payload, x.occurred_at, x.received_at FROM digest_webhook_events x
                WHERE x.application_id = $1 AND x.event_type_key = t.key
                  AND x.received_at > $2 AND x.received_at <= $3
                ORDER BY x.received_at, x.id
                LIMIT $5) e
            WHERE t.application_id = $1 AND (cardinality($4::text[]) = 0 OR t.key = ANY($4::text[]))
            ORDER BY t.key, e.received_at, e.id
            """;

    private static final String EVENT_TYPES = """
            SELECT key, name, line_template FROM digest_event_types WHERE application_id = $1 AND key = ANY($2::text[])
            """;

    // The digest's own unsubscribes and its application's suppression list: neither is sent to.
    private static final String UNSUBSCRIBED = """
            SELECT recipient FROM digest_unsubscribes WHERE digest_id = $1
            UNION
            SELECT s.address FROM digest_suppressions s JOIN digest_digests d ON d.application_id = s.application_id
            WHERE d.id = $1
            """;

    private static final String SIGNING_KEY = """
            SELECT secret FROM digest_signing_keys WHERE name = $1
            """;

    private final Pool pool;

    public ContentStore(Pool pool) {
        this.pool = pool;
    }

    /** The digest with its email template, or null when the application has no such digest. */
    public Uni<DigestSnapshot> digest(UUID applicationId, UUID digestId) {
        return pool.preparedQuery(DIGEST).execute(Tuple.of(applicationId, digestId))
                .map(rows -> rows.size() == 0 ? null : snapshot(rows.iterator().next()));
    }

    /** End of the last successful non-test run's window (other than {@code exceptRun}), or null. */
    public Uni<Instant> previousWindowEnd(UUID digestId, UUID exceptRun) {
        return RunLedger.previousWindowEnd(pool, digestId, exceptRun);
    }

    /** The window's events by type (types in key order), at most {@code rowsPerType} of each. */
    public Uni<List<EventGroup>> groups(UUID applicationId, List<String> types, Window window, int rowsPerType) {
        Tuple arguments = Tuple.of(applicationId, utc(window.start()), utc(window.end()),
                types.toArray(String[]::new), rowsPerType);
        return pool.preparedQuery(GROUPS).execute(arguments).map(ContentStore::toGroups);
    }

    /** The application's event types among {@code keys}: their names and line templates, by key. */
    public Uni<Map<String, EventGroup>> eventTypes(UUID applicationId, List<String> keys) {
        return pool.preparedQuery(EVENT_TYPES).execute(Tuple.of(applicationId, keys.toArray(String[]::new))).map(rows -> {
            Map<String, EventGroup> types = new LinkedHashMap<>();
            rows.forEach(row -> types.put(row.getString("key"), new EventGroup(row.getString("key"),
                    row.getString("name"), row.getString("line_template"), 0, List.of())));
            return types;
        });
    }

    /** The addresses the digest must not send to, lower-cased: its unsubscribes and its application's suppressions. */
    public Uni<Set<String>> unsubscribed(UUID digestId) {
        return pool.preparedQuery(UNSUBSCRIBED).execute(Tuple.of(digestId)).map(rows -> {
            Set<String> addresses = new HashSet<>();
            rows.forEach(row -> addresses.add(row.getString("recipient")));
            return addresses;
        });
    }

    /** A secret from {@code digest_signing_keys}, created by the migration that introduced it. */
    public Uni<byte[]> signingKey(String name) {
        return pool.preparedQuery(SIGNING_KEY).execute(Tuple.of(name)).map(rows -> {
            if (rows.size() == 0) {
                throw new IllegalStateException("Signing key '" + name + "' is missing from digest_signing_keys");
            }
            return rows.iterator().next().getBuffer("secret").getBytes();
        });
    }

    private static DigestSnapshot snapshot(Row row) {
        return new DigestSnapshot(row.getUUID("id"), row.getUUID("application_id"), row.getString("name"),
                row.getString("description"), List.of(row.getArrayOfStrings("event_types")),
                List.of(row.getArrayOfStrings("recipients")), EmptyWindowPolicy.fromWire(row.getString("empty_window")),
                row.getString("subject"), row.getString("html_body"), row.getString("text_body"),
                zone(row.getString("time_zone")), new Sender(row.getString("sender_name"),
                        row.getString("sender_address"), row.getString("reply_to")));
    }

    /** A zone the api accepted when it was stored, or UTC should the JVM no longer know it. */
    private static ZoneId zone(String id) {
        try {
            return id == null ? ZoneOffset.UTC : ZoneId.of(id);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    private static List<EventGroup> toGroups(RowSet<Row> rows) {
        List<EventGroup> groups = new ArrayList<>();
        String type = null;
        List<WindowEvent> events = null;
        for (Row row : rows) {
            String rowType = row.getString("event_type_key");
            if (!rowType.equals(type)) {
                type = rowType;
                events = new ArrayList<>();
                groups.add(new EventGroup(type, row.getString("type_name"), row.getString("line_template"),
                        row.getLong("total"), events));
            }
            events.add(new WindowEvent(row.getUUID("id"), rowType, plainMap((JsonObject) row.getValue("payload")),
                    instant(row, "occurred_at"), instant(row, "received_at")));
        }
        return groups;
    }

    /** Templates resolve plain maps and lists only, so JSON values are unwrapped all the way down. */
    static Map<String, Object> plainMap(JsonObject json) {
        Map<String, Object> map = new LinkedHashMap<>();
        json.forEach(entry -> map.put(entry.getKey(), plain(entry.getValue())));
        return map;
    }

    private static Object plain(Object value) {
        if (value instanceof JsonObject object) {
            return plainMap(object);
        }
        if (value instanceof JsonArray array) {
            List<Object> list = new ArrayList<>(array.size());
            array.forEach(item -> list.add(plain(item)));
            return list;
        }
        return value;
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
