package dev.digest.api.eventtype;

import static dev.digest.api.support.Problems.assertInvalidField;
import static dev.digest.api.support.Problems.assertProblem;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EventTypeResourceTest {

    @Test
    void eventTypesAreCreatedReadUpdatedAndDeleted() {
        Tenant tenant = Tenant.create();
        String id = tenant.request()
                .body(Map.of("key", "order.created", "name", "Order created", "lineTemplate", "Order {event.payload.id}"))
                .post("/api/v1/event-types")
                .then().statusCode(201).body("key", equalTo("order.created")).extract().path("id");

        tenant.request().get("/api/v1/event-types/{id}", id).then().statusCode(200).body("name", equalTo("Order created"));
        tenant.request().body(Map.of("key", "order.created", "name", "New order", "version", 0))
                .put("/api/v1/event-types/{id}", id)
                .then().statusCode(200).body("name", equalTo("New order")).body("lineTemplate", nullValue());
        tenant.request().delete("/api/v1/event-types/{id}", id).then().statusCode(204);
        assertProblem(tenant.request().get("/api/v1/event-types/{id}", id), 404, "not-found");
    }

    @Test
    void aLineTemplateThatDoesNotParseIsRefusedWithItsPosition() {
        Tenant tenant = Tenant.create();
        assertInvalidField(tenant.request()
                .body(Map.of("key", "bad.template", "name", "Bad", "lineTemplate", "Order\n{#if event}unclosed"))
                .post("/api/v1/event-types"), "lineTemplate")
                .body("violations.message", hasItem(containsString("line 2")));
        tenant.request().get("/api/v1/event-types").then().body("items", org.hamcrest.Matchers.empty());
    }

    @Test
    void keysAreValidatedUniqueAndImmutable() {
        Tenant tenant = Tenant.create();
        String id = tenant.eventType("user.signed_up");
        assertInvalidField(tenant.request().body(Map.of("key", "has space", "name", "n")).post("/api/v1/event-types"), "key");
        assertProblem(tenant.request().body(Map.of("key", "user.signed_up", "name", "again")).post("/api/v1/event-types"),
                409, "conflict").body("violations.field", contains("key"));
        assertInvalidField(tenant.request().body(Map.of("key", "user.renamed", "name", "n", "version", 0))
                .put("/api/v1/event-types/{id}", id), "key");
    }

    @Test
    void anotherTenantsEventTypeIsNotFound() {
        Tenant owner = Tenant.create();
        Tenant stranger = Tenant.create();
        String id = owner.eventType("invoice.paid");
        assertProblem(stranger.request().get("/api/v1/event-types/{id}", id), 404, "not-found");
        assertProblem(stranger.request().body(Map.of("key", "invoice.paid", "name", "mine", "version", 0))
                .put("/api/v1/event-types/{id}", id), 404, "not-found");
        assertProblem(stranger.request().delete("/api/v1/event-types/{id}", id), 404, "not-found");
        owner.request().get("/api/v1/event-types/{id}", id).then().statusCode(200).body("name", equalTo("Type invoice.paid"));
    }

    @Test
    void anEventTypeUsedByADigestCannotBeDeleted() {
        Tenant tenant = Tenant.create();
        String id = tenant.eventType("ticket.opened");
        Map<String, Object> digest = tenant.digestBody(tenant.emailTemplate());
        digest.put("eventTypes", List.of("ticket.opened"));
        tenant.request().body(digest).post("/api/v1/digests").then().statusCode(201);

        assertProblem(tenant.request().delete("/api/v1/event-types/{id}", id), 409, "conflict");
        tenant.request().get("/api/v1/event-types/{id}", id).then().statusCode(200);
    }

    @Test
    void listsAreFilteredByKeyPrefixAndPaged() {
        Tenant tenant = Tenant.create();
        tenant.eventType("order.created");
        tenant.eventType("order.paid");
        tenant.eventType("user.created");
        String cursor = tenant.request().queryParam("keyPrefix", "order.").queryParam("limit", 1).get("/api/v1/event-types")
                .then().statusCode(200).body("items.key", contains("order.created")).extract().path("nextCursor");
        tenant.request().queryParam("keyPrefix", "order.").queryParam("limit", 1).queryParam("cursor", cursor)
                .get("/api/v1/event-types")
                .then().statusCode(200).body("items.key", contains("order.paid")).body("nextCursor", nullValue());
    }
}
