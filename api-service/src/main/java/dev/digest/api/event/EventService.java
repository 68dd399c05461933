package dev.digest.api.event;

import dev.digest.api.config.ApiConfig;
import dev.digest.api.web.Page;
import dev.digest.api.web.PageRequest;
import dev.digest.api.web.ProblemException;
import dev.digest.api.web.Violation;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The rules of ingestion: a request within the limits, every event of a known type, and an
 * idempotency key seen before answered with the event first stored under it. The SQL is
 * {@link EventStore}'s.
 */
@ApplicationScoped
public class EventService {

    private final Pool pool;
    private final EventStore store;
    private final ApiConfig.Limits limits;

    public EventService(Pool pool, EventStore store, ApiConfig config) {
        this.pool = pool;
        this.store = store;
        this.limits = config.limits();
    }

    /** Stores the events of the request in one transaction, or none of them. */
    public Uni<IngestResult> ingest(UUID applicationId, IngestRequest request) {
        List<IngestRequest.ValidEvent> events = request.validated(limits.maxEventsPerRequest(), limits.maxPayloadBytes());
        Set<String> types = new LinkedHashSet<>();
        events.forEach(event -> types.add(event.type()));
        return pool.withTransaction(transaction -> store.knownTypes(transaction, applicationId, types)
                .invoke(known -> refuseUnknownTypes(events, known))
                .chain(() -> store.insert(transaction, applicationId, events))
                .chain(stored -> store.idsByKey(transaction, applicationId, replayedKeys(events, stored))
                        .map(originals -> result(events, stored, originals))));
    }

    /** Unknown event types fail the whole request, naming each one; nothing is stored. */
    private static void refuseUnknownTypes(List<IngestRequest.ValidEvent> events, Set<String> known) {
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
    }

    /** The keys of the events that were not stored because their key was seen before. */
    private static List<String> replayedKeys(List<IngestRequest.ValidEvent> events, List<UUID> stored) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (stored.get(i) == null && events.get(i).idempotencyKey() != null) {
                keys.add(events.get(i).idempotencyKey());
            }
        }
        return keys;
    }

    /** Ids in request order: a stored event's own, a replayed one's original. */
    private static IngestResult result(List<IngestRequest.ValidEvent> events, List<UUID> stored,
            Map<String, UUID> originals) {
        List<UUID> answer = new ArrayList<>(events.size());
        int replayed = 0;
        for (int i = 0; i < events.size(); i++) {
            if (stored.get(i) != null) {
                answer.add(stored.get(i));
            } else {
                answer.add(originals.get(events.get(i).idempotencyKey()));
                replayed++;
            }
        }
        return new IngestResult(answer, events.size() - replayed, replayed);
    }

    public Uni<Page<EventResponse>> list(UUID applicationId, EventFilter filter, PageRequest page) {
        return store.search(applicationId, filter, page);
    }
}
