package dev.digest.api.application;

import static dev.digest.api.support.Problems.assertInvalidField;
import static dev.digest.api.support.Problems.assertProblem;
import static dev.digest.api.support.Tenant.asAdmin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.digest.api.support.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ApplicationResourceTest {

    private static String create(String slug) {
        return asAdmin().body(Map.of("name", "App " + slug, "slug", slug)).post("/api/v1/applications")
                .then().statusCode(201).extract().path("id");
    }

    @Test
    void adminCreatesReadsUpdatesAndDeletesAnApplication() {
        String slug = Tenant.uniqueSlug("crud");
        String location = asAdmin().body(Map.of("name", "Shop", "slug", slug)).post("/api/v1/applications")
                .then().statusCode(201)
                .header("ETag", "\"0\"")
                .body("name", equalTo("Shop"))
                .body("slug", equalTo(slug))
                .body("createdAt", notNullValue())
                .extract().header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);

        asAdmin().get("/api/v1/applications/{id}", id).then().statusCode(200).body("id", equalTo(id));

        asAdmin().header("If-Match", "\"0\"").body(Map.of("name", "Shop EU", "slug", slug))
                .put("/api/v1/applications/{id}", id)
                .then().statusCode(200).header("ETag", "\"1\"").body("name", equalTo("Shop EU")).body("version", equalTo(1));

        asAdmin().delete("/api/v1/applications/{id}", id).then().statusCode(204);
        assertProblem(asAdmin().get("/api/v1/applications/{id}", id), 404, "not-found");
    }

    @Test
    void listIsPagedWithAnOpaqueCursorAndFilteredBySlugPrefix() {
        String prefix = Tenant.uniqueSlug("page");
        List<String> ids = List.of(create(prefix + "-a"), create(prefix + "-b"), create(prefix + "-c"));

        var first = asAdmin().queryParam("slugPrefix", prefix).queryParam("limit", 2).get("/api/v1/applications")
                .then().statusCode(200).body("items", hasSize(2)).body("nextCursor", notNullValue()).extract();
        assertEquals(ids.subList(0, 2), first.path("items.id"));

        asAdmin().queryParam("slugPrefix", prefix).queryParam("limit", 2).queryParam("cursor", (String) first.path("nextCursor"))
                .get("/api/v1/applications")
                .then().statusCode(200).body("items.id", contains(ids.get(2))).body("nextCursor", nullValue());
    }

    @Test
    void badListParametersAreRefused() {
        assertProblem(asAdmin().queryParam("limit", 0).get("/api/v1/applications"), 422, "validation")
                .body("violations.field", contains("limit"));
        assertProblem(asAdmin().queryParam("limit", 100000).get("/api/v1/applications"), 422, "validation");
        assertProblem(asAdmin().queryParam("cursor", "not-a-cursor").get("/api/v1/applications"), 400, "malformed-request")
                .body("violations.field", contains("cursor"));
    }

    @Test
    void invalidFieldsAreNamed() {
        assertInvalidField(asAdmin().body(Map.of("name", "x", "slug", "Not A Slug")).post("/api/v1/applications"), "slug");
        assertInvalidField(asAdmin().body(Map.of("slug", Tenant.uniqueSlug("noname"))).post("/api/v1/applications"), "name");
        assertInvalidField(asAdmin().body(Map.of("name", "x".repeat(201), "slug", Tenant.uniqueSlug("long")))
                .post("/api/v1/applications"), "name");
    }

    @Test
    void aTakenSlugIsAConflictNamingTheField() {
        String slug = Tenant.uniqueSlug("dup");
        create(slug);
        assertProblem(asAdmin().body(Map.of("name", "Again", "slug", slug)).post("/api/v1/applications"), 409, "conflict")
                .body("violations.field", contains("slug"));
    }

    @Test
    void staleUpdatesAreRefusedAndUpdatesMustNameAVersion() {
        String slug = Tenant.uniqueSlug("stale");
        String id = create(slug);
        asAdmin().body(Map.of("name", "First", "slug", slug, "version", 0)).put("/api/v1/applications/{id}", id)
                .then().statusCode(200);

        assertProblem(asAdmin().body(Map.of("name", "Second", "slug", slug, "version", 0))
                .put("/api/v1/applications/{id}", id), 409, "version-conflict");
        assertProblem(asAdmin().header("If-Match", "\"0\"").body(Map.of("name", "Second", "slug", slug))
                .put("/api/v1/applications/{id}", id), 412, "precondition-failed");
        assertProblem(asAdmin().body(Map.of("name", "Second", "slug", slug)).put("/api/v1/applications/{id}", id),
                428, "precondition-required");
        asAdmin().get("/api/v1/applications/{id}", id).then().body("name", equalTo("First"));
    }

    @Test
    void onlyTheAdminKeyManagesApplications() {
        Tenant tenant = Tenant.create();
        assertProblem(given().get("/api/v1/applications"), 401, "unauthenticated");
        given().get("/api/v1/applications").then().header("WWW-Authenticate", "Bearer");
        assertProblem(Tenant.as("dgk_made_up").get("/api/v1/applications"), 401, "unauthenticated");
        assertProblem(tenant.request().get("/api/v1/applications"), 403, "forbidden");
        assertProblem(tenant.request().body(Map.of("name", "x", "slug", Tenant.uniqueSlug("no")))
                .post("/api/v1/applications"), 403, "forbidden");
    }

    @Test
    void unknownIdsAndMalformedIdsAreNotFound() {
        assertProblem(asAdmin().get("/api/v1/applications/{id}", UUID.randomUUID()), 404, "not-found");
        assertProblem(asAdmin().get("/api/v1/applications/not-a-uuid"), 404, "not-found");
    }

    @Test
    void deletingAnApplicationRevokesAccessOfItsKeys() {
        Tenant tenant = Tenant.create();
        tenant.request().get("/api/v1/digests").then().statusCode(200);
        asAdmin().delete("/api/v1/applications/{id}", tenant.applicationId()).then().statusCode(204);
        assertProblem(tenant.request().get("/api/v1/digests"), 401, "unauthenticated");
    }
}
