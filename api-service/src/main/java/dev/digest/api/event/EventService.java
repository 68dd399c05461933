package dev.digest.api.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.digest.api.config.ApiConfig;
import dev.digest.api.web.Page;
import dev.digest.api.web.PageRequest;
import dev.digest.api.web.ProblemException;
import dev.digest.api.web.Violation;
import dev.digest.common.Uuid7;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Stores and searches events with the reactive client: a batch is one INSERT over arrays,
 * not a round trip per event.
 *
 * <p>The window ledger depends on how {@code received_at} is set. The transaction takes its
 * transaction id first, and only then, in the INSERT, reads {@code statement_timestamp()}.
 * So an event received at or before an instant T belongs to a transaction that already had an
 * id at T. A worker closing a window at T waits for the transactions in progress in its
 * snapshot, and so sees every such event; none commits into a window that was already read.
 */
@ApplicationScoped
public class EventService {

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

    private final Pool pool;
    private final ObjectMapper json;
    private final ApiConfig.Limits limits;

    public EventService(Pool pool, ObjectMapper json, ApiConfig config) {
        this.pool = pool;
        this.json = json;
        this.limits = config.limits();
    }

    public Uni<IngestResult> ingest(UUID applicationId, IngestRequest request) {
        List<IngestRequest.ValidEvent> events = request.validated(limits.maxEventsPerRequest(), limits.maxPayloadBytes());
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
        return pool.withTransaction(connection -> checkTypes(connection, applicationId, events)
                .chain(() -> connection.query("SELECT pg_current_xact_id()").execute())
                .chain(() -> connection.preparedQuery(INSERT)
                        .execute(Tuple.from(List.of(applicationId, ids, types, payloads, occurred, keys))))
                .chain(inserted -> {
                    Set<UUID> created = new HashSet<>();
                    inserted.forEach(row -> created.add(row.getUUID("id")));
                    return replayedIds(connection, applicationId, ids, keys, created)
                            .map(originals -> result(ids, keys, created, originals));
                }));
    }

    /** Unknown event types fail the whole request, naming each one; nothing is stored. */
    private Uni<Void> checkTypes(SqlConnection connection, UUID applicationId, List<IngestRequest.ValidEvent> events) {
        Set<String> wanted = new LinkedHashSet<>();
        events.forEach(event -> wanted.add(event.type()));
        return connection.preparedQuery(KNOWN_TYPES).execute(Tuple.of(applicationId, wanted.toArray(String[]::new)))
                .map(rows -> {
                    Set<String> known = new HashSet<>();
                    rows.forEach(row -> known.add(row.getString("key")));
                    List<Violation> unknown = new ArrayList<>();
                    for (int i = 0; i < events.size(); i++) {
                        if (!known.contains(events.get(i).type())) {
                            String field = events.size() == 1 ? "type" : "events[" + i + "].type";
                            unknown.add(new Violation(field, "unknown event type '" + events.get(i).type() + "'"));
                        }
                    }
                    if (!unknown.isEmpty()) {
                        throw ProblemException.invalid(unknown);
                    }
                    return null;
                });
    }

    /** For events not inserted because their key was seen before: the stored event's id, by key. */
    private Uni<Map<String, UUID>> replayedIds(SqlConnection connection, UUID applicationId, UUID[] ids, String[] keys,
            Set<UUID> created) {
        List<String> replayedKeys = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            if (!created.contains(ids[i]) && keys[i] != null) {
                replayedKeys.add(keys[i]);
            }
        }
        if (replayedKeys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return connection.preparedQuery(BY_KEYS).execute(Tuple.of(applicationId, replayedKeys.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, UUID> byKey = new HashMap<>();
                    rows.forEach(row -> byKey.put(row.getString("idempotency_key"), row.getUUID("id")));
                    return byKey;
                });
    }

    private static IngestResult result(UUID[] ids, String[] keys, Set<UUID> created, Map<String, UUID> originals) {
        List<UUID> answer = new ArrayList<>(ids.length);
        int replayed = 0;
        for (int i = 0; i < ids.length; i++) {
            if (created.contains(ids[i])) {
                answer.add(ids[i]);
            } else {
                answer.add(originals.get(keys[i]));
                replayed++;
            }
        }
        return new IngestResult(answer, created.size(), replayed);
    }

    /** Events newest last, filtered by type, occurrence time range and a full-text query over payloads. */
    public Uni<Page<EventResponse>> list(UUID applicationId, EventFilter filter, PageRequest page) {
        StringBuilder sql = new StringBuilder("""
                SELECT id, event_type_key, payload::text AS payload, occurred_at, received_at, idempotency_key
                FROM digest_webhook_events WHERE application_id = $1""");
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
