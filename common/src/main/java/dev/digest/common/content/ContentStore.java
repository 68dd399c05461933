package dev.digest.common.content;

import dev.digest.common.digest.EmptyWindowPolicy;
import dev.digest.common.batch.Coalescer;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Reads what a digest's content is made of: the digest, its window's events, its unsubscribes. */
@Singleton
public class ContentStore {

    // Reads are batched across the runs a worker gathers at once (see Coalescer): each statement
    // takes many digests or windows, numbered by ordinality so every caller gets its own rows.
    private static final String DIGEST = """
            SELECT i.ord, d.id, d.application_id, d.name, d.description, d.event_types, d.recipients, d.empty_window,
                   d.time_zone, t.subject, t.html_body, t.text_body, a.sender_name, a.sender_address, a.reply_to
            FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS i(application_id, id, ord)
            JOIN digest_digests d ON d.application_id = i.application_id AND d.id = i.id
            JOIN digest_email_templates t ON t.application_id = d.application_id AND t.id = d.email_template_id
            JOIN digest_applications a ON a.id = d.application_id
            """;

    // A window is (start, end] over receipt time, so an event received late lands in the next
    // window rather than in one already sent. Per window and event type: the exact count, from
    // the (application, type, received_at, id) index alone, and the first rows in receipt order
    // (a window of a million events reads as many rows as the digest lists). An empty type list
    // means every type of the application.
    private static final String GROUPS = """
            SELECT w.ord, t.key AS event_type_key, t.name AS type_name, t.line_template, c.total,
                   e.id, e.payload, e.occurred_at, e.received_at
            FROM jsonb_to_recordset($1::jsonb) AS w(ord int, application_id uuid, types text[], start_at timestamptz,
                                                    end_at timestamptz, rows_per_type int)
            JOIN digest_event_types t
              ON t.application_id = w.application_id AND (cardinality(w.types) = 0 OR t.key = ANY(w.types))
            CROSS JOIN LATERAL (
                SELECT count(*) AS total FROM digest_webhook_events x
                WHERE x.application_id = w.application_id AND x.event_type_key = t.key
                  AND x.received_at > w.start_at AND x.received_at <= w.end_at) c
            CROSS JOIN LATERAL (
                SELECT x.id, x.payload, x.occurred_at, x.received_at FROM digest_webhook_events x
                WHERE x.application_id = w.application_id AND x.event_type_key = t.key
                  AND x.received_at > w.start_at AND x.received_at <= w.end_at
                ORDER BY x.received_at, x.id
                LIMIT w.rows_per_type) e
            ORDER BY w.ord, t.key, e.received_at, e.id
            """;

    private static final String EVENT_TYPES = """
            SELECT key, name, line_template FROM digest_event_types WHERE application_id = $1 AND key = ANY($2::text[])
            """;

    // The digests' own unsubscribes and their applications' suppression lists: neither is sent to.
    private static final String UNSUBSCRIBED = """
            SELECT u.digest_id, u.recipient FROM digest_unsubscribes u WHERE u.digest_id = ANY($1::uuid[])
            UNION
            SELECT d.id, s.address FROM digest_digests d JOIN digest_suppressions s ON s.application_id = d.application_id
            WHERE d.id = ANY($1::uuid[])
            """;

    private static final String SIGNING_KEY = """
            SELECT secret FROM digest_signing_keys WHERE name = $1
            """;

    private static final int MAX_BATCH = 200;
    // One statement of a kind at a time: calls arriving meanwhile wait at most that statement's
    // time and share the next one. More in flight made smaller batches and more transactions
    // per run without finishing runs sooner (deploy/bench/throughput.py burst).
    private static final int BATCHES_IN_FLIGHT = 1;

    private final Pool pool;
    private final Coalescer<DigestKey, DigestSnapshot> digests =
            new Coalescer<>(MAX_BATCH, BATCHES_IN_FLIGHT, this::digests);
    private final Coalescer<WindowRead, List<EventGroup>> windows =
            new Coalescer<>(MAX_BATCH, BATCHES_IN_FLIGHT, this::windows);
    private final Coalescer<UUID, Set<String>> unsubscribes =
            new Coalescer<>(MAX_BATCH, BATCHES_IN_FLIGHT, this::unsubscribes);

