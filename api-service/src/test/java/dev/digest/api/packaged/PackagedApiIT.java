package dev.digest.api.packaged;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The packaged api as it ships (the runner jar here; the native executable under
 * {@code -Dnative}): CRUD, a run requested and put on the stream, and error bodies. Catches what
 * only the packaged form gets wrong (reflection for JSON, configuration at run time).
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = PackagedApiResources.class, restrictToAnnotatedClass = true)
class PackagedApiIT {

    private static RequestSpecification as(String key) {
        return given().auth().oauth2(key).contentType(ContentType.JSON);
    }

    private static String tenantKey() {
        String slug = "it-" + UUID.randomUUID().toString().substring(0, 8);
        String application = as(PackagedApiResources.ADMIN_KEY).body(Map.of("name", "Packaged " + slug, "slug", slug))
                .post("/api/v1/applications").then().statusCode(201).body("slug", equalTo(slug))
                .extract().path("id");
        return as(PackagedApiResources.ADMIN_KEY)
                .body(Map.of("name", "it", "scopes", List.of("read", "write", "ingest")))
                .post("/api/v1/applications/{id}/api-keys", application)
                .then().statusCode(201).body("key", notNullValue()).extract().path("key");
    }

    @Test
    void resourcesAreCreatedReadListedAndDeleted() {
        String key = tenantKey();
        String type = as(key).body(Map.of("key", "order.created", "name", "Orders")).post("/api/v1/event-types")
                .then().statusCode(201).extract().path("id");
        String template = as(key).body(Map.of("name", "tpl", "subject", "{digest.name}", "html", "<p>{eventCount}</p>",
                "text", "{eventCount}")).post("/api/v1/email-templates").then().statusCode(201)
                .body("version", notNullValue()).extract().path("id");
        String digest = as(key).body(Map.of("name", "Daily", "cron", "0 0 8 * * ?", "timeZone", "Europe/Paris",
                        "recipients", List.of("ops@example.com"), "eventTypes", List.of("order.created"),
                        "emailTemplateId", template, "enabled", true, "emptyWindow", "skip"))
                .post("/api/v1/digests").then().statusCode(201).body("nextRunAt", notNullValue()).extract().path("id");

        as(key).get("/api/v1/digests/{id}", digest).then().statusCode(200).body("name", equalTo("Daily"));
        as(key).get("/api/v1/digests").then().statusCode(200).body("items.id", hasItem(digest));
        as(key).body(Map.of("type", "order.created", "payload", Map.of("total", 12))).post("/api/v1/events")
                .then().statusCode(201).body("id", notNullValue());
        as(key).delete("/api/v1/digests/{id}", digest).then().statusCode(204);
        as(key).get("/api/v1/digests/{id}", digest).then().statusCode(404);
        as(key).delete("/api/v1/event-types/{id}", type).then().statusCode(409);
    }

    @Test
    void aRunIsAcceptedAndPutOnTheStream() {
        String key = tenantKey();
        String template = as(key).body(Map.of("name", "tpl", "subject", "s", "html", "h", "text", "t"))
                .post("/api/v1/email-templates").then().statusCode(201).extract().path("id");
        String digest = as(key).body(Map.of("name", "Now", "cron", "0 0 8 * * ?", "timeZone", "UTC",
                        "recipients", List.of("ops@example.com"), "eventTypes", List.of(), "emailTemplateId", template,
                        "enabled", false, "emptyWindow", "send"))
                .post("/api/v1/digests").then().statusCode(201).extract().path("id");

        String run = as(key).post("/api/v1/digests/{id}/runs", digest).then().statusCode(202)
                .header("Location", notNullValue()).body("status", equalTo("queued"))
                .body("trigger", equalTo("manual")).body("enqueuedAt", notNullValue()).extract().path("id");
        as(key).get("/api/v1/runs/{id}", run).then().statusCode(200).body("digestId", equalTo(digest));
    }

    @Test
    void theOpenApiDocumentAndSwaggerUiAreServedWhenTurnedOnAtRunTime() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("components.securitySchemes.apiKey.scheme", equalTo("bearer"));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void mistakesAreAnsweredAsProblems() {
        String key = tenantKey();
        as(key).body(Map.of("name", "Bad", "cron", "not a cron", "timeZone", "Mars/Base", "recipients", List.of(),
                        "eventTypes", List.of(), "emailTemplateId", UUID.randomUUID().toString(), "enabled", true,
                        "emptyWindow", "skip"))
                .post("/api/v1/digests").then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:digest:problem:validation"))
                .body("violations.field", hasItem("cron"))
                .body("violations.field", hasItem("timeZone"));
        as(key).get("/api/v1/runs/{id}", UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
        given().get("/api/v1/digests").then().statusCode(401).contentType("application/problem+json");
        as(PackagedApiResources.ADMIN_KEY).get("/api/v1/event-types").then().statusCode(403)
                .contentType("application/problem+json").body("type", equalTo("urn:digest:problem:forbidden"));
        as(key).body("{\"name\": ").post("/api/v1/event-types").then().statusCode(400)
                .contentType("application/problem+json");
    }
}
