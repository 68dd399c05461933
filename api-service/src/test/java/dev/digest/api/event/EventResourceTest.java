package dev.digest.api.event;

import static dev.digest.api.support.Problems.assertInvalidField;
import static dev.digest.api.support.Problems.assertProblem;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EventResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    private long stored(Tenant tenant) {
        return pool.preparedQuery("SELECT count(*) FROM digest_webhook_events WHERE application_id = $1")
                .execute(Tuple.of(UUID.fromString(tenant.applicationId()))).await().atMost(WAIT).iterator().next()
                .getLong(0);
    }

    private static Map<String, Object> event(String type, Map<String, Object> payload) {
        return Map.of("type", type, "payload", payload);
    }

    @Test
    void oneEventIsStoredAndListed() {
        Tenant tenant = Tenant.create();
        tenant.eventType("order.created");

        String id = tenant.request()
                .body(Map.of("type", "order.created", "payload", Map.of("order", "A-1", "total", 42),
                        "occurredAt", "2026-11-20T10:15:00+01:00"))
                .post("/api/v1/events").then().statusCode(201).body("id", notNullValue()).extract().path("id");

        tenant.request().get("/api/v1/events").then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].id", equalTo(id))
                .body("items[0].type", equalTo("order.created"))
                .body("items[0].payload.order", equalTo("A-1"))
                .body("items[0].payload.total", equalTo(42))
                .body("items[0].occurredAt", equalTo("2026-11-20T09:15:00Z"))
                .body("items[0].receivedAt", notNullValue())
                .body("nextCursor", nullValue());
    }

    @Test
    void aBatchIsStoredInOneRequestAndAnsweredInOrder() {
        Tenant tenant = Tenant.create();
        tenant.eventType("a");
        tenant.eventType("b");
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            batch.add(event(i % 2 == 0 ? "a" : "b", Map.of("n", i)));
        }
        List<String> ids = tenant.request().body(Map.of("events", batch)).post("/api/v1/events")
                .then().statusCode(201).body("created", equalTo(1000)).body("replayed", equalTo(0))
                .extract().path("ids");
        assertEquals(1000, ids.size());
        assertEquals(1000, stored(tenant));
        tenant.request().get("/api/v1/events?type=b&limit=2").then().statusCode(200)
                .body("items.payload.n", contains(1, 3)).body("nextCursor", notNullValue());
        assertEquals(ids.get(0), tenant.request().get("/api/v1/events?limit=1").then().extract().path("items[0].id"));
    }

    @Test
    void aReplayedIdempotencyKeyReturnsTheOriginalIdAndStoresNothing() {
        Tenant tenant = Tenant.create();
        tenant.eventType("order.paid");
        Map<String, Object> body = Map.of("type", "order.paid", "payload", Map.of("order", "A-2"),
                "idempotencyKey", "pay-A-2");
        String first = tenant.request().body(body).post("/api/v1/events").then().statusCode(201)
                .body("replayed", equalTo(false)).extract().path("id");
        tenant.request().body(body).post("/api/v1/events").then().statusCode(200)
                .body("id", equalTo(first)).body("replayed", equalTo(true));
        assertEquals(1, stored(tenant));

        List<String> ids = tenant.request().body(Map.of("events", List.of(
                        Map.of("type", "order.paid", "payload", Map.of("order", "A-2"), "idempotencyKey", "pay-A-2"),
                        Map.of("type", "order.paid", "payload", Map.of("order", "A-3"), "idempotencyKey", "pay-A-3"),
                        Map.of("type", "order.paid", "payload", Map.of("order", "A-3"), "idempotencyKey", "pay-A-3"))))
                .post("/api/v1/events").then().statusCode(201)
                .body("created", equalTo(1)).body("replayed", equalTo(2)).extract().path("ids");
        assertEquals(first, ids.get(0));
        assertEquals(ids.get(1), ids.get(2), "the same key twice in one batch is one event");
        assertEquals(2, stored(tenant));
    }

    @Test
    void unknownTypesAreListedAndNothingOfTheRequestIsStored() {
        Tenant tenant = Tenant.create();
        tenant.eventType("known");
        assertInvalidField(tenant.request().body(Map.of("events", List.of(
                        event("known", Map.of("n", 1)), event("nope", Map.of("n", 2)), event("known", Map.of("n", 3)),
                        event("neither", Map.of())))).post("/api/v1/events"), "events[1].type")
                .body("violations.field", contains("events[1].type", "events[3].type"));
        assertInvalidField(tenant.request().body(event("nope", Map.of())).post("/api/v1/events"), "type");
        assertEquals(0, stored(tenant));
    }

    @Test
    void anotherTenantsTypesAndEventsAreInvisible() {
        Tenant owner = Tenant.create();
        owner.eventType("private.thing");
        owner.request().body(event("private.thing", Map.of("secret", "x"))).post("/api/v1/events")
                .then().statusCode(201);
        Tenant other = Tenant.create();
        assertInvalidField(other.request().body(event("private.thing", Map.of())).post("/api/v1/events"), "type");
        other.request().get("/api/v1/events").then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void oversizeAndMalformedInputIsRefused() {
        Tenant tenant = Tenant.create();
        tenant.eventType("big");
        assertProblem(tenant.request().body(event("big", Map.of("blob", "x".repeat(70_000)))).post("/api/v1/events"),
                413, "payload-too-large").body("violations[0].field", equalTo("payload"));
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(event("big", Map.of()));
        }
        assertProblem(tenant.request().body(Map.of("events", tooMany)).post("/api/v1/events"), 413, "payload-too-large");
        assertProblem(tenant.request().body("{\"type\": \"big\", \"payload\": {").post("/api/v1/events"), 400,
                "malformed-request");
        assertInvalidField(tenant.request().body(Map.of("type", "big", "payload", List.of(1, 2))).post("/api/v1/events"),
                "payload");
        assertInvalidField(tenant.request().body(Map.of("type", "big")).post("/api/v1/events"), "payload");
        assertInvalidField(tenant.request().body(Map.of("events", List.of())).post("/api/v1/events"), "events");
        assertInvalidField(tenant.request().body(Map.of("type", "big", "payload", Map.of(), "occurredAt", "yesterday"))
                .post("/api/v1/events"), "occurredAt");
        assertInvalidField(tenant.request().get("/api/v1/events?from=last-week"), "from");
        assertEquals(0, stored(tenant));
    }

    @Test
    void fullTextSearchFindsEventsByPayloadWords() {
        Tenant tenant = Tenant.create();
        tenant.eventType("ticket");
        tenant.request().body(Map.of("events", List.of(
                event("ticket", Map.of("title", "Printer on fire", "floor", 3)),
                event("ticket", Map.of("title", "Coffee machine broken", "tags", List.of("kitchen", "urgent"))),
                event("ticket", Map.of("title", "Printer out of paper"))))).post("/api/v1/events").then().statusCode(201);

        tenant.request().get("/api/v1/events?q=printer").then().statusCode(200).body("items", hasSize(2));
        tenant.request().get("/api/v1/events?q=printer fire").then().statusCode(200)
                .body("items.payload.title", contains("Printer on fire"));
        tenant.request().get("/api/v1/events?q=urgent").then().statusCode(200)
                .body("items.payload.title", contains("Coffee machine broken"));
        tenant.request().get("/api/v1/events?q=nothing-like-this").then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void timeRangeFiltersOnOccurrence() {
        Tenant tenant = Tenant.create();
        tenant.eventType("tick");
        tenant.request().body(Map.of("events", List.of(
                Map.of("type", "tick", "payload", Map.of("n", 1), "occurredAt", "2026-01-01T00:00:00Z"),
                Map.of("type", "tick", "payload", Map.of("n", 2), "occurredAt", "2026-01-02T00:00:00Z"),
                Map.of("type", "tick", "payload", Map.of("n", 3), "occurredAt", "2026-01-03T00:00:00Z"))))
                .post("/api/v1/events").then().statusCode(201);
        tenant.request().get("/api/v1/events?from=2026-01-02T00:00:00Z&to=2026-01-03T00:00:00Z").then().statusCode(200)
                .body("items.payload.n", contains(2));
    }

    @Test
    void scopesAreEnforced() {
        Tenant tenant = Tenant.create();
        tenant.eventType("scoped");
        assertProblem(Tenant.as(tenant.newKey("read")).body(event("scoped", Map.of())).post("/api/v1/events"), 403,
                "forbidden");
        String ingestOnly = tenant.newKey("ingest");
        Tenant.as(ingestOnly).body(event("scoped", Map.of())).post("/api/v1/events").then().statusCode(201);
        assertProblem(Tenant.as(ingestOnly).get("/api/v1/events"), 403, "forbidden");
    }
}
