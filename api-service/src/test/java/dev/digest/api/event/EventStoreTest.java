package dev.digest.api.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.digest.api.support.Tenant;
import dev.digest.api.web.Page;
import dev.digest.api.web.PageRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The events table as the store writes and searches it, in the real database. */
@QuarkusTest
class EventStoreTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int ALL = 100;

    @Inject
    EventStore store;

    @Inject
    Pool pool;

    private static IngestRequest.ValidEvent event(String type, String payload, String occurredAt, String key) {
        return new IngestRequest.ValidEvent(type, payload, occurredAt == null ? null : OffsetDateTime.parse(occurredAt),
                key);
    }

    private List<UUID> insert(UUID application, IngestRequest.ValidEvent... events) {
        return pool.withTransaction(transaction -> store.insert(transaction, application, Arrays.asList(events)))
                .await().atMost(WAIT);
    }

    private List<UUID> search(UUID application, EventFilter filter, UUID after) {
        Page<EventResponse> page = store.search(application, filter, new PageRequest(after, ALL)).await().atMost(WAIT);
        return page.items().stream().map(EventResponse::id).toList();
    }

    private static EventFilter filter(String type, String from, String to, String query) {
        return new EventFilter(type, from == null ? null : OffsetDateTime.parse(from),
                to == null ? null : OffsetDateTime.parse(to), query);
    }

    private static UUID application(Tenant tenant) {
        return UUID.fromString(tenant.applicationId());
    }

    @Test
    void anIdempotencyKeyAlreadyStoredGivesNoNewRow() {
        Tenant tenant = Tenant.create();
        tenant.eventType("order");
        UUID application = application(tenant);

        List<UUID> first = insert(application, event("order", "{\"n\":1}", null, "k-1"),
                event("order", "{\"n\":2}", null, null), event("order", "{\"n\":3}", null, "k-1"));
        assertNotNull(first.get(0));
        assertNotNull(first.get(1));
        assertNull(first.get(2), "the batch's second event with k-1 is not stored");

        List<UUID> again = insert(application, event("order", "{\"n\":4}", null, "k-1"),
                event("order", "{\"n\":5}", null, "k-2"));
        assertNull(again.get(0));
        assertNotNull(again.get(1));
        assertEquals(Map.of("k-1", first.get(0), "k-2", again.get(1)),
                store.idsByKey(pool, application, List.of("k-1", "k-2", "unknown")).await().atMost(WAIT));
        assertEquals(3, search(application, filter(null, null, null, null), null).size());
    }

    @Test
    void keysAreTheApplicationsOwn() {
        Tenant one = Tenant.create();
        Tenant other = Tenant.create();
        one.eventType("order");
        other.eventType("order");

        UUID mine = insert(application(one), event("order", "{}", null, "shared-key")).get(0);
        UUID theirs = insert(application(other), event("order", "{}", null, "shared-key")).get(0);

        assertNotNull(theirs);
        assertEquals(Map.of("shared-key", mine),
                store.idsByKey(pool, application(one), List.of("shared-key")).await().atMost(WAIT));
        assertEquals(List.of(mine), search(application(one), filter(null, null, null, null), null));
    }

    @Test
    void knownTypesAreThoseOfTheApplication() {
        Tenant tenant = Tenant.create();
        tenant.eventType("order");
        Tenant.create().eventType("refund");

        assertEquals(Set.of("order"), store.knownTypes(pool, application(tenant),
                List.of("order", "refund", "nothing")).await().atMost(WAIT));
    }

    @Test
    void everyFilterNarrowsTheSearchAndTheyCombine() {
        Tenant tenant = Tenant.create();
        tenant.eventType("order");
        tenant.eventType("refund");
        UUID application = application(tenant);
        List<UUID> ids = insert(application,
                event("order", "{\"title\":\"printer paper\"}", "2026-01-01T00:00:00Z", null),
                event("refund", "{\"title\":\"printer ink\"}", "2026-01-02T00:00:00Z", null),
                event("order", "{\"title\":\"coffee beans\"}", "2026-01-03T00:00:00Z", null),
                event("order", "{\"title\":\"printer toner\"}", "2026-01-04T00:00:00Z", null));
        UUID paper = ids.get(0);
        UUID ink = ids.get(1);
        UUID coffee = ids.get(2);
        UUID toner = ids.get(3);

        assertEquals(List.of(paper, ink, coffee, toner), search(application, filter(null, null, null, null), null));
        assertEquals(List.of(paper, coffee, toner), search(application, filter("order", null, null, null), null));
        assertEquals(List.of(ink, coffee),
                search(application, filter(null, "2026-01-02T00:00:00Z", "2026-01-04T00:00:00Z", null), null));
        assertEquals(List.of(coffee, toner),
                search(application, filter(null, "2026-01-03T00:00:00Z", null, null), null));
        assertEquals(List.of(paper), search(application, filter(null, null, "2026-01-02T00:00:00Z", null), null));
        assertEquals(List.of(paper, ink, toner), search(application, filter(null, null, null, "printer"), null));
        assertEquals(List.of(toner),
                search(application, filter("order", "2026-01-02T00:00:00Z", null, "printer"), null));
        assertEquals(List.of(toner), search(application, filter("order", null, null, "printer"), paper));
        assertEquals(List.of(), search(application, filter("refund", "2026-01-03T00:00:00Z", null, null), null));
    }

    @Test
    void aPageEndsWithACursorWhenMoreFollow() {
        Tenant tenant = Tenant.create();
        tenant.eventType("tick");
        UUID application = application(tenant);
        insert(application, event("tick", "{\"n\":1}", null, null), event("tick", "{\"n\":2}", null, null),
                event("tick", "{\"n\":3}", null, null));

        Page<EventResponse> first = store.search(application, filter(null, null, null, null), new PageRequest(null, 2))
                .await().atMost(WAIT);
        Page<EventResponse> last = store.search(application, filter(null, null, null, null),
                new PageRequest(first.items().get(1).id(), 2)).await().atMost(WAIT);

        assertEquals(List.of(1, 2), first.items().stream().map(item -> item.payload().get("n").asInt()).toList());
        assertNotNull(first.nextCursor());
        assertEquals(List.of(3), last.items().stream().map(item -> item.payload().get("n").asInt()).toList());
        assertNull(last.nextCursor());
    }
}
