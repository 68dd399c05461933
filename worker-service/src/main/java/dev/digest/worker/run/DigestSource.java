package dev.digest.worker.run;

import dev.digest.common.digest.EmptyWindowPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reads a run's digest, its email template and the events of its window. */
@ApplicationScoped
public class DigestSource {

    private static final String DIGEST = """
            SELECT d.id, d.name, d.description, d.event_types, d.recipients, d.empty_window,
                   t.subject, t.html_body, t.text_body
            FROM digest_digests d
            JOIN digest_email_templates t ON t.application_id = d.application_id AND t.id = d.email_template_id
            WHERE d.id = $1
            """;

    // A window is (start, end] over receipt time: an event received late still lands in the
    // next window rather than in one that was already sent.
    private static final String EVENTS = """
            SELECT id, event_type_key, payload, occurred_at, received_at
            FROM digest_webhook_events
            WHERE application_id = $1 AND received_at > $2 AND received_at <= $3
              AND (cardinality($4::text[]) = 0 OR event_type_key = ANY($4::text[]))
            ORDER BY received_at, id
            """;

    private final Pool pool;

    public DigestSource(Pool pool) {
        this.pool = pool;
    }

    /** The digest, or null when it was deleted after the run was queued. */
    public Uni<DigestSnapshot> digest(UUID digestId) {
        return pool.preparedQuery(DIGEST).execute(Tuple.of(digestId))
                .map(rows -> rows.size() == 0 ? null : toSnapshot(rows.iterator().next()));
    }

    public Uni<List<WindowEvent>> events(UUID applicationId, List<String> types, Instant start, Instant end) {
        Tuple arguments = Tuple.of(applicationId, RunStore.utc(start), RunStore.utc(end), types.toArray(String[]::new));
        return pool.preparedQuery(EVENTS).execute(arguments).map(DigestSource::toEvents);
    }

    private static DigestSnapshot toSnapshot(Row row) {
        return new DigestSnapshot(row.getUUID("id"), row.getString("name"), row.getString("description"),
                List.of(row.getArrayOfStrings("event_types")), List.of(row.getArrayOfStrings("recipients")),
                EmptyWindowPolicy.fromWire(row.getString("empty_window")), row.getString("subject"),
                row.getString("html_body"), row.getString("text_body"));
    }

    private static List<WindowEvent> toEvents(RowSet<Row> rows) {
        List<WindowEvent> events = new ArrayList<>(rows.size());
        for (Row row : rows) {
            events.add(new WindowEvent(row.getUUID("id"), row.getString("event_type_key"),
                    (io.vertx.core.json.JsonObject) row.getValue("payload"), RunStore.instant(row, "occurred_at"),
                    RunStore.instant(row, "received_at")));
        }
        return events;
    }
}