    public ContentStore(Pool pool) {
        this.pool = pool;
    }

    /** The digest with its email template, or null when the application has no such digest. */
    public Uni<DigestSnapshot> digest(UUID applicationId, UUID digestId) {
        return digests.submit(new DigestKey(applicationId, digestId));
    }

    private Uni<List<DigestSnapshot>> digests(List<DigestKey> keys) {
        UUID[] applications = keys.stream().map(DigestKey::applicationId).toArray(UUID[]::new);
        UUID[] ids = keys.stream().map(DigestKey::digestId).toArray(UUID[]::new);
        return pool.preparedQuery(DIGEST).execute(Tuple.of(applications, ids)).map(rows -> {
            DigestSnapshot[] found = new DigestSnapshot[keys.size()];
            rows.forEach(row -> found[(int) (row.getLong("ord") - 1)] = snapshot(row));
            return Arrays.asList(found);
        });
    }

    /** End of the last successful non-test run's window (other than {@code exceptRun}), or null. */
    public Uni<Instant> previousWindowEnd(UUID digestId, UUID exceptRun) {
        return RunLedger.previousWindowEnd(pool, digestId, exceptRun);
    }

    /** The window's events by type (types in key order), at most {@code rowsPerType} of each. */
    public Uni<List<EventGroup>> groups(UUID applicationId, List<String> types, Window window, int rowsPerType) {
        return windows.submit(new WindowRead(applicationId, types, window, rowsPerType));
    }

    private Uni<List<List<EventGroup>>> windows(List<WindowRead> reads) {
        JsonArray input = new JsonArray();
        for (int i = 0; i < reads.size(); i++) {
            WindowRead read = reads.get(i);
            input.add(new JsonObject().put("ord", i).put("application_id", read.applicationId().toString())
                    .put("types", new JsonArray(read.types())).put("start_at", micros(read.window().start()))
                    .put("end_at", micros(read.window().end())).put("rows_per_type", read.rowsPerType()));
        }
        return pool.preparedQuery(GROUPS).execute(Tuple.of(input)).map(rows -> toGroups(rows, reads.size()));
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
        return unsubscribes.submit(digestId);
    }

    private Uni<List<Set<String>>> unsubscribes(List<UUID> digestIds) {
        return pool.preparedQuery(UNSUBSCRIBED).execute(Tuple.of((Object) digestIds.toArray(UUID[]::new))).map(rows -> {
            Map<UUID, Set<String>> byDigest = new HashMap<>();
            rows.forEach(row -> byDigest.computeIfAbsent(row.getUUID("digest_id"), id -> new HashSet<>())
                    .add(row.getString("recipient")));
            return digestIds.stream().map(id -> byDigest.getOrDefault(id, Set.of())).toList();
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

    private static List<List<EventGroup>> toGroups(RowSet<Row> rows, int windows) {
        List<List<EventGroup>> byWindow = new ArrayList<>(windows);
        for (int i = 0; i < windows; i++) {
            byWindow.add(new ArrayList<>());
        }
        int window = -1;
        String type = null;
        List<WindowEvent> events = null;
        for (Row row : rows) {
            int rowWindow = row.getInteger("ord");
            String rowType = row.getString("event_type_key");
            if (rowWindow != window || !rowType.equals(type)) {
                window = rowWindow;
                type = rowType;
                events = new ArrayList<>();
                byWindow.get(window).add(new EventGroup(type, row.getString("type_name"), row.getString("line_template"),
                        row.getLong("total"), events));
            }
            events.add(new WindowEvent(row.getUUID("id"), rowType, plainMap((JsonObject) row.getValue("payload")),
                    instant(row, "occurred_at"), instant(row, "received_at")));
        }
        return byWindow;
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

    // As the driver sends an instant parameter: to the microsecond, cut (not rounded).
    private static String micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).toString();
    }

    private record DigestKey(UUID applicationId, UUID digestId) {
    }

    private record WindowRead(UUID applicationId, List<String> types, Window window, int rowsPerType) {
    }
}
