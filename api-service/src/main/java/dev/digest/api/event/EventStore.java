package dev.digest.api.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.digest.api.web.Page;
import dev.digest.api.web.PageRequest;
import dev.digest.common.Uuid7;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The events table, with the reactive client: a batch is one INSERT over arrays, not a round
 * trip per event; searches are built from the filters given.
 *
 * <p>The window ledger depends on how {@code received_at} is set. The transaction takes its
 * transaction id first, and only then, in the INSERT, reads {@code statement_timestamp()}.
 * So an event received at or before an instant T belongs to a transaction that already had an
 * id at T. A worker closing a window at T waits for the transactions in progress in its
 * snapshot, and so sees every such event; none commits into a window that was already read.
 */
@ApplicationScoped
public class EventStore {

    private static final String KNOWN_TYPES = """
            SELECT key FROM digest_event_types WHERE application_id = $1 AND key = ANY($2::text[])
            """;

    private static final String INSERT = """
            INSERT INTO digest_webhook_events (id, application_id, event_type_key, payload, occurred_at, received_at,
                                               idempotency_key)
            SELECT e.id, $1, e.type, e.payload::jsonb, COALESCE(e.occurred_at, statement_timestamp()),
                   statement_timestamp(), e.idempotency_key
            FROM unnest($2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::text[])
                AS e(id, type, payload, occurred_at, idempotency_key)
            ON CONFLICT (application_id, idempotency_key) DO NOTHING
            RETURNING id
            """;

    private static final String BY_KEYS = """
            SELECT id, idempotency_key FROM digest_webhook_events
            WHERE application_id = $1 AND idempotency_key = ANY($2::text[])
            """;

    private static final String SEARCH = """
            SELECT id, event_type_key, payload::text AS payload, occurred_at, received_at, idempotency_key
            FROM digest_webhook_events WHERE application_id = $1""";

    private final Pool pool;
    private final ObjectMapper json;

    public EventStore(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /** Which of {@code types} the application has. */
    public Uni<Set<String>> knownTypes(SqlClient client, UUID applicationId, Collection<String> types) {
        return client.preparedQuery(KNOWN_TYPES).execute(Tuple.of(applicationId, types.toArray(String[]::new)))
                .map(rows -> {
                    Set<String> known = new HashSet<>();
                    rows.forEach(row -> known.add(row.getString("key")));
                    return known;
                });
    }

    /**
     * Stores the events in one statement, in {@code transaction}. Per event, in order: its new id,
     * or null where the application already has an event with its idempotency key (that row is
     * left as it was, and so is a second event with a key that an earlier one in the batch took).
     */
    public Uni<List<UUID>> insert(SqlConnection transaction, UUID applicationId,
            List<IngestRequest.ValidEvent> events) {
        UUID[] ids = new UUID[events.size()];
        String[] types = new String[events.size()];
        String[] payloads = new String[events.size()];
        OffsetDateTime[] occurred = new OffsetDateTime[events.size()];
        String[] keys = new String[events.size()];
        for (int i = 0; i < events.size(); i++) {
            IngestRequest.ValidEvent event = events.get(i);
            ids[i] = Uuid7.next();
            types[i] = event.type();
            payloads[i] = event.payloadJson();
            occurred[i] = event.occurredAt();
            keys[i] = event.idempotencyKey();
        }
        // The transaction id before statement_timestamp() is read (see the class comment).
        return transaction.query("SELECT pg_current_xact_id()").execute()
                .chain(() -> transaction.preparedQuery(INSERT)
                        .execute(Tuple.from(List.of(applicationId, ids, types, payloads, occurred, keys))))
                .map(rows -> {
                    Set<UUID> created = new HashSet<>();
                    rows.forEach(row -> created.add(row.getUUID("id")));
                    List<UUID> stored = new ArrayList<>(ids.length);
                    for (UUID id : ids) {
                        stored.add(created.contains(id) ? id : null);
                    }
                    return stored;
                });
    }

    /** The ids of the application's events with these idempotency keys, by key. */
    public Uni<Map<String, UUID>> idsByKey(SqlClient client, UUID applicationId, Collection<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return client.preparedQuery(BY_KEYS).execute(Tuple.of(applicationId, keys.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, UUID> byKey = new HashMap<>();
                    rows.forEach(row -> byKey.put(row.getString("idempotency_key"), row.getUUID("id")));
                    return byKey;
                });
    }

    /** Events newest last, filtered by type, occurrence time range and a full-text query over payloads. */
    public Uni<Page<EventResponse>> search(UUID applicationId, EventFilter filter, PageRequest page) {
        StringBuilder sql = new StringBuilder(SEARCH);
        List<Object> arguments = new ArrayList<>(List.of(applicationId));
        if (page.after() != null) {
            arguments.add(page.after());
            sql.append(" AND id > $").append(arguments.size());
        }
        if (filter.type() != null) {
            arguments.add(filter.type());
            sql.append(" AND event_type_key = $").append(arguments.size());
        }
        if (filter.from() != null) {
            arguments.add(filter.from());
            sql.append(" AND occurred_at >= $").append(arguments.size());
        }
        if (filter.to() != null) {
            arguments.add(filter.to());
            sql.append(" AND occurred_at < $").append(arguments.size());
        }
        if (filter.query() != null) {
            arguments.add(filter.query());
            sql.append(" AND search @@ websearch_to_tsquery('simple', $").append(arguments.size()).append(")");
        }
        arguments.add(page.fetchSize());
        sql.append(" ORDER BY id LIMIT $").append(arguments.size());
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(arguments)).map(rows -> {
            List<Row> list = new ArrayList<>();
            rows.forEach(list::add);
            return Page.of(list, page, row -> row.getUUID("id"), this::toResponse);
        });
    }

    private EventResponse toResponse(Row row) {
        try {
            return new EventResponse(row.getUUID("id"), row.getString("event_type_key"),
                    json.readTree(row.getString("payload")), row.getOffsetDateTime("occurred_at").toInstant(),
                    row.getOffsetDateTime("received_at").toInstant(), row.getString("idempotency_key"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored payload is not JSON", e);
        }
    }
}
